package io.fleetwarden.config;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fleetwarden.kube.LeaderDuties;
import io.fleetwarden.kube.LeaderElection;
import io.fleetwarden.kube.PolicyInformer;
import io.fleetwarden.kube.PolicyStatusWriter;
import io.fleetwarden.kube.TrustedRootSources;
import io.fleetwarden.kube.certs.WebhookCertificates;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * Leader election and what only the leader does. Campaigning starts with the application and never blocks
 * it: readiness ({@code GateReadiness}) does not depend on leading, every replica serves admission.
 */
@ApplicationScoped
public class LeaderProducers {

    public static final String WEBHOOK_CERTIFICATES = "webhook-certificates";
    public static final String POLICY_STATUS = "policy-status";

    @Produces
    @Singleton
    LeaderDuties duties(KubernetesClient client, CertificatesConfig certificates, PolicyInformer policies,
            LeaderConfig leader, TrustedRootSources trustedRoots) {
        List<LeaderDuties.Duty> duties = new ArrayList<>();
        duties.add(new LeaderDuties.Duty(POLICY_STATUS, leader.policyStatusPeriod(),
                new PolicyStatusWriter(client, policies, Clock.systemUTC(), trustedRoots::problem)));
        if (certificates.selfManaged()) {
            WebhookCertificates webhookCertificates = new WebhookCertificates(client, certificates.settings(), Clock.systemUTC());
            duties.add(new LeaderDuties.Duty(WEBHOOK_CERTIFICATES, certificates.checkPeriod(), webhookCertificates::reconcile));
        }
        LeaderDuties leaderDuties = new LeaderDuties(duties);
        // A root that appears or breaks shows in the policies' status at once, not a period later.
        trustedRoots.onChange(() -> leaderDuties.runNow(POLICY_STATUS));
        return leaderDuties;
    }

    void closeDuties(@Disposes LeaderDuties duties) {
        duties.close();
    }

    @Produces
    @Singleton
    @Startup
    LeaderElection election(KubernetesClient client, LeaderConfig config, LeaderDuties duties) {
        LeaderElection election = new LeaderElection(client, config.namespace(), config.leaseName(),
                config.identity().orElseGet(LeaderProducers::podName), new LeaderElection.Timings(config.leaseDuration(),
                        config.renewDeadline(), config.retryPeriod()), duties);
        election.start();
        return election;
    }

    void closeElection(@Disposes LeaderElection election) {
        election.close();
    }

    private static String podName() {
        String pod = System.getenv("POD_NAME");
        if (pod != null && !pod.isBlank()) {
            return pod;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            throw new IllegalStateException("no leader identity: set POD_NAME or fleetwarden.leader.identity", e);
        }
    }
}
