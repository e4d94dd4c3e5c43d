package io.fleetwarden.admission;

/**
 * Decides one admission request for one webhook path. Handlers never throw for bad objects: a malformed
 * object is a denial with reason {@code Invalid} and a message saying what is wrong.
 */
public interface AdmissionHandler {

    AdmissionDecision handle(AdmissionInput input);
}
