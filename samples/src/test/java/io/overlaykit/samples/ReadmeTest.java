package io.overlaykit.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Keeps the README true: every code block it says is quoted from a source file is, line by line, in that file
 * (so the README's Java is code the demo compiles and runs), and the files it names exist.
 */
class ReadmeTest {
    private static final Path ROOT = Path.of("..");
    private static final Pattern QUOTED = Pattern.compile("<!-- quoted from (\\S+) -->\\s*```java\\n(.*?)```",
            Pattern.DOTALL);

    @Test
    void quotedCodeIsInTheSource() throws IOException {
        String readme = Files.readString(ROOT.resolve("README.md"));
        Matcher m = QUOTED.matcher(readme);
        int blocks = 0;
        while (m.find()) {
            blocks++;
            String source = normalize(Files.readString(ROOT.resolve(m.group(1))));
            for (String line : m.group(2).split("\n")) {
                String l = line.strip();
                if (!l.isEmpty()) {
                    assertThat(source).as("README line quoted from " + m.group(1)).contains(normalize(l));
                }
            }
        }
        assertThat(blocks).isGreaterThanOrEqualTo(3);
    }

    @Test
    void namedFilesExist() {
        for (String f : new String[] {"overlay", "samples/jshell/run", "samples/jshell/seed.jsh",
            "samples/jshell/lab-spec.jsh", "samples/specs/demo2.json", "samples/specs/demo3.json", "samples/specs/secure2.json", "scripts/test",
            "scripts/prereqs", "systemd/overlaykit@.service", "overlaykit-bom/pom.xml",
            "examples/overlay-junit-example/pom.xml",
            "examples/overlay-junit-example/src/test/resources/specs/two-hosts.json"}) {
            assertThat(ROOT.resolve(f)).exists();
        }
    }

    private static String normalize(String s) {
        return s.replaceAll("\\s+", " ");
    }
}
