package io.overlaykit.samples.agent;

import io.overlaykit.core.PortForward;
import io.overlaykit.core.plan.ApplyResult;
import java.lang.System.Logger.Level;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The running agent's side of its health: collects its forwards and re-wires and writes an {@link AgentReport}
 * to its {@link AgentStateFile} at once, after every re-wire, and every {@link AgentHealth#REPORT_EVERY} from a
 * daemon thread; {@link #close()} writes the final report with {@code stoppedAt}.
 */
public final class AgentReporter implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(AgentReporter.class.getName());

    private final AgentStateFile file;
    private final String spec;
    private final String host;
    private final EncryptionHealth encryption;
    private final Instant startedAt = Instant.now();
    private final Instant processStart = ProcessHandle.current().info().startInstant().orElse(null);
    private final List<Served> forwards = new CopyOnWriteArrayList<>();
    private final AtomicLong rewires = new AtomicLong();
    private final AtomicReference<AgentReport.Rewire> lastRewire = new AtomicReference<>();
    private final ScheduledExecutorService timer;

    private record Served(String listen, String target, PortForward forward) {
    }

    /** Starts reporting for {@code spec} on {@code host} into {@code file}; the first report is written now. */
    public AgentReporter(AgentStateFile file, String spec, String host, EncryptionHealth encryption) {
        this.file = file;
        this.spec = spec;
        this.host = host;
        this.encryption = encryption;
        write(null);
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "overlaykit-agent-report-" + host);
            t.setDaemon(true);
            return t;
        });
        long every = AgentHealth.REPORT_EVERY.toMillis();
        timer.scheduleAtFixedRate(this::writeQuietly, every, every, TimeUnit.MILLISECONDS);
    }

    /** Adds a forward now served, shown as {@code listen -> target}. */
    public void served(String listen, String target, PortForward forward) {
        forwards.add(new Served(listen, target, forward));
        writeQuietly();
    }

    /** Records a re-apply after a container restart. */
    public void rewired(ApplyResult result) {
        rewires.incrementAndGet();
        lastRewire.set(new AgentReport.Rewire(Instant.now(), result.changed(), result.took().toMillis(), null));
        writeQuietly();
    }

    /** Records a re-apply (or event stream) failure. */
    public void rewireFailed(String message) {
        rewires.incrementAndGet();
        lastRewire.set(new AgentReport.Rewire(Instant.now(), -1, 0, message));
        writeQuietly();
    }

    /** The report as it stands now. */
    public AgentReport report(Instant stoppedAt) {
        List<AgentReport.Forward> out = new ArrayList<>();
        for (Served s : forwards) {
            PortForward.Stats st = s.forward().stats();
            out.add(new AgentReport.Forward(s.listen(), s.target(), st.active(), st.accepted(),
                    st.refused() + st.upstreamFailures() + st.timedOut(), st.bytesToTarget(), st.bytesToClient()));
        }
        List<Map<String, Object>> peers = encryption.peers();
        return new AgentReport(spec, host, ProcessHandle.current().pid(), processStart, startedAt, Instant.now(),
                stoppedAt, out, rewires.get(), lastRewire.get(), peers);
    }

    private void write(Instant stoppedAt) {
        file.write(report(stoppedAt));
    }

    private void writeQuietly() {
        try {
            write(null);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "agent report for host " + host + " not written", e);
        }
    }

    /** Stops the timer and writes the final report: stopped now, with the forwards' last counters. */
    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        write(Instant.now());
    }
}
