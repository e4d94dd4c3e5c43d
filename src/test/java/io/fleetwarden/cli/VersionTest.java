package io.fleetwarden.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

/** {@code --version} prints the version Maven builds, on every command. */
class VersionTest {

    static String pomVersion() throws Exception {
        Document pom = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(Path.of("pom.xml").toFile());
        return XPathFactory.newInstance().newXPath().evaluate("/project/version", pom).strip();
    }

    static String run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = FleetwardenCli.run(args, new PrintWriter(out), new PrintWriter(err));
        assertThat(code).as(err.toString()).isZero();
        assertThat(err.toString()).isEmpty();
        return out.toString();
    }

    @Test
    void versionIsThePomVersion() throws Exception {
        String version = pomVersion();
        assertThat(version).isNotBlank();
        assertThat(run("--version")).isEqualTo("fleetwarden " + version + System.lineSeparator());
        assertThat(run("-V")).isEqualTo("fleetwarden " + version + System.lineSeparator());
    }

    @Test
    void subcommandsPrintTheSameVersion() throws Exception {
        assertThat(run("verify", "--version")).isEqualTo("fleetwarden " + pomVersion() + System.lineSeparator());
        assertThat(run("build", "kustomization", "--version")).isEqualTo("fleetwarden " + pomVersion()
                + System.lineSeparator());
    }
}
