/**
 * Values and rules every other package shares: changes, documents, mutations, ids, error codes and the
 * one failure classifier, the field parser. Depends on nothing else of Tether's.
 */
package io.tether.core;
