package io.fleetwarden.oci;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodySubscriber;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * Response bodies read into memory with a hard cap. A body that announces more than the cap in
 * {@code Content-Length} is refused before a byte is read; one that sends more than the cap (chunked, or lying
 * about its length) is cut off as soon as the cap is passed: the subscription is cancelled and nothing more is
 * buffered. Bodies of non-2xx answers are drained and dropped, since we never use them.
 */
final class BoundedBody {

    /** The body passed its cap; reported as {@link RegistryException.Kind#TOO_LARGE}. */
    static final class TooLargeException extends IOException {
        TooLargeException(long cap) {
            super("body exceeds " + cap + " bytes");
        }
    }

    private BoundedBody() {
    }

    static HttpResponse.BodyHandler<byte[]> upTo(long cap) {
        return info -> {
            if (info.statusCode() < 200 || info.statusCode() > 299) {
                return HttpResponse.BodySubscribers.replacing(new byte[0]);
            }
            long announced = info.headers().firstValueAsLong("Content-Length").orElse(-1);
            return new Subscriber(cap, announced > cap);
        };
    }

    private static final class Subscriber implements BodySubscriber<byte[]> {
        private final long cap;
        private final boolean refuse;
        private final CompletableFuture<byte[]> result = new CompletableFuture<>();
        private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        private Flow.Subscription subscription;
        private long received;

        Subscriber(long cap, boolean refuse) {
            this.cap = cap;
            this.refuse = refuse;
        }

        @Override
        public CompletionStage<byte[]> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            if (refuse) {
                s.cancel();
                result.completeExceptionally(new TooLargeException(cap));
            } else {
                s.request(1);
            }
        }

        @Override
        public void onNext(List<ByteBuffer> buffers) {
            if (result.isDone()) {
                return;
            }
            for (ByteBuffer b : buffers) {
                received += b.remaining();
                if (received > cap) {
                    subscription.cancel();
                    result.completeExceptionally(new TooLargeException(cap));
                    return;
                }
                byte[] chunk = new byte[b.remaining()];
                b.get(chunk);
                buffer.write(chunk, 0, chunk.length);
            }
            subscription.request(1);
        }

        @Override
        public void onError(Throwable t) {
            result.completeExceptionally(t);
        }

        @Override
        public void onComplete() {
            result.complete(buffer.toByteArray());
        }
    }
}
