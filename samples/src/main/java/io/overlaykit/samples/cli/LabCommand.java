package io.overlaykit.samples.cli;

import io.overlaykit.core.ConflictException;
import io.overlaykit.core.InvalidSpecException;
import io.overlaykit.core.Overlay;
import io.overlaykit.core.spec.ForwardSpec;
import io.overlaykit.core.spec.HostSpec;
import io.overlaykit.core.spec.OverlaySpec;
import io.overlaykit.core.spec.SwitchKind;
import io.overlaykit.core.plan.ApplyResult;
import io.overlaykit.testkit.Lab;
import io.overlaykit.testkit.LabOverlay;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code overlay lab up SPEC} builds a persistent virtual lab for a spec (one namespace {@code NAME-HOST} per
 * host on one underlay wire, {@code NAME-outside}, OVS per host when the spec's switch is ovs, one podman
 * service), applies every host's part, and leaves {@code overlay serve} running in the namespace of each host
 * that has userspace forwards (every host when the spec's hosts serve DNS). {@code overlay lab down SPEC|NAME} stops those and removes all of it, also
 * after a killed {@code lab up}.
 */
final class LabCommand {
    private LabCommand() {
    }

    static int run(List<String> argv, Console console) {
        Args args = Args.parse(argv, Set.of("quiet", "json"), Set.of());
        String action = args.positional(0, "lab action (up or down)");
        String target = args.positional(1, "SPEC");
        if (args.positionals().size() > 2) {
            throw new InvalidSpecException("lab " + action, args.positionals().get(2), "unexpected argument");
        }
        return switch (action) {
            case "up" -> up(Path.of(target), console);
            case "down" -> down(target, console);
            default -> throw new InvalidSpecException("lab", action, "must be up or down");
        };
    }

    static int up(Path file, Console console) {
        Overlay overlay = Overlay.fromSpec(file); // invalid: exit 2 before anything exists
        OverlaySpec spec = overlay.spec();
        if (Lab.exists(spec.name())) {
            throw new ConflictException("a lab for spec " + spec.name() + " is up already; `overlay lab down "
                    + file + "` first");
        }
        long t0 = System.nanoTime();
        Lab lab = LabOverlay.labFor(spec).persistent(true).start();
        console.step(Console.Mark.CHANGED, "lab " + spec.name() + ": " + spec.hosts().size() + " hosts"
                + (spec.lab() != null && spec.lab().outside() != null ? " + outside" : "")
                + (spec.switchKind() == SwitchKind.OVS ? ", OVS per host" : "")
                + (spec.switchKind() == SwitchKind.OVN ? ", OVN central, OVS and ovn-controller per host" : "")
                + ", podman", lab.startDuration());
        try (LabOverlay engine = LabOverlay.connect(lab)) {
            // All or nothing: a host that fails rolls itself back, and applyAll takes back the others.
            Map<String, ApplyResult> results = engine.applyAll(spec, HostCommands.progress(console, "lab"));
            results.values().forEach(r -> console.step(r.isUnchanged() ? Console.Mark.UNCHANGED
                    : Console.Mark.CHANGED, r.toString(), r.took()));
            for (HostSpec h : spec.hosts()) {
                if (!h.forwards(ForwardSpec.Mode.USERSPACE).isEmpty() || spec.names().serve()) {
                    long ts = System.nanoTime();
                    long pid = BackgroundServe.start(file, h.name(), lab, engine.stack().namespaces());
                    console.step(Console.Mark.CHANGED, h.name() + ": overlay serve running in " + spec.name() + "-"
                            + h.name() + " (pid " + pid + ", log " + BackgroundServe.log(lab.runDir(), h.name()) + ")",
                            Duration.ofNanos(System.nanoTime() - ts));
                }
            }
        } catch (RuntimeException e) {
            // Nothing half-made stays: the engine rolled back the failing host, the lab takes the rest.
            try {
                BackgroundServe.stopAll(lab.runDir());
                lab.close();
                console.step(Console.Mark.UNDONE, "removed lab " + spec.name(), null);
            } catch (RuntimeException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        console.result(Map.of("event", "lab up", "spec", spec.name(), "hosts", spec.hosts().stream().map(HostSpec::name)
                .toList(), "millis", took.toMillis()), "lab " + spec.name() + " is up in " + Console.millis(took)
                + ": namespaces " + String.join(", ", namespaces(spec)) + "; `overlay verify " + file
                + "` checks it, `overlay lab down " + file + "` removes it");
        return OverlayCli.OK;
    }

    static int down(String target, Console console) {
        String name;
        if (Files.isRegularFile(Path.of(target))) {
            name = OverlaySpec.read(Path.of(target)).name();
        } else if (target.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,31}")) {
            name = target;
        } else {
            throw new InvalidSpecException("SPEC", target, "is neither a spec file nor a lab name");
        }
        long t0 = System.nanoTime();
        int stopped = BackgroundServe.stopAll(Lab.RUN_ROOT.resolve(name));
        boolean removed = Lab.destroy(name);
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        if (removed) {
            console.step(Console.Mark.UNDONE, "removed lab " + name + (stopped > 0 ? " and " + stopped
                    + " overlay serve process(es)" : "") + " (containers, daemons, namespaces)", took);
        }
        console.result(Map.of("event", "lab down", "lab", name, "removed", removed),
                removed ? "lab " + name + " is down" : "no lab " + name + " was up; nothing to do");
        return OverlayCli.OK;
    }

    private static List<String> namespaces(OverlaySpec spec) {
        List<String> out = new ArrayList<>();
        spec.hosts().forEach(h -> out.add(spec.name() + "-" + h.name()));
        if (spec.lab() != null && spec.lab().outside() != null) {
            out.add(spec.name() + "-outside");
        }
        return out;
    }
}
