/**
 * The typed configuration: every setting with its default, range and environment variable
 * ({@code Settings}), read from {@code conf/config.json} and {@code TETHER_*} variables at start-up.
 */
package io.tether.config;
