/**
 * Who is in a space and the signals between them: entries in a shared store (in memory, or Redis with
 * renewal and expiry), a per-event-loop hub that keeps each space's view, and one seat per socket.
 */
package io.tether.presence;
