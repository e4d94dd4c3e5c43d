package io.fleetwarden.testing.admission;

import io.fleetwarden.admission.WebhookPath;
import jakarta.enterprise.context.ApplicationScoped;

@ApplicationScoped
@WebhookPath(ValidateTestHandler.PATH)
public class ValidateTestHandler extends ScriptedHandler {

    public static final String PATH = "/validate/test-scripted";
}
