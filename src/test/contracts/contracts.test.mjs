// The machine-readable contracts, checked by their ecosystems' own validators: Redocly's linter for
// openapi.yaml, the official AsyncAPI parser for asyncapi.yaml. Errors fail; warnings are printed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { lint, loadConfig } from '@redocly/openapi-core';
import { Parser } from '@asyncapi/parser';

const webroot = process.env.TETHER_WEBROOT;

test('openapi.yaml passes redocly lint with no errors', async () => {
  const problems = await lint({ ref: `${webroot}/openapi.yaml`, config: await loadConfig({}) });
  const errors = problems.filter((p) => p.severity === 'error');
  console.log(`redocly: ${errors.length} errors, ${problems.length - errors.length} warnings`);
  assert.deepEqual(errors.map((p) => `${p.ruleId}: ${p.message} at ${p.location?.[0]?.pointer}`), []);
});

test('asyncapi.yaml is accepted by @asyncapi/parser', async () => {
  const { document, diagnostics } = await new Parser().parse(readFileSync(`${webroot}/asyncapi.yaml`, 'utf8'));
  const errors = diagnostics.filter((d) => d.severity === 0);
  assert.deepEqual(errors.map((d) => `${d.code}: ${d.message} at ${d.path.join('/')}`), []);
  assert.ok(document, 'parsed into a document');
});
