/**
 * Tether's client for Android and the JVM: {@link io.tether.client.TetherAuth} signs in,
 * {@link io.tether.client.TetherClient} holds one WebSocket for every {@link io.tether.client.Space}
 * the app opens, each a local copy kept current, with writes queued in {@link io.tether.client.TetherStorage}
 * until the server answers them.
 */
@NullMarked
package io.tether.client;

import org.jspecify.annotations.NullMarked;
