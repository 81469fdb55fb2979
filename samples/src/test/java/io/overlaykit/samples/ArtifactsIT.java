package io.overlaykit.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;

/**
 * The library artifacts are publishable as built: POM metadata Maven Central asks for, a BOM naming exactly the
 * library modules, a sources jar beside every library jar (and, when the javadoc profile ran, a javadoc jar of the
 * exported API only), and no signing key in the repository. Runs after the reactor packaged the libraries.
 */
class ArtifactsIT {
    private static final Path ROOT = Path.of("..");
    private static final List<String> LIBRARIES = List.of("overlay-core", "overlay-netlink", "overlay-ovs", "overlay-ovn",
            "overlay-podman", "overlay-testkit");
    private static final String VERSION = System.getProperty("overlaykit.version");

    @Test
    void pomsCarryTheMetadataCentralRequires() throws IOException {
        for (Path pom : List.of(ROOT.resolve("pom.xml"), ROOT.resolve("overlaykit-bom/pom.xml"))) {
            String text = Files.readString(pom);
            assertThat(text).as(pom.toString()).contains("<url>", "<licenses>", "<developers>", "<scm>", "<description>");
        }
        assertThat(Files.readString(ROOT.resolve("pom.xml"))).contains("<id>release</id>", "maven-gpg-plugin");
    }

    @Test
    void theBomListsExactlyTheLibraryModules() throws IOException {
        String bom = Files.readString(ROOT.resolve("overlaykit-bom/pom.xml"));
        List<String> managed = new ArrayList<>();
        Matcher m = Pattern.compile("<artifactId>(overlay-[a-z]+)</artifactId>").matcher(bom);
        while (m.find()) {
            managed.add(m.group(1));
        }
        assertThat(managed).containsExactlyElementsOf(LIBRARIES);
        List<String> modules = new ArrayList<>();
        Matcher mm = Pattern.compile("<module>(overlay-[a-z]+)</module>").matcher(Files.readString(ROOT.resolve("pom.xml")));
        while (mm.find()) {
            modules.add(mm.group(1));
        }
        assertThat(modules).containsExactlyElementsOf(LIBRARIES);
    }

    @Test
    void everyLibraryShipsItsSourcesAndItsJavadoc() throws IOException {
        boolean javadoc = "false".equals(System.getProperty("overlaykit.javadoc.skip"));
        for (String lib : LIBRARIES) {
            Path target = ROOT.resolve(lib).resolve("target");
            Path jar = target.resolve(lib + "-" + VERSION + ".jar");
            assertThat(jar).as("build the reactor (mvn verify, or -pl samples -am)").isRegularFile();
            try (ZipFile sources = new ZipFile(target.resolve(lib + "-" + VERSION + "-sources.jar").toFile())) {
                assertThat(sources.getEntry("module-info.java")).as(lib + " sources").isNotNull();
                assertThat(Collections.list(sources.entries())).filteredOn(e -> e.getName().endsWith(".java"))
                        .hasSizeGreaterThan(3);
            }
            if (javadoc) {
                try (ZipFile doc = new ZipFile(target.resolve(lib + "-" + VERSION + "-javadoc.jar").toFile())) {
                    assertThat(doc.getEntry("index.html")).as(lib + " javadoc").isNotNull();
                    assertThat(Collections.list(doc.entries())).as("internal packages stay out of the javadoc")
                            .noneMatch(e -> e.getName().contains("/internal/"));
                }
            }
        }
    }

    @Test
    void noSigningKeyIsInTheRepository() throws IOException {
        try (Stream<Path> files = Files.walk(ROOT)) {
            List<Path> keys = files.filter(p -> !p.toString().contains("/target/") && !p.toString().contains("/.git/"))
                    .filter(Files::isRegularFile).filter(p -> p.toString().matches(".*\\.(asc|gpg|key|pem|xml|properties)$"))
                    .filter(p -> {
                        try {
                            return Files.readString(p).contains("PRIVATE KEY BLOCK");
                        } catch (IOException | java.io.UncheckedIOException e) {
                            return false;
                        }
                    }).toList();
            assertThat(keys).isEmpty();
        }
    }
}
