package io.fleetwarden.testing.admission;

import io.fleetwarden.admission.WebhookPath;
import jakarta.enterprise.context.ApplicationScoped;

@ApplicationScoped
@WebhookPath(MutateTestHandler.PATH)
public class MutateTestHandler extends ScriptedHandler {

    public static final String PATH = "/mutate/test-scripted";
}
