// The GraphQL clients people use, against a live node: Apollo Client's InMemoryCache and urql's
// normalised Graphcache must keep apart what is not the same object, graphql-js must build a schema
// from the standard introspection query (what GraphiQL and codegen do), and graphql-ws must subscribe.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApolloClient, InMemoryCache, HttpLink, gql } from '@apollo/client/core/index.js';
import { Client, fetchExchange, gql as ugql } from '@urql/core';
import { cacheExchange } from '@urql/exchange-graphcache';
import { getIntrospectionQuery, buildClientSchema, printSchema } from 'graphql';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

const base = process.env.TETHER_URL;
const graphqlUrl = `${base}/graphql`;

async function rest(method, path, token, body) {
  const res = await fetch(base + path, {
    method,
    headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : null };
}

async function account() {
  const email = `gql-${crypto.randomUUID()}@example.test`;
  const made = await rest('POST', '/v1/auth/register', null, { email, password: 'correct horse battery' });
  assert.equal(made.status, 201);
  return made.json.accessToken;
}

/** Two spaces, each with a document "milk" (different data), and two changes of A's milk. */
async function twoSpaces(token) {
  const a = (await rest('POST', '/v1/spaces', token, { name: 'A' })).json.id;
  const b = (await rest('POST', '/v1/spaces', token, { name: 'B' })).json.id;
  await rest('PUT', `/v1/spaces/${a}/documents/items/milk`, token, { where: 'A', qty: 1 });
  await rest('PUT', `/v1/spaces/${a}/documents/items/milk`, token, { where: 'A', qty: 2 });
  await rest('PUT', `/v1/spaces/${b}/documents/items/milk`, token, { where: 'B', qty: 9 });
  return { a, b };
}

const QUERY = `query($a: ID!, $b: ID!) {
  inA: document(space: $a, collection: "items", id: "milk") { id documentId data }
  inB: document(space: $b, collection: "items", id: "milk") { id documentId data }
  changes(space: $a, since: 0) { changes { id seq documentId data } }
}`;

function assertApart(data) {
  assert.equal(data.inA.data.where, 'A');
  assert.equal(data.inB.data.where, 'B', 'the same document id in another space is another object');
  assert.equal(data.inA.documentId, 'milk');
  assert.deepEqual(data.changes.changes.map((c) => [c.seq, c.data.qty]), [[1, 1], [2, 2]],
    'two changes of one document stay two');
}

test("Apollo Client's default InMemoryCache keeps documents of two spaces and two changes apart", async () => {
  const token = await account();
  const { a, b } = await twoSpaces(token);
  const client = new ApolloClient({
    link: new HttpLink({ uri: graphqlUrl, headers: { authorization: `Bearer ${token}` }, fetch }),
    cache: new InMemoryCache(),
  });
  const first = await client.query({ query: gql(QUERY), variables: { a, b } });
  assertApart(first.data);
  // Read back from the normalised cache alone.
  const cached = client.readQuery({ query: gql(QUERY), variables: { a, b } });
  assertApart(cached);
});

test("urql's normalised Graphcache keeps them apart too", async () => {
  const token = await account();
  const { a, b } = await twoSpaces(token);
  const client = new Client({
    url: graphqlUrl,
    exchanges: [cacheExchange({}), fetchExchange],
    fetchOptions: { headers: { authorization: `Bearer ${token}` } },
  });
  const result = await client.query(ugql(QUERY), { a, b }).toPromise();
  assert.equal(result.error, undefined);
  assertApart(result.data);
  const again = await client.query(ugql(QUERY), { a, b }, { requestPolicy: 'cache-only' }).toPromise();
  assertApart(again.data);
});

test('graphql-js builds the schema from the standard introspection query', async () => {
  const token = await account();
  const res = await fetch(graphqlUrl, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: getIntrospectionQuery() }),
  });
  const answer = await res.json();
  assert.equal(answer.errors, undefined, JSON.stringify(answer.errors));
  const sdl = printSchema(buildClientSchema(answer.data));
  assert.match(sdl, /type Subscription/);
  assert.match(sdl, /documentId: ID!/);
});

test('graphql-ws subscribes (Node 20: webSocketImpl from ws)', async () => {
  const token = await account();
  const space = (await rest('POST', '/v1/spaces', token, { name: 'S' })).json.id;
  const client = createClient({ url: graphqlUrl.replace(/^http/, 'ws'), webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${token}` } });
  const kinds = [];
  await new Promise((resolve, reject) => {
    const dispose = client.subscribe({
      query: 'subscription($s: ID!) { changes(space: $s, since: 0) { kind change { id documentId } } }',
      variables: { s: space },
    }, {
      next: ({ data }) => {
        kinds.push(data.changes.kind);
        if (data.changes.kind === 'SYNCED') {
          rest('PUT', `/v1/spaces/${space}/documents/items/tea`, token, { n: 1 });
        } else if (data.changes.kind === 'CHANGE') {
          assert.equal(data.changes.change.id, `${space}@1`);
          dispose();
          resolve();
        }
      },
      error: reject,
      complete: () => {},
    });
  });
  await client.dispose();
  assert.deepEqual(kinds, ['SYNCED', 'CHANGE']);
});
