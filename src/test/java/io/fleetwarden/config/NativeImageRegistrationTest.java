package io.fleetwarden.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The native image keeps every class bound by reflection, and the resources loaded at run time. */
class NativeImageRegistrationTest {

    private final RegisterForReflection registration = NativeImageRegistration.class.getAnnotation(RegisterForReflection.class);

    @Test
    void everyPolicyTypeIsRegistered() throws IOException {
        List<String> apiTypes;
        try (Stream<Path> files = Files.list(Path.of("src/main/java/io/fleetwarden/api/v1alpha1"))) {
            apiTypes = files.map(f -> "io.fleetwarden.api.v1alpha1." + f.getFileName().toString().replace(".java", ""))
                    .toList();
        }
        assertThat(Arrays.stream(registration.targets()).map(Class::getName)).containsExactlyInAnyOrderElementsOf(apiTypes);
    }

    @Test
    void everyCliClassThatPicocliReadsIsRegistered() throws Exception {
        List<String> readByPicocli = new ArrayList<>();
        try (Stream<Path> files = Files.list(Path.of("src/main/java/io/fleetwarden/cli"))) {
            for (Path f : files.sorted().toList()) {
                Class<?> c = Class.forName("io.fleetwarden.cli." + f.getFileName().toString().replace(".java", ""));
                for (Class<?> k : Stream.concat(Stream.of(c), Arrays.stream(c.getDeclaredClasses())).toList()) {
                    if (readByPicocli(k)) {
                        readByPicocli.add(k.getName());
                    }
                }
            }
        }
        assertThat(readByPicocli).contains("io.fleetwarden.cli.VerifyCommand", "io.fleetwarden.cli.FleetwardenCli$Version");
        // picocli's own annotated classes that FleetwardenCli adds to every command tree
        readByPicocli.addAll(List.of("picocli.CommandLine$HelpCommand", "picocli.CommandLine$AutoHelpMixin"));
        assertThat(registration.classNames()).containsExactlyInAnyOrderElementsOf(readByPicocli);
    }

    private static boolean readByPicocli(Class<?> k) {
        Stream<java.lang.annotation.Annotation> annotations = Stream.of(k.getDeclaredAnnotations());
        annotations = Stream.concat(annotations, Arrays.stream(k.getDeclaredFields()).flatMap(f -> Stream.of(f.getDeclaredAnnotations())));
        annotations = Stream.concat(annotations, Arrays.stream(k.getDeclaredMethods()).flatMap(m -> Stream.of(m.getDeclaredAnnotations())));
        return annotations.anyMatch(a -> a.annotationType().getName().startsWith("picocli."))
                || Arrays.stream(k.getInterfaces()).anyMatch(i -> i.getName().startsWith("picocli."));
    }

    @Test
    void theEmbeddedTrustedRootIsANativeResource() throws IOException {
        Properties properties = new Properties();
        try (var in = Files.newInputStream(Path.of("src/main/resources/application.properties"))) {
            properties.load(in);
        }
        String resource = "io/fleetwarden/verify/cosign/public-good/trusted_root.json";
        assertThat(Path.of("src/main/resources", resource)).exists();
        assertThat(properties.getProperty("quarkus.native.resources.includes")).contains(resource);
    }

    /** The kustomize builder reads kustomize's default field specs from the classpath at run time. */
    @Test
    void theKustomizeFieldSpecsAreANativeResource() throws IOException {
        Properties properties = new Properties();
        try (var in = Files.newInputStream(Path.of("src/main/resources/application.properties"))) {
            properties.load(in);
        }
        String resource = "io/fleetwarden/render/kustomize-fieldspecs.yaml";
        assertThat(Path.of("src/main/resources", resource)).exists();
        assertThat(properties.getProperty("quarkus.native.resources.includes")).contains(resource);
    }

    /** {@code --version} reads the version Maven wrote into a resource. */
    @Test
    void theCliVersionIsANativeResource() throws IOException {
        Properties properties = new Properties();
        try (var in = Files.newInputStream(Path.of("src/main/resources/application.properties"))) {
            properties.load(in);
        }
        String resource = "io/fleetwarden/cli/version.properties";
        assertThat(Path.of("src/main/resources", resource)).exists();
        assertThat(properties.getProperty("quarkus.native.resources.includes")).contains(resource);
    }
}
