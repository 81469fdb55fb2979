package io.overlaykit.testkit;

import io.overlaykit.core.OverlayException;
import io.overlaykit.core.spec.OverlaySpec;
import io.overlaykit.core.spec.SwitchKind;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * JUnit 5 extension behind {@link WithOverlay}: checks the lab's prerequisites, starts the overlay before the
 * class ({@link WithOverlay.Lifecycle#PER_CLASS}) or before each test ({@code PER_METHOD}, or the annotation on
 * the method), keeps its {@link OverlayHandle} in the scope's {@link ExtensionContext.Store} so that JUnit closes
 * it when the scope ends, pass or fail, and resolves {@code OverlayHandle} parameters.
 */
public final class OverlayExtension implements ExecutionCondition, BeforeAllCallback, BeforeEachCallback,
        ParameterResolver {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(OverlayExtension.class);
    private static final String KEY = "overlay";

    /** Instantiated by JUnit through {@link WithOverlay}. */
    public OverlayExtension() {
    }

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        Optional<Scope> scope = scope(context);
        if (scope.isEmpty()) {
            return ConditionEvaluationResult.enabled("no @WithOverlay");
        }
        return LabExtension.decide(LabPrerequisites.missing(needsOvs(scope.get()), true),
                LabPrerequisites.underCi());
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        scope(context).filter(s -> s.owner == context).ifPresent(OverlayExtension::handle);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        scope(context).filter(s -> s.owner == context).ifPresent(OverlayExtension::handle);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == OverlayHandle.class && scope(extensionContext).isPresent();
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        Scope scope = scope(extensionContext).orElseThrow();
        if (scope.owner == null) {
            throw new ExtensionConfigurationException("@WithOverlay(\"" + scope.annotation.value() + "\", lifecycle ="
                    + " PER_METHOD) starts one overlay per test: only tests, their constructors and @BeforeEach/@AfterEach"
                    + " methods can take its OverlayHandle");
        }
        return handle(scope);
    }

    /** The scope's overlay, started on first use and closed by JUnit with the owner's store. */
    private static OverlayHandle handle(Scope scope) {
        return scope.owner.getStore(NAMESPACE).getOrComputeIfAbsent(KEY, key -> start(scope), OverlayHandle.class);
    }

    private static OverlayHandle start(Scope scope) {
        String json = readSpec(scope).orElseThrow(() -> new ExtensionConfigurationException("@WithOverlay(\""
                + scope.annotation.value() + "\"): no such class-path resource, and no file "
                + Path.of(scope.annotation.value()).toAbsolutePath()));
        return OverlayHandle.start(json);
    }

    /** OVS daemons are needed unless the spec says {@code linux}; an unreadable spec fails at the start instead. */
    private static boolean needsOvs(Scope scope) {
        try {
            return readSpec(scope).map(json -> OverlaySpec.read(json).switchKind() == SwitchKind.OVS).orElse(true);
        } catch (RuntimeException e) {
            return true;
        }
    }

    /**
     * Which annotation applies to {@code context} and which context owns its overlay: the test method's own
     * annotation (owned by the method), else the nearest annotated class's, going out through {@code @Nested}
     * classes — owned by that class's context when per class, by each test method's when per method (owner null
     * at class level: nothing to start there).
     */
    static Optional<Scope> scope(ExtensionContext context) {
        Optional<WithOverlay> onMethod = context.getTestMethod()
                .flatMap(m -> AnnotationSupport.findAnnotation(m, WithOverlay.class));
        if (onMethod.isPresent()) {
            return Optional.of(new Scope(onMethod.get(), context, context.getRequiredTestClass()));
        }
        for (ExtensionContext c = context; c != null; c = c.getParent().orElse(null)) {
            if (c.getTestMethod().isPresent() || c.getTestClass().isEmpty()) {
                continue; // a method's context, or the engine's
            }
            Optional<WithOverlay> a = AnnotationSupport.findAnnotation(c.getRequiredTestClass(), WithOverlay.class);
            if (a.isPresent()) {
                boolean perClass = a.get().lifecycle() == WithOverlay.Lifecycle.PER_CLASS;
                ExtensionContext owner = perClass ? c : context.getTestMethod().isPresent() ? context : null;
                return Optional.of(new Scope(a.get(), owner, c.getRequiredTestClass()));
            }
        }
        return Optional.empty();
    }

    /** The spec text: the class-path resource of the test class's loader, else the file; empty when neither. */
    static Optional<String> readSpec(Scope scope) {
        String value = scope.annotation.value();
        URL resource = scope.testClass.getClassLoader() == null ? null
                : scope.testClass.getClassLoader().getResource(value.startsWith("/") ? value.substring(1) : value);
        try {
            if (resource != null) {
                try (InputStream in = resource.openStream()) {
                    return Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                }
            }
            Path file = Path.of(value);
            return Files.isRegularFile(file) ? Optional.of(Files.readString(file, StandardCharsets.UTF_8))
                    : Optional.empty();
        } catch (IOException e) {
            throw new OverlayException("@WithOverlay(\"" + value + "\"): cannot read the spec: " + e.getMessage(), e);
        }
    }

    /** An annotation, the context whose store holds its overlay (null: none at this level), the annotated class. */
    record Scope(WithOverlay annotation, ExtensionContext owner, Class<?> testClass) {
    }
}
