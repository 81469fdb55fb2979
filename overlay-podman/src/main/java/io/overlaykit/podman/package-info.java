/**
 * Podman through the libpod REST API on its Unix socket: {@link io.overlaykit.podman.PodmanClient}
 * implements {@link io.overlaykit.core.spi.ContainerRuntime} (images, containers with no network, exec with
 * attached output, lifecycle events) without starting any process. The HTTP/1.1 client it rides on lives
 * in {@code io.overlaykit.podman.internal.http}: a response-parsing state machine with size limits,
 * chunked and Content-Length bodies, keep-alive pooling and protocol upgrade for exec streams.
 */
package io.overlaykit.podman;
