package io.fleetwarden.admission;

import jakarta.inject.Inject;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.io.InputStream;

/**
 * The HTTP edge of the admission webhooks: {@code POST /validate/<name>} and {@code POST /mutate/<name>}.
 * No {@code @Consumes}: the body is read as raw bytes so that a wrong content type, an oversized or a
 * malformed body each get fleetwarden's own status and message (see {@link AdmissionService}).
 */
@Path("/")
public class AdmissionResource {

    @Inject
    AdmissionService service;

    @POST
    @Path("{direction:validate|mutate}/{name}")
    public Response review(@PathParam("direction") String direction, @PathParam("name") String name,
            @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType, InputStream body) {
        WebhookReply reply = service.review("/" + direction + "/" + name, contentType, body);
        return Response.status(reply.status()).type(reply.mediaType()).entity(reply.body()).build();
    }
}
