/**
 * The node's connections to Redis: one shard built from configuration and handed to the bus,
 * presence, rate limits and online users, so pool sizes and limits are set in one place.
 */
package io.tether.redis;
