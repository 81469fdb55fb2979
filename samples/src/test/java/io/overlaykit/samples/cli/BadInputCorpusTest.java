package io.overlaykit.samples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The bad-input corpus ({@code src/test/resources/bad-input}, see its README): every invalid spec and every
 * invalid command line through the {@code overlay} entry point, refused with exit code 2 and a message that
 * names the field (or option), its value and the reason, before anything is created. No root needed.
 */
class BadInputCorpusTest {
    static final Path CORPUS = Path.of("src/test/resources/bad-input");
    static final Path VALID = CORPUS.resolve("valid-spec.json");
    /** The name of every spec in the corpus: nothing of that name may exist afterwards. */
    private static final String NAME = "okbad";

    /** What a case's sidecar says the refusal must contain. */
    record Expected(String field, String value, String message, String stream) {
        static Expected read(Path sidecar) throws IOException {
            Map<String, String> kv = new LinkedHashMap<>();
            for (String line : Files.readAllLines(sidecar, StandardCharsets.UTF_8)) {
                int eq = line.indexOf('=');
                if (eq > 0) {
                    kv.put(line.substring(0, eq), line.substring(eq + 1)); // values keep their spaces
                }
            }
            assertThat(kv).as(sidecar + " names a field").containsKey("field");
            return new Expected(kv.get("field"), kv.get("value"), kv.getOrDefault("message", ""),
                    kv.getOrDefault("stream", "err"));
        }

        Expected resolve(String spec) {
            return new Expected(field, value == null ? null : value.replace("${SPEC}", spec), message, stream);
        }

        /** Checks one refusal. */
        void assertRefused(Cli r, String what) {
            assertThat(r.code()).as(what + ": exit code; out: " + r.out() + " err: " + r.err())
                    .isEqualTo(OverlayCli.INVALID);
            String text = stream.equals("out") ? r.out() : r.err();
            assertThat(text).as(what + ": names the field").contains(field);
            if (value != null) {
                assertThat(text).as(what + ": names the field and its value").contains(field + " = " + value + ": ");
            }
            assertThat(text).as(what + ": says why").contains(message);
            if (!stream.equals("out")) {
                assertThat(text).as(what + ": says nothing changed").contains("invalid input, nothing changed");
            }
        }
    }

    static Stream<Arguments> specs() throws IOException {
        return cases(CORPUS.resolve("spec"), ".json");
    }

    static Stream<Arguments> commandLines() throws IOException {
        return cases(CORPUS.resolve("cli"), ".args");
    }

    private static Stream<Arguments> cases(Path dir, String suffix) throws IOException {
        List<Arguments> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(suffix)).sorted().toList()) {
                String name = f.getFileName().toString();
                out.add(Arguments.of(name.substring(0, name.length() - suffix.length()), f));
            }
        }
        return out.stream();
    }

    @Test
    void theCorpusIsLargeAndItsBaseIsValid() throws IOException {
        assertThat(specs().count() + commandLines().count()).isGreaterThanOrEqualTo(80);
        assertThat(io.overlaykit.core.spec.OverlaySpec.read(VALID).name()).isEqualTo(NAME);
    }

    /** Each spec case through {@code apply} and {@code lab up}: both read the spec before anything else. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("specs")
    void invalidSpecIsRefused(String name, Path file) throws IOException {
        Expected expected = Expected.read(sidecar(file, ".json"));
        expected.assertRefused(Cli.run("apply", file.toString(), "--host", "hostA"), name + " (apply)");
        expected.assertRefused(Cli.run("lab", "up", file.toString()), name + " (lab up)");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("commandLines")
    void invalidCommandLineIsRefused(String name, Path file) throws IOException {
        Expected expected = Expected.read(sidecar(file, ".args")).resolve(VALID.toString());
        List<String> args = Files.readAllLines(file, StandardCharsets.UTF_8).stream()
                .map(a -> a.replace("${SPEC}", VALID.toString())).toList();
        expected.assertRefused(Cli.run(args.toArray(String[]::new)), name);
    }

    @AfterAll
    static void nothingOfTheCorpusExists() {
        assertThat(Prereqs.namespaces(NAME)).as("namespaces named after the corpus spec").isEmpty();
        assertThat(Path.of("/run/overlaykit", NAME)).as("engine state").doesNotExist();
        assertThat(Path.of("/run/overlaykit-lab", NAME)).as("lab record").doesNotExist();
        assertThat(Path.of("/tmp/overlaykit-lab", NAME)).as("lab run directory").doesNotExist();
    }

    private static Path sidecar(Path file, String suffix) {
        String name = file.getFileName().toString();
        return file.resolveSibling(name.substring(0, name.length() - suffix.length()) + ".expect");
    }
}
