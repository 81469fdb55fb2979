package io.overlaykit.testkit;

import io.overlaykit.core.OverlayException;
import java.util.List;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * JUnit 5 extension behind {@link WithLab}: checks prerequisites, starts one lab per test class on first
 * use, hands it to methods that declare a {@link Lab} parameter, and keeps it in the class's
 * {@link ExtensionContext.Store} so that JUnit closes it (as an {@link AutoCloseable}) after the class.
 */
public final class LabExtension implements ExecutionCondition, ParameterResolver {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(LabExtension.class);

    /** Instantiated by JUnit through {@link WithLab}. */
    public LabExtension() {
    }

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        WithLab spec = spec(context);
        if (spec == null) {
            return ConditionEvaluationResult.enabled("no @WithLab");
        }
        return decide(LabPrerequisites.missing(spec.ovs(), spec.podman()), LabPrerequisites.underCi());
    }

    /** Run when nothing is missing; otherwise skip with one line, or under CI fail naming what is missing. */
    static ConditionEvaluationResult decide(List<String> missing, boolean ci) {
        if (missing.isEmpty()) {
            return ConditionEvaluationResult.enabled("lab prerequisites present");
        }
        String why = "virtual lab unavailable: " + String.join(", ", missing);
        if (ci) {
            // Under CI a skipped integration test would hide a broken install: fail instead.
            throw new OverlayException(why + " (CI is set: failing instead of skipping)");
        }
        return ConditionEvaluationResult.disabled(why);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == Lab.class && spec(extensionContext) != null;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        ExtensionContext classContext = classContext(extensionContext);
        WithLab spec = spec(classContext);
        return classContext.getStore(NAMESPACE).getOrComputeIfAbsent("lab", key -> start(spec), Lab.class);
    }

    /** Builds the lab {@code spec} describes. */
    static Lab start(WithLab spec) {
        if (spec.hosts() < 1 || spec.hosts() > 97) {
            throw new IllegalArgumentException("@WithLab(hosts = " + spec.hosts() + "): must be 1..97");
        }
        Lab.Builder b = Lab.builder().withOvs(spec.ovs()).withPodman(spec.podman());
        if (!spec.prefix().isEmpty()) {
            b.prefix(spec.prefix());
        }
        for (int i = 0; i < spec.hosts(); i++) {
            b.host(hostName(i), "192.0.2." + (2 + i) + "/24");
        }
        if (spec.outside()) {
            b.outside("192.0.2.100/24");
        }
        return b.start();
    }

    /** {@code hostA} .. {@code hostZ}, then {@code host26}, ... */
    static String hostName(int index) {
        return index < 26 ? "host" + (char) ('A' + index) : "host" + index;
    }

    /** The outermost class context that has the lab: {@code @Nested} classes share their enclosing class's lab. */
    private static ExtensionContext classContext(ExtensionContext context) {
        ExtensionContext c = context;
        while (c.getParent().isPresent() && spec(c.getParent().get()) != null) {
            c = c.getParent().get();
        }
        return c;
    }

    private static WithLab spec(ExtensionContext context) {
        Class<?> cls = context.getTestClass().orElse(null);
        for (; cls != null; cls = cls.getEnclosingClass()) {
            WithLab spec = AnnotationSupport.findAnnotation(cls, WithLab.class).orElse(null);
            if (spec != null) {
                return spec;
            }
        }
        return null;
    }
}
