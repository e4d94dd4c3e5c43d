package io.fleetwarden.oci;

import java.net.IDN;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * {@code NO_PROXY} as Go's {@code net/http} reads it (golang.org/x/net/http/httpproxy), which is what Flux's
 * controllers do, proven against it by {@code ProxyDifferentialTest}:
 * <ul>
 * <li>comma-separated, case-insensitive entries; {@code *} alone means no request is proxied;</li>
 * <li>an IP address or CIDR ({@code 10.0.0.0/8}, {@code fd00::/8}) matches requests to IP addresses only, an address
 * with a port ({@code 10.1.2.3:5000}, {@code [::1]:5000}) only that port;</li>
 * <li>a name matches itself and its subdomains ({@code corp.example} matches {@code registry.corp.example}); with a
 * leading dot or {@code *.} only the subdomains; with a port only that port;</li>
 * <li>{@code localhost} and loopback addresses are never proxied, whatever the list says.</li>
 * </ul>
 * Nothing here resolves DNS: a name is matched as written, an address only as a literal.
 */
final class NoProxyRules {

    /** Go's net.ParseIP: four decimal octets, no leading zeros. */
    private static final Pattern IPV4 = Pattern.compile(
            "(?:(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])");

    private sealed interface Rule {
    }

    private record Everything() implements Rule {
    }

    private record Cidr(byte[] network, int prefix) implements Rule {
    }

    private record Address(InetAddress ip, String port) implements Rule {
    }

    /** {@code suffix} starts with a dot; {@code alsoItself}: the name without the dot matches too. */
    private record Domain(String suffix, String port, boolean alsoItself) implements Rule {
    }

    private final List<Rule> rules;
    private final String text;

    private NoProxyRules(List<Rule> rules, String text) {
        this.rules = rules;
        this.text = text;
    }

    static NoProxyRules parse(String noProxy) {
        List<Rule> rules = new ArrayList<>();
        for (String raw : noProxy.split(",", -1)) {
            String entry = raw.strip().toLowerCase(Locale.ROOT);
            if (entry.isEmpty()) {
                continue;
            }
            if (entry.equals("*")) {
                return new NoProxyRules(List.of(new Everything()), noProxy);
            }
            Rule cidr = cidr(entry);
            if (cidr != null) {
                rules.add(cidr);
                continue;
            }
            String host = entry;
            String port = "";
            int colon = entry.lastIndexOf(':');
            if (entry.startsWith("[") && entry.contains("]:")) {
                host = entry.substring(1, entry.indexOf("]:"));
                port = entry.substring(entry.indexOf("]:") + 2);
            } else if (colon > 0 && entry.indexOf(':') == colon) {
                host = entry.substring(0, colon);
                port = entry.substring(colon + 1);
            } else if (colon == 0) {
                continue; // ":5000": no host, ignored as Go ignores it
            }
            InetAddress ip = literal(host);
            if (ip != null) {
                rules.add(new Address(ip, port));
                continue;
            }
            if (host.isEmpty()) {
                continue;
            }
            if (host.startsWith("*.")) {
                host = host.substring(1);
            }
            boolean alsoItself = host.charAt(0) != '.';
            rules.add(new Domain("." + ascii(alsoItself ? host : host.substring(1)), port, alsoItself));
        }
        return new NoProxyRules(List.copyOf(rules), noProxy);
    }

    /** Whether a request to {@code uri} goes through the proxy (Go's {@code useProxy}). */
    boolean useProxy(URI uri) {
        String host = uri.getHost();
        if (host == null) {
            return true;
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        if (host.equals("localhost")) {
            return false;
        }
        InetAddress ip = literal(host);
        if (ip != null && ip.isLoopbackAddress()) {
            return false;
        }
        String port = String.valueOf(uri.getPort() >= 0 ? uri.getPort()
                : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80);
        String name = ascii(host.strip().toLowerCase(Locale.ROOT));
        for (Rule rule : rules) {
            if (matches(rule, name, port, ip)) {
                return false;
            }
        }
        return true;
    }

    private static boolean matches(Rule rule, String host, String port, InetAddress ip) {
        if (rule instanceof Everything) {
            return true;
        }
        if (rule instanceof Cidr c) {
            return ip != null && contains(c, ip);
        }
        if (rule instanceof Address a) {
            return ip != null && a.ip().equals(ip) && (a.port().isEmpty() || a.port().equals(port));
        }
        Domain d = (Domain) rule;
        if (ip != null) {
            return false;
        }
        boolean named = host.endsWith(d.suffix()) || d.alsoItself() && host.equals(d.suffix().substring(1));
        return named && (d.port().isEmpty() || d.port().equals(port));
    }

    private static Cidr cidr(String entry) {
        int slash = entry.indexOf('/');
        if (slash < 0) {
            return null;
        }
        InetAddress ip = literal(entry.substring(0, slash));
        String bits = entry.substring(slash + 1);
        if (ip == null || !bits.matches("[0-9]{1,9}")) {
            return null;
        }
        int prefix = Integer.parseInt(bits);
        boolean v6Text = entry.substring(0, slash).contains(":");
        if (prefix > (v6Text ? 128 : 32)) {
            return null;
        }
        byte[] network = ip.getAddress();
        if (v6Text && network.length == 4) {
            network = mapped(network); // the JDK reads "::ffff:a.b.c.d" as IPv4; Go keeps its 16 bytes to mask them
        }
        for (int i = prefix; i < network.length * 8; i++) {
            network[i / 8] &= (byte) ~(0x80 >>> (i % 8));
        }
        if (network.length == 16 && isMapped(network)) {
            // Go's IPNet.Contains reads a network that is still IPv4-mapped once masked ("::ffff:10.0.0.0/104") as the
            // IPv4 network of its last 32 bits (10.0.0.0/8); one masked below that ("::ffff:10.0.0.0/64" is ::/64)
            // stays IPv6.
            network = java.util.Arrays.copyOfRange(network, 12, 16);
            prefix -= 96;
        }
        return new Cidr(network, prefix);
    }

    private static boolean contains(Cidr cidr, InetAddress ip) {
        byte[] address = ip.getAddress();
        byte[] network = cidr.network();
        if (address.length != network.length) {
            // As Go's IPNet.Contains: an IPv4 address (IPv4-mapped ones included) is never in an IPv6 network.
            return false;
        }
        for (int i = 0; i < cidr.prefix(); i++) {
            int mask = 0x80 >>> (i % 8);
            if ((address[i / 8] & mask) != (network[i / 8] & mask)) {
                return false;
            }
        }
        return true;
    }

    private static byte[] mapped(byte[] v4) {
        byte[] v6 = new byte[16];
        v6[10] = (byte) 0xff;
        v6[11] = (byte) 0xff;
        System.arraycopy(v4, 0, v6, 12, 4);
        return v6;
    }

    private static boolean isMapped(byte[] v6) {
        for (int i = 0; i < 10; i++) {
            if (v6[i] != 0) {
                return false;
            }
        }
        return v6[10] == (byte) 0xff && v6[11] == (byte) 0xff;
    }

    /** An IP literal, never a DNS lookup: IPv4 only in Go's strict form, IPv6 as the JDK reads a literal. */
    static InetAddress literal(String host) {
        if (!(IPV4.matcher(host).matches() || host.indexOf(':') >= 0 && host.matches("[0-9a-fA-F:.]+"))) {
            return null;
        }
        try {
            return InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static String ascii(String name) {
        try {
            return IDN.toASCII(name, IDN.ALLOW_UNASSIGNED);
        } catch (IllegalArgumentException e) {
            return name;
        }
    }

    @Override
    public String toString() {
        return text;
    }
}
