/**
 * The native WebSocket protocol ({@code /v1/sync}): one state machine per socket, its subscriptions, and
 * the per-event-loop feeds that deliver every change exactly once and in order, with backpressure.
 */
package io.tether.sync;
