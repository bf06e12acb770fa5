/**
 * Rate limits (token buckets, local or in Redis) per IP, per user and per login, and the count of each
 * user's open sockets.
 */
package io.tether.limits;
