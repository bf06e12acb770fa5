/**
 * The REST API: one router per event loop, routes that parse requests and render answers, the access
 * log, and the one failure handler that turns any failure into a JSON error.
 */
package io.tether.http;
