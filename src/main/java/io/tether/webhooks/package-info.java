/**
 * Webhooks: registrations, the write hook that queues a delivery per change, signed deliveries that
 * re-read the change from the log.
 */
package io.tether.webhooks;
