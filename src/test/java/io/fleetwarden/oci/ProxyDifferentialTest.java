package io.fleetwarden.oci;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetwarden.testing.FluxOracle;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Which proxy a registry request takes, ours ({@link RegistryProxy#fromEnvironment}) against Go's
 * {@code http.ProxyFromEnvironment}, which every Flux controller uses, asked of {@code tools/flux-oracle}: every
 * combination below of proxy variables (upper and lower case), {@code NO_PROXY} entries (names, subdomains, ports,
 * addresses, CIDRs, IPv4-mapped IPv6, malformed ones) and request URLs. Where Go would use an {@code https://} or
 * {@code socks5://} proxy, we must refuse the variable rather than go around it.
 */
class ProxyDifferentialTest {

    private static final List<String> PROXIES = List.of("proxy.corp.test:3128", "http://proxy.corp.test:3128",
            "http://robot:s%40cret@proxy.corp.test:3128", "proxy.corp.test", "10.0.0.1:3128", "http://[fd00::1]:3128",
            "https://proxy.corp.test", "socks5://proxy.corp.test:1080", "HTTP://Proxy.Corp.Test:8080");
    private static final List<String> NO_PROXY = List.of("", "*", "corp.test", ".corp.test", "*.corp.test",
            "registry.corp.test:5000", "registry.corp.test:443", "10.0.0.0/8", "10.1.2.3", "10.1.2.3:443",
            "[fd00::5]:443", "fd00::/8", "fd00::5", "::ffff:10.0.0.0/104", "::ffff:10.0.0.0/64", "localhost,127.0.0.1",
            "CORP.Test", " corp.test , other.test ", ":443", "corp.test:", "10.0.0.0/08", "01.2.3.4", "10.1.2.0/24,ghcr.io",
            "*,corp.test", "registry", "test", "10.1.2.3/33", "fd00::5/129", "xn--bcher-kva.test", "bücher.test",
            "[fd00::5]", "corp.test:80");
    private static final List<String> URLS = List.of("https://registry.corp.test/v2/", "https://registry.corp.test:5000/v2/",
            "https://corp.test/v2/", "https://xcorp.test/v2/", "https://registry.corp.test.evil/v2/",
            "https://10.1.2.3/v2/", "https://10.1.2.3:5000/v2/", "https://10.2.3.4/v2/", "https://[fd00::5]/v2/",
            "https://[fd00::6]:443/v2/", "https://[::1]:5000/v2/", "https://localhost:5000/v2/", "https://LOCALHOST/v2/",
            "https://127.0.0.2/v2/", "https://ghcr.io/v2/", "http://10.2.3.4:5000/v2/", "http://registry.corp.test/v2/",
            "https://[::ffff:10.1.2.3]/v2/", "https://REGISTRY.CORP.TEST/v2/", "https://registry/v2/",
            "https://xn--bcher-kva.test/v2/", "https://01.2.3.4/v2/", "https://1.2.3.4/v2/", "http://corp.test:80/v2/",
            "https://registry.corp.test:443/v2/", "https://0.0.0.0/v2/", "https://[::]/v2/");

    @Test
    void everyEnvironmentRoutesEveryRequestAsGoDoes() throws IOException {
        List<String> differences = new ArrayList<>();
        int compared = 0;
        for (Map<String, String> env : environments()) {
            List<JsonNode> go = FluxOracle.proxies(env, URLS);
            RegistryProxy ours;
            try {
                ours = RegistryProxy.fromEnvironment(env);
            } catch (IllegalArgumentException refused) {
                // Only a proxy we cannot speak to may be refused, and only if Go would send something through it.
                boolean unsupported = go.stream().map(a -> a.path("proxy").asText()).anyMatch(p -> p.startsWith("https:")
                        || p.startsWith("socks5:"));
                if (!unsupported) {
                    differences.add(env + ": we refuse it (" + refused.getMessage() + "), Go uses it");
                }
                continue;
            }
            for (int i = 0; i < URLS.size(); i++) {
                String expected = normalised(go.get(i).path("proxy").asText());
                Optional<RegistryProxy.Address> proxy = ours.proxyFor(URI.create(URLS.get(i)));
                String actual = proxy.map(a -> a.username() == null ? a.host() + ":" + a.port()
                        : a.username() + ":" + a.password() + "@" + a.host() + ":" + a.port()).orElse("");
                compared++;
                if (!expected.equals(actual)) {
                    differences.add(env + " " + URLS.get(i) + ": Go " + (expected.isEmpty() ? "direct" : expected)
                            + ", we " + (actual.isEmpty() ? "direct" : actual));
                }
            }
        }
        assertThat(compared).as("requests compared").isGreaterThan(1000);
        assertThat(differences).as("requests routed differently from Go's net/http").isEmpty();
    }

    /** Go's proxy URL as host:port (80 when absent, as Go dials it), with the login decoded. */
    private static String normalised(String goProxy) {
        if (goProxy.isEmpty()) {
            return "";
        }
        URI uri = URI.create(goProxy);
        String host = uri.getHost().startsWith("[") ? uri.getHost().substring(1, uri.getHost().length() - 1) : uri.getHost();
        String hostPort = host + ":" + (uri.getPort() < 0 ? 80 : uri.getPort());
        String user = uri.getUserInfo();
        return user == null ? hostPort : (user.contains(":") ? user : user + ":null") + "@" + hostPort;
    }

    private static List<Map<String, String>> environments() {
        List<Map<String, String>> out = new ArrayList<>();
        for (String noProxy : NO_PROXY) {
            out.add(env("HTTPS_PROXY", "proxy.corp.test:3128", "HTTP_PROXY", "http://proxy.corp.test:8080",
                    "NO_PROXY", noProxy));
            out.add(env("https_proxy", "proxy.corp.test:3128", "no_proxy", noProxy));
        }
        for (String proxy : PROXIES) {
            out.add(env("HTTPS_PROXY", proxy, "NO_PROXY", "corp.test"));
            out.add(env("HTTP_PROXY", proxy));
        }
        // Upper case wins over lower case; an empty value is no value.
        out.add(env("HTTPS_PROXY", "upper.corp.test:1", "https_proxy", "lower.corp.test:2", "NO_PROXY", "",
                "no_proxy", "corp.test"));
        out.add(env("HTTPS_PROXY", "", "https_proxy", "lower.corp.test:2", "NO_PROXY", "10.0.0.0/8", "no_proxy", "*"));
        return out;
    }

    private static Map<String, String> env(String... pairs) {
        Map<String, String> env = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return env;
    }
}
