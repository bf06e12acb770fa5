/**
 * {@code ChangeBus}: fans committed changes, revocations and ephemeral payloads out to every node, at
 * most once. Local (one node) and Redis pub/sub implementations pass one contract test.
 */
package io.tether.bus;
