/**
 * PostgreSQL: the schema and its migrations, documents, the per-space change log with gap-free seqs,
 * members, users, refresh tokens, mutation results, retention. All SQL of these lives here, parameterized.
 */
package io.tether.store;
