/**
 * The operations the edges call: reading (listings, changes, the first-page cache), writing documents,
 * applying offline mutation batches. Services authorize; routes and frames parse and render.
 */
package io.tether.service;
