package io.fleetwarden.oci;

import io.fleetwarden.oci.RegistryException.Kind;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodySubscriber;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A blob body handed to the caller as an {@link InputStream} while it arrives, never held whole.
 *
 * <ul>
 * <li>Bounded: one chunk list is requested at a time, so at most one is buffered; a body announcing more than
 * the cap in {@code Content-Length} is refused before a byte is read, one sending more is cut off as soon as the
 * chunk that passes the cap arrives.</li>
 * <li>Verified: every byte is hashed on its way to the reader, and the end of the body is reported as end of
 * stream only once the hash matches the digest. A reader that sees {@code -1} has the complete, correct blob; a
 * corrupt or cut-off blob ends in a {@link BlobReadException} instead, so it can never be taken as complete.</li>
 * <li>Timed: every wait for the next chunk is bounded by what is left of the caller's {@link Deadline} (the
 * HTTP request timeout stops at the headers, a stalled body would otherwise block a reader forever).</li>
 * </ul>
 * Failures are sticky: once a read has failed, every later read fails the same way. Single reader.
 */
final class BlobStream extends InputStream implements BodySubscriber<InputStream> {

    /** The end of the body as announced by the HTTP client. */
    private static final Object COMPLETE = new Object();

    private record Failed(Throwable cause) {
    }

    // Holds at most one chunk list and one terminal signal: we request the next list only after taking one.
    private final BlockingQueue<Object> arrivals = new LinkedBlockingQueue<>();
    private final CompletableFuture<InputStream> body = new CompletableFuture<>();
    private final Digest digest;
    private final long cap;
    private final boolean refuse;
    private final Deadline deadline;
    private final String what;
    private final MessageDigest hasher;
    private volatile Flow.Subscription subscription;
    private volatile boolean closed;
    private Iterator<ByteBuffer> pending;
    private ByteBuffer current;
    private long received;
    private boolean verifiedEnd;
    private BlobReadException failure;

    private BlobStream(Digest digest, long cap, boolean refuse, Deadline deadline, String what) {
        this.digest = digest;
        this.cap = cap;
        this.refuse = refuse;
        this.deadline = deadline;
        this.what = what;
        this.hasher = digest.newHasher();
    }

    /** Streams a 2xx body; other answers are drained and dropped (their stream is empty), since we never use them. */
    static HttpResponse.BodyHandler<InputStream> handler(Digest digest, long cap, Deadline deadline, String what) {
        return info -> {
            if (info.statusCode() < 200 || info.statusCode() > 299) {
                return HttpResponse.BodySubscribers.replacing(InputStream.nullInputStream());
            }
            long announced = info.headers().firstValueAsLong("Content-Length").orElse(-1);
            return new BlobStream(digest, cap, announced > cap, deadline, what);
        };
    }

    @Override
    public CompletionStage<InputStream> getBody() {
        return body;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        if (refuse) {
            s.cancel();
            body.completeExceptionally(new BoundedBody.TooLargeException(cap));
            return;
        }
        body.complete(this);
        if (closed) {
            s.cancel();
        } else {
            s.request(1);
        }
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
        arrivals.add(buffers);
    }

    @Override
    public void onError(Throwable t) {
        arrivals.add(new Failed(t));
    }

    @Override
    public void onComplete() {
        arrivals.add(COMPLETE);
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (failure != null) {
            throw failure;
        }
        if (closed) {
            throw new IOException(what + ": stream closed");
        }
        if (verifiedEnd) {
            return -1;
        }
        if (len == 0) {
            return 0;
        }
        while (current == null || !current.hasRemaining()) {
            if (pending != null && pending.hasNext()) {
                current = pending.next();
                continue;
            }
            Object next = nextArrival();
            if (next == COMPLETE) {
                verifyEnd();
                return -1;
            }
            if (next instanceof Failed failed) {
                throw fail(Kind.UNAVAILABLE, "I/O error while reading the body: " + failed.cause().getMessage());
            }
            @SuppressWarnings("unchecked")
            List<ByteBuffer> chunk = (List<ByteBuffer>) next;
            for (ByteBuffer buffer : chunk) {
                received += buffer.remaining();
            }
            if (received > cap) {
                throw fail(Kind.TOO_LARGE, "body exceeds " + cap + " bytes");
            }
            pending = chunk.iterator();
            subscription.request(1);
        }
        int n = Math.min(len, current.remaining());
        current.get(b, off, n);
        hasher.update(b, off, n);
        return n;
    }

    private Object nextArrival() throws IOException {
        Duration left = deadline.left();
        if (left.isNegative() || left.isZero()) {
            throw fail(Kind.TIMEOUT, "deadline exceeded while reading the body");
        }
        try {
            Object next = arrivals.poll(left.toNanos(), TimeUnit.NANOSECONDS);
            if (next == null) {
                throw fail(Kind.TIMEOUT, "deadline exceeded while reading the body");
            }
            return next;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw fail(Kind.UNAVAILABLE, "interrupted while reading the body");
        }
    }

    private void verifyEnd() throws IOException {
        if (!digest.matchesHash(hasher.digest())) {
            throw fail(Kind.INVALID_RESPONSE, "content does not match digest " + digest + " (" + received
                    + " bytes received)");
        }
        verifiedEnd = true;
    }

    private BlobReadException fail(Kind kind, String message) {
        failure = new BlobReadException(new RegistryException(kind, what + ": " + message));
        cancel();
        return failure;
    }

    /** Stops the transfer; the connection is dropped unless the whole body was read. */
    @Override
    public void close() {
        closed = true;
        cancel();
        arrivals.clear();
    }

    private void cancel() {
        Flow.Subscription s = subscription;
        if (s != null && !verifiedEnd) {
            s.cancel();
        }
    }
}
