package io.overlaykit.core.plan;

import java.util.Objects;
import java.util.function.BooleanSupplier;

/** Steps built from lambdas. */
public final class Steps {
    private Steps() {
    }

    /** Builder for a step: {@code done}, {@code apply} and {@code undo} actions. */
    public static final class Builder {
        private final String id;
        private final String description;
        private BooleanSupplier done = () -> false;
        private Runnable apply = () -> { };
        private Runnable undo = () -> { };
        private boolean reversible = true;

        Builder(String id, String description) {
            this.id = Objects.requireNonNull(id, "id");
            this.description = Objects.requireNonNull(description, "description");
        }

        public Builder done(BooleanSupplier check) {
            this.done = check;
            return this;
        }

        public Builder apply(Runnable action) {
            this.apply = action;
            return this;
        }

        public Builder undo(Runnable action) {
            this.undo = action;
            return this;
        }

        /** Marks the step as one that cannot be undone (a removal). */
        public Builder irreversible() {
            this.reversible = false;
            return this;
        }

        public Step build() {
            return new LambdaStep(id, description, done, apply, undo, reversible);
        }
    }

    private record LambdaStep(String id, String description, BooleanSupplier done, Runnable applyAction,
                              Runnable undoAction, boolean reversible) implements Step {
        @Override
        public boolean isDone() {
            return done.getAsBoolean();
        }

        @Override
        public void apply() {
            applyAction.run();
        }

        @Override
        public void undo() {
            undoAction.run();
        }

        @Override
        public String toString() {
            return id + ": " + description;
        }
    }
}
