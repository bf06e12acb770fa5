/**
 * A space's read and write rules: CEL expressions per collection, compiled once per rules text and
 * evaluated against a document for a viewer. Depends on core alone.
 */
package io.tether.rules;
