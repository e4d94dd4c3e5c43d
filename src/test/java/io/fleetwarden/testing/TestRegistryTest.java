package io.fleetwarden.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

class TestRegistryTest {

    @Test
    void servesTheDistributionApiOnLoopback() throws Exception {
        TestRegistry registry = TestRegistry.shared();
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://" + registry.host() + "/v2/")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), registry.log());
        assertEquals("registry/2.0", response.headers().firstValue("Docker-Distribution-Api-Version").orElse(""));
    }

    @Test
    void aQuietRegistryIsReadyWhenStartReturns() throws Exception {
        try (TestRegistry registry = TestRegistry.startQuiet()) {
            HttpResponse<String> response = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://" + registry.host() + "/v2/")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode(), registry.log());
        }
    }
}
