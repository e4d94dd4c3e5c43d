package io.fleetwarden.health;

/**
 * A field kstatus reads strictly has the wrong type (say {@code metadata.generation: "3"}). kstatus returns an error
 * there and its pollers report the object Unknown; {@link Kstatus#of} does the same with this message.
 */
final class MalformedObjectException extends RuntimeException {

    MalformedObjectException(String message) {
        super(message, null, false, false);
    }
}
