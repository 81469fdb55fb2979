package io.overlaykit.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.overlaykit.testkit.internal.Tar;
import io.overlaykit.testkit.internal.TestImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The in-memory ustar writer behind the lab's test image, read back by a small parser of its own. */
class TarTest {

    @Test
    void writesDirectoriesFilesAndSymlinksWithValidChecksums() {
        byte[] tar = new Tar().directory("bin").file("bin/hello", "hi\n".getBytes(StandardCharsets.US_ASCII), 0755)
                .symlink("bin/sh", "hello").finish();
        assertThat(tar.length % 512).isZero();
        List<String> entries = entries(tar);
        assertThat(entries).containsExactly("5 bin/ 0 755", "0 bin/hello 3 755", "2 bin/sh->hello 0 777");
        // the file's content follows its header, padded to a block
        assertThat(new String(tar, 1024, 3, StandardCharsets.US_ASCII)).isEqualTo("hi\n");
        assertThat(tar).hasSize(512 * 4 + 1024);
    }

    @Test
    void refusesNamesThatDoNotFitTheHeader() {
        assertThatThrownBy(() -> new Tar().directory("x".repeat(120))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("100 bytes");
    }

    @Test
    void theTestImageHoldsBusyboxAndItsApplets() {
        if (!Files.isReadable(TestImage.BUSYBOX) && !io.overlaykit.testkit.LabPrerequisites.underCi()) {
            org.junit.jupiter.api.Assumptions.abort("skipping: " + TestImage.BUSYBOX + " (busybox-static) is missing");
        }
        List<String> entries = entries(TestImage.build());
        assertThat(entries).anyMatch(e -> e.startsWith("0 bin/busybox "))
                .contains("2 bin/sh->busybox 0 777", "2 bin/nc->busybox 0 777", "5 tmp/ 0 755");
    }

    /** "TYPE NAME[->LINK] SIZE MODE" per entry, checking every header's checksum on the way. */
    private static List<String> entries(byte[] tar) {
        List<String> out = new ArrayList<>();
        int pos = 0;
        while (pos + 512 <= tar.length && tar[pos] != 0) {
            byte[] h = Arrays.copyOfRange(tar, pos, pos + 512);
            int stored = Integer.parseInt(field(h, 148, 6), 8);
            Arrays.fill(h, 148, 156, (byte) ' ');
            int sum = 0;
            for (byte b : h) {
                sum += b & 0xff;
            }
            assertThat(sum).as("checksum of %s", field(h, 0, 100)).isEqualTo(stored);
            long size = Long.parseLong(field(h, 124, 11), 8);
            String link = field(h, 157, 100);
            out.add((char) h[156] + " " + field(h, 0, 100) + (link.isEmpty() ? "" : "->" + link) + " " + size + " "
                    + Integer.toOctalString(Integer.parseInt(field(h, 100, 7), 8)));
            pos += 512 + (int) ((size + 511) / 512 * 512);
        }
        return out;
    }

    private static String field(byte[] h, int offset, int length) {
        int end = offset;
        while (end < offset + length && h[end] != 0) {
            end++;
        }
        return new String(h, offset, end - offset, StandardCharsets.US_ASCII).trim();
    }
}
