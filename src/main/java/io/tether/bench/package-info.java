/**
 * The {@code bench} command: a load generator that talks to running nodes over real sockets and prints
 * throughput, latency and the servers' CPU per unit of work. A client: it knows nothing of the server's insides.
 */
package io.tether.bench;
