package io.overlaykit.core.check;

import java.time.Duration;
import java.util.Locale;

/**
 * The result of a bulk TCP transfer: {@code bytesSent} from client to server ({@code upload} long),
 * then {@code bytesReceived} back ({@code download} long). Both streams are checked byte by byte.
 */
public record Transfer(long bytesSent, long bytesReceived, Duration upload, Duration download) {

    /** Client-to-server throughput in bits per second. */
    public double uploadBitsPerSecond() {
        return bitsPerSecond(bytesSent, upload);
    }

    /** Server-to-client throughput in bits per second. */
    public double downloadBitsPerSecond() {
        return bitsPerSecond(bytesReceived, download);
    }

    private static double bitsPerSecond(long bytes, Duration d) {
        long nanos = Math.max(1, d.toNanos());
        return bytes * 8.0 * 1e9 / nanos;
    }

    /** {@code 1.23 Gbit/s}, {@code 45.6 Mbit/s}. */
    public static String formatRate(double bitsPerSecond) {
        if (bitsPerSecond >= 1e9) {
            return String.format(Locale.ROOT, "%.2f Gbit/s", bitsPerSecond / 1e9);
        }
        if (bitsPerSecond >= 1e6) {
            return String.format(Locale.ROOT, "%.1f Mbit/s", bitsPerSecond / 1e6);
        }
        return String.format(Locale.ROOT, "%.0f kbit/s", bitsPerSecond / 1e3);
    }

    @Override
    public String toString() {
        return "Transfer[up " + bytesSent + " B in " + upload.toMillis() + " ms (" + formatRate(uploadBitsPerSecond())
                + "), down " + bytesReceived + " B in " + download.toMillis() + " ms ("
                + formatRate(downloadBitsPerSecond()) + ")]";
    }
}
