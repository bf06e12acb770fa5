/**
 * Durable background jobs in PostgreSQL (webhook deliveries, push notifications): claimed with leases,
 * retried with backoff, dead after a bounded number of attempts.
 */
package io.tether.jobs;
