package io.fleetwarden;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Dependencies point inward. Pure packages (policy, tenancy, render, health) do no I/O; {@code oci} is the only
 * code that talks to registries; {@code verify.cosign} is the only code that imports sigstore-java, so the
 * day we swap or patch the Sigstore library only one package changes.
 */
class ArchitectureTest {

    private static final String ROOT = "io.fleetwarden.";
    private static JavaClasses classes;

    @BeforeAll
    static void importMainClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.fleetwarden");
    }

    @Test
    void apiDependsOnNothingOfOurs() {
        check(noClasses().that().resideInAPackage(ROOT + "api..")
                .should().dependOnClassesThat().resideInAnyPackage(ours("policy", "tenancy", "render", "verify", "oci",
                        "apply", "kube", "admission", "reconcile", "cli", "config")));
    }

    @Test
    void ociIsALeaf() {
        check(noClasses().that().resideInAPackage(ROOT + "oci..")
                .should().dependOnClassesThat().resideInAnyPackage(ours("api", "policy", "tenancy", "render", "verify",
                        "apply", "kube", "admission", "reconcile", "cli", "config")));
    }

    @Test
    void pureCoreUsesOnlyApiAndOciValues() {
        check(noClasses().that().resideInAnyPackage(ours("policy", "tenancy", "render", "health"))
                .should().dependOnClassesThat().resideInAnyPackage(ours("verify", "gate", "apply", "kube", "admission",
                        "reconcile", "cli", "config")));
    }

    /** The gate's decisions are shared by the webhook and the CLI, so it knows neither, nor the cluster. */
    @Test
    void gateKnowsNoEdgeAndNoCluster() {
        check(noClasses().that().resideInAPackage(ROOT + "gate..")
                .should().dependOnClassesThat().resideInAnyPackage(ours("admission", "cli", "reconcile", "kube", "apply",
                        "config", "verify.cosign")));
        check(noClasses().that().resideInAPackage(ROOT + "gate..")
                .should().dependOnClassesThat().resideInAnyPackage("io.fabric8.kubernetes.client..", "io.quarkus.."));
    }

    @Test
    void pureCoreDoesNoIo() {
        check(noClasses().that().resideInAnyPackage(ours("policy", "tenancy", "render", "platform", "health", "status"))
                .should().dependOnClassesThat().resideInAnyPackage("java.net..", "java.nio.file..",
                        "io.fabric8.kubernetes.client..", "io.quarkus.runtime.."));
        check(noClasses().that().resideInAnyPackage(ours("policy", "tenancy", "render", "platform", "health", "status"))
                .should().dependOnClassesThat().haveFullyQualifiedName(ROOT + "oci.HttpRegistryClient"));
    }

    /**
     * SOPS decryption is pure: the keys and the documents are given to it; it reads no Secret and no file, and
     * depends on nothing of ours but Go's formats ({@code golang}), so the differential test against
     * kustomize-controller covers all of it. {@code golang} itself depends on nothing of ours.
     */
    @Test
    void sopsDecryptionAndGoFormatsArePureAndSelfContained() {
        check(noClasses().that().resideInAPackage(ROOT + "sops..")
                .should().dependOnClassesThat().resideInAnyPackage("java.net..", "java.nio.file..", "java.io.File",
                        "io.fabric8..", "io.quarkus..")
                .orShould().dependOnClassesThat().resideInAnyPackage(ours("policy", "tenancy", "render", "platform",
                        "health", "status", "verify", "gate", "apply", "kube", "admission", "cli", "reconcile",
                        "config", "oci", "artifact", "source", "api")));
        check(noClasses().that().resideInAPackage(ROOT + "golang..")
                .should().dependOnClassesThat().resideInAnyPackage("java.net..", "java.nio.file..", "java.io.File")
                .orShould().dependOnClassesThat().resideInAnyPackage(ours("sops", "policy", "tenancy", "render",
                        "platform", "health", "status", "verify", "gate", "apply", "kube", "admission", "cli",
                        "reconcile", "config", "oci", "artifact", "source", "api")));
    }

    /** The policy snapshot is pure: compiled rules, read by both edges, never the cluster or a registry. */
    @Test
    void platformSnapshotIsPure() {
        check(noClasses().that().resideInAPackage(ROOT + "platform..")
                .should().dependOnClassesThat().resideInAnyPackage(ours("verify", "gate", "source", "apply", "kube",
                        "admission", "reconcile", "cli", "config")));
    }

    /** A package that imports another which imports it back cannot be understood, tested or moved alone. */
    @Test
    void packagesFormNoCycles() {
        slices().matching("io.fleetwarden.(**)").should().beFreeOfCycles().check(classes);
    }

    /** The artifact adapter pulls and unpacks for the reconciler; it knows neither its caller nor the cluster. */
    @Test
    void artifactKnowsNoEdgeAndNoCluster() {
        check(noClasses().that().resideInAPackage(ROOT + "artifact..")
                .should().dependOnClassesThat().resideInAnyPackage(ours("admission", "cli", "config", "reconcile", "kube",
                        "apply", "gate", "verify")));
    }

    /**
     * The ignore rules of an artifact (Go's glob, gitignore patterns, source-controller's filter) judge the paths of
     * a tree in memory: pure, so the differential test against Flux exercises all of them, and no file system or
     * network can change an answer.
     */
    @Test
    void sourceIgnoreRulesDoNoIo() {
        check(noClasses().that().haveNameMatching("io\\.fleetwarden\\.artifact\\.(GoGlob|IgnorePattern|SourceIgnore)"
                + "(\\$.*)?").should().dependOnClassesThat().resideInAnyPackage("java.io..", "java.nio.file..",
                        "java.net..", "io.fabric8.kubernetes.client..", ROOT + "oci.."));
    }

    @Test
    void onlyCosignAdapterImportsSigstore() {
        check(noClasses().that().resideOutsideOfPackage(ROOT + "verify.cosign..")
                .should().dependOnClassesThat().resideInAPackage("dev.sigstore.."));
    }

    @Test
    void onlyOciTalksToRegistries() {
        check(noClasses().that().resideOutsideOfPackage(ROOT + "oci..")
                .should().dependOnClassesThat().resideInAnyPackage("java.net.http..", "land.oras.."));
    }

    @Test
    void verifyPortsDoNotKnowTheirAdapters() {
        check(noClasses().that().resideInAPackage(ROOT + "verify")
                .should().dependOnClassesThat().resideInAnyPackage(ours("verify.cosign", "admission", "reconcile", "cli",
                        "config", "kube", "apply")));
    }

    @Test
    void edgesDoNotDependOnEachOther() {
        check(noClasses().that().resideInAnyPackage(ours("admission", "cli"))
                .should().dependOnClassesThat().resideInAPackage(ROOT + "reconcile.."));
        check(noClasses().that().resideInAnyPackage(ours("reconcile", "cli"))
                .should().dependOnClassesThat().resideInAPackage(ROOT + "admission.."));
    }

    private static String[] ours(String... packages) {
        String[] out = new String[packages.length];
        for (int i = 0; i < packages.length; i++) {
            out[i] = ROOT + packages[i] + "..";
        }
        return out;
    }

    /**
     * Without {@code allowEmptyShould}: a rule whose {@code that()} selects no class fails, so a renamed or
     * misspelled package cannot turn a rule into one that always passes.
     */
    private static void check(ArchRule rule) {
        rule.check(classes);
    }
}
