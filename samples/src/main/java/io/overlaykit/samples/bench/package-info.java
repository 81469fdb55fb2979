/**
 * The benchmarks behind {@code overlay bench}: each builds its own virtual lab, measures the SDK side by side
 * with baselines in the same run (the seed's shell-out method, socat, kernel DNAT and routing, a hand-tuned
 * configuration, this machine's floor), removes everything, and returns its figures as a result record that
 * the command line prints as a table or as JSON. Speed claims of the project are ratios against these
 * baselines, never absolute times: the machines are noisy. The shell baselines are the scripts in
 * {@code samples/bench/}, shipped inside the jar ({@link io.overlaykit.samples.bench.Scripts}).
 */
package io.overlaykit.samples.bench;
