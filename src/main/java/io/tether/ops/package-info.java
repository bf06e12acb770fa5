/**
 * What operators see: Prometheus metrics, structured logs, instance stats, the graceful drain.
 */
package io.tether.ops;
