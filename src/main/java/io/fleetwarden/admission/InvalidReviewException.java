package io.fleetwarden.admission;

/**
 * A request that is not a well-formed AdmissionReview, answered with an HTTP error instead of a review
 * response (there is no trustworthy uid to answer to).
 *
 * @param status   the HTTP status: 400, 413 or 415
 * @param category a short, fixed word for logs and metrics ({@code MalformedJson}, {@code WrongKind}, ...);
 *                 never derived from the body, so logging it cannot leak object content
 */
public final class InvalidReviewException extends Exception {

    private final int status;
    private final String category;

    public InvalidReviewException(int status, String category, String message) {
        super(message, null, false, false);
        this.status = status;
        this.category = category;
    }

    public int status() {
        return status;
    }

    public String category() {
        return category;
    }
}
