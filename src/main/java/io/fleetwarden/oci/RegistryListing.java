package io.fleetwarden.oci;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetwarden.oci.RegistryException.Kind;
import io.fleetwarden.oci.RegistryTransport.Request;
import io.fleetwarden.oci.RegistryTransport.Response;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The paginated listings: tags ({@code /tags/list}) and referrers. Pages are followed through the
 * {@code Link: <...>; rel="next"} header, only on the registry's own origin, and bounded in page count, page size
 * and total entries by {@link RegistryLimits}.
 *
 * <p>Referrers: the OCI 1.1 API first. A registry without it (Distribution 2.8 answers 404) gets the referrers
 * tag schema: the image index at tag {@code <alg>-<hex>}, which cosign and oras maintain there. The
 * {@code artifactType} filter is always applied here as well, since registries may ignore it.
 */
final class RegistryListing {

    private static final Pattern NEXT_LINK = Pattern.compile("<([^>]*)>\\s*;[^,]*rel=\"?next\"?", Pattern.CASE_INSENSITIVE);
    /** Answers meaning "no referrers API here"; anything else that is not 2xx is an error, not a fallback. */
    private static final Set<Integer> NO_REFERRERS_API = Set.of(404, 405, 501);

    private final HttpRegistryClient client;
    private final RegistryLimits limits;

    RegistryListing(HttpRegistryClient client, RegistryLimits limits) {
        this.client = client;
        this.limits = limits;
    }

    List<String> tags(OciReference ref, Deadline deadline) throws RegistryException {
        String what = "list tags of " + ref.repositoryName();
        URI uri = client.api(ref, "tags/list" + (limits.tagPageSize() > 0 ? "?n=" + limits.tagPageSize() : ""));
        List<String> tags = new ArrayList<>();
        for (int page = 1; uri != null; page++) {
            Response response = page(ref, uri, "application/json", page, what, deadline);
            if (!response.ok()) {
                throw RegistryTransport.unexpected(response, what);
            }
            JsonNode list = json(response, what).get("tags");
            if (list != null && !list.isNull()) {
                if (!list.isArray()) {
                    throw new RegistryException(Kind.INVALID_RESPONSE, what + ": tags is not an array");
                }
                for (JsonNode tag : list) {
                    if (!tag.isTextual()) {
                        throw new RegistryException(Kind.INVALID_RESPONSE, what + ": a tag is not a string");
                    }
                    if (tags.size() == limits.maxTags()) {
                        throw new RegistryException(Kind.TOO_LARGE, what + ": more than " + limits.maxTags() + " tags");
                    }
                    tags.add(tag.asText());
                }
            }
            uri = next(response, what);
        }
        return List.copyOf(tags);
    }

    List<Descriptor> referrers(OciReference ref, Digest subject, String artifactType, Deadline deadline)
            throws RegistryException {
        String what = "list referrers of " + ref.repositoryName() + "@" + subject;
        URI uri = client.api(ref, "referrers/" + subject + (artifactType == null ? ""
                : "?artifactType=" + URLEncoder.encode(artifactType, StandardCharsets.UTF_8)));
        // Which of the two a registry has is known only from the API's answer; asking for the tag schema's index
        // at the same time saves a cold review one round trip on registries without the API (Distribution 2.8,
        // and others), at the price of one unneeded read on registries with it.
        Future<Optional<Manifest>> schema = ParallelReads.start(() -> client.manifestByTag(ref, subject.asTagPrefix(),
                deadline));
        try {
            List<Descriptor> found = new ArrayList<>();
            for (int page = 1; uri != null; page++) {
                Response response = page(ref, uri, ManifestJson.OCI_INDEX, page, what, deadline);
                if (page == 1 && (NO_REFERRERS_API.contains(response.status())
                        || response.ok() && !ManifestJson.OCI_INDEX.equals(HttpRegistryClient.contentType(response)))) {
                    return fromTagSchema(ParallelReads.await(schema, deadline, "read tag " + subject.asTagPrefix()
                            + " of " + ref.repositoryName()), ref, subject, artifactType);
                }
                if (!response.ok()) {
                    throw RegistryTransport.unexpected(response, what);
                }
                List<Descriptor> entries = ManifestJson.descriptors(json(response, what).get("manifests"), "manifests", what);
                if (found.size() + entries.size() > limits.maxIndexEntries()) {
                    throw new RegistryException(Kind.TOO_LARGE, what + ": more than " + limits.maxIndexEntries() + " referrers");
                }
                found.addAll(entries);
                uri = next(response, what);
            }
            return filter(found, artifactType);
        } finally {
            // Done, or not needed: left to finish (it is bounded by the same deadline) rather than interrupted, which
            // would abort an exchange on a pooled connection.
            schema.cancel(false);
        }
    }

    private static List<Descriptor> fromTagSchema(Optional<Manifest> index, OciReference ref, Digest subject,
            String artifactType) throws RegistryException {
        if (index.isEmpty()) {
            return List.of();
        }
        if (!index.get().isIndex()) {
            throw new RegistryException(Kind.INVALID_RESPONSE, "list referrers of " + ref.repositoryName() + "@" + subject
                    + ": tag " + subject.asTagPrefix() + " is not an image index");
        }
        return filter(index.get().manifests(), artifactType);
    }

    private static List<Descriptor> filter(List<Descriptor> descriptors, String artifactType) {
        return descriptors.stream().filter(d -> artifactType == null || artifactType.equals(d.artifactType())).toList();
    }

    private Response page(OciReference ref, URI uri, String accept, int page, String what, Deadline deadline)
            throws RegistryException {
        if (page > limits.maxPages()) {
            throw new RegistryException(Kind.TOO_LARGE, what + ": more than " + limits.maxPages() + " pages");
        }
        return client.send(ref, Request.get(uri, accept, limits.maxListPageBytes(), what), deadline);
    }

    private static JsonNode json(Response response, String what) throws RegistryException {
        try {
            JsonNode json = ManifestJson.MAPPER.readTree(response.body());
            if (json == null || !json.isObject()) {
                throw new RegistryException(Kind.INVALID_RESPONSE, what + ": answer is not a JSON object");
            }
            return json;
        } catch (IOException e) {
            throw new RegistryException(Kind.INVALID_RESPONSE, what + ": answer is not valid JSON");
        }
    }

    /** The next page from the {@code Link} header; only on the same origin, so credentials never follow it away. */
    private static URI next(Response response, String what) throws RegistryException {
        for (String link : response.headers().allValues("Link")) {
            Matcher m = NEXT_LINK.matcher(link);
            if (m.find()) {
                URI next;
                try {
                    next = response.uri().resolve(m.group(1));
                } catch (IllegalArgumentException e) {
                    throw new RegistryException(Kind.INVALID_RESPONSE, what + ": invalid Link header");
                }
                if (next.getHost() == null || !RegistryTransport.sameOrigin(next, response.uri())
                        || Objects.equals(next, response.uri())) {
                    throw new RegistryException(Kind.INVALID_RESPONSE, what + ": Link to another origin or to the same page");
                }
                return next;
            }
        }
        return null;
    }
}
