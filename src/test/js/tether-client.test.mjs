// Tests of the client library against a real Tether server (started by ClientLibraryIT, which
// passes its address in TETHER_URL), through a TCP proxy the tests can cut to take the network away.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import http from 'node:http';
import crypto from 'node:crypto';
import { TetherAuth, TetherClient, MemoryStorage, mergePatch } from '../../main/resources/webroot/client/tether.js';

const SERVER = process.env.TETHER_URL;
assert.ok(SERVER, 'TETHER_URL must name the server under test');
const clients = [];

after(() => clients.forEach((c) => c.close()));

async function until(what, condition, ms = 10_000) {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

// The server's emails come here: a minimal SMTP receiver on TETHER_SMTP_PORT (ClientLibraryIT points the
// nodes' mail.host at it), keeping each message's recipients and raw text.
const inbox = [];
const smtpSockets = new Set();
const smtp = net.createServer((socket) => {
  smtpSockets.add(socket);
  socket.on('close', () => smtpSockets.delete(socket));
  let buffer = '';
  let data = null;
  let to = [];
  socket.setEncoding('utf8');
  socket.write('220 test ESMTP\r\n');
  socket.on('data', (chunk) => {
    buffer += chunk;
    for (;;) {
      if (data !== null) {
        const end = buffer.indexOf('\r\n.\r\n');
        if (end < 0) return;
        inbox.push({ to, text: data + buffer.slice(0, end) });
        buffer = buffer.slice(end + 5);
        data = null;
        to = [];
        socket.write('250 OK\r\n');
        continue;
      }
      const eol = buffer.indexOf('\r\n');
      if (eol < 0) return;
      const line = buffer.slice(0, eol);
      buffer = buffer.slice(eol + 2);
      const verb = line.slice(0, 4).toUpperCase();
      if (verb === 'EHLO' || verb === 'HELO') socket.write('250 test\r\n');
      else if (verb === 'RCPT') { to.push(line.replace(/^RCPT TO:\s*<?([^>]*)>?.*$/i, '$1').toLowerCase()); socket.write('250 OK\r\n'); }
      else if (verb === 'DATA') { data = ''; socket.write('354 go on\r\n'); }
      else if (verb === 'QUIT') { socket.end('221 bye\r\n'); return; }
      else socket.write('250 OK\r\n');
    }
  });
  socket.on('error', () => {});
});
await new Promise((resolve) => smtp.listen(Number(process.env.TETHER_SMTP_PORT), '127.0.0.1', resolve));
// The server keeps its SMTP connections open for reuse: end them, or the test process never exits.
after(() => { smtp.close(); smtpSockets.forEach((s) => s.destroy()); });

/** The code in the newest email to `address` (waiting for it); codes stand alone on their line. */
async function emailedCode(address) {
  let message;
  await until(`an email to ${address}`, () => (message = inbox.filter((m) => m.to.includes(address)).pop()));
  return message.text.match(/^([A-Za-z0-9_-]{43})\r?$/m)[1];
}

// A sign-in provider of the tests' own ("test-idp" in the server's auth.signInProviders): an RSA key,
// its JWKS on TETHER_JWKS_PORT, and ID tokens signed with it.
const idpKey = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const jwks = http.createServer((req, res) => {
  res.setHeader('Content-Type', 'application/json');
  res.end(JSON.stringify({ keys: [{ ...idpKey.publicKey.export({ format: 'jwk' }), kid: 'js-1', alg: 'RS256', use: 'sig' }] }));
});
await new Promise((resolve) => jwks.listen(Number(process.env.TETHER_JWKS_PORT), '127.0.0.1', resolve));
after(() => jwks.close());

function idToken(claims) {
  const b64 = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const input = `${b64({ alg: 'RS256', kid: 'js-1', typ: 'JWT' })}.${b64({ iss: 'https://idp.example.test', aud: 'js-app', iat: now, exp: now + 600, ...claims })}`;
  return `${input}.${crypto.sign('sha256', Buffer.from(input), idpKey.privateKey).toString('base64url')}`;
}

let n = 0;
async function user(url = SERVER) {
  const auth = new TetherAuth({ url });
  await auth.register(`js-${process.pid}-${Date.now()}-${++n}@example.test`, 'a long enough password');
  return auth;
}

function client(auth, options = {}) {
  const c = new TetherClient({ url: SERVER, token: auth.token, minBackoffMs: 50, maxBackoffMs: 400, ...options });
  clients.push(c);
  return c;
}

async function rest(auth, method, path, body, base = SERVER) {
  const response = await fetch(base + path, { method, headers: { Authorization: `Bearer ${await auth.token()}`,
    'Content-Type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: response.status, json: await response.json().catch(() => null) };
}

async function sharedSpace(owner, ...others) {
  const id = `js-${Date.now()}-${++n}`;
  assert.equal((await rest(owner, 'PUT', `/v1/spaces/${id}`)).status, 201);
  for (const other of others) {
    assert.equal((await rest(owner, 'PUT', `/v1/spaces/${id}/members/${other.userId}`, { role: 'writer' })).status, 200);
  }
  return id;
}

/** A TCP proxy in front of the server: cut() drops every connection and refuses new ones until restore(). */
async function proxy() {
  const target = new URL(SERVER);
  const sockets = new Set();
  const server = net.createServer((inbound) => {
    const outbound = net.connect(Number(target.port), target.hostname);
    for (const s of [inbound, outbound]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {});
    }
    inbound.pipe(outbound).pipe(inbound);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const port = server.address().port;
  return {
    url: `http://127.0.0.1:${port}`,
    cut: () => new Promise((r) => { server.close(() => r()); sockets.forEach((s) => s.destroy()); }),
    restore: () => new Promise((r) => server.listen(port, '127.0.0.1', r)),
    close: () => { sockets.forEach((s) => s.destroy()); server.close(); },
  };
}

test('loads a space over REST, then follows live changes made by another member', async () => {
  const ann = await user();
  const bob = await user();
  const id = await sharedSpace(ann, bob);
  assert.equal((await rest(ann, 'PUT', `/v1/spaces/${id}/documents/items/before`, { text: 'written before' })).status, 201);
  const annSpace = client(ann).connect().space(id);
  await until('the earlier document is loaded', () => annSpace.get('items', 'before'));
  await until('synced', () => annSpace.synced);
  const bobSpace = client(bob).connect().space(id);
  await bobSpace.put('items', 'live', { text: 'from bob' });
  await until('ann sees bob\'s write', () => annSpace.get('items', 'live'));
  assert.deepEqual(annSpace.get('items', 'live').data, { text: 'from bob' });
  await bobSpace.delete('items', 'before');
  await until('ann sees the delete', () => annSpace.get('items', 'before') === null);
  assert.deepEqual(annSpace.documents('items').map((d) => d.id), ['live']);
});

test('a space opened with a query keeps exactly the server\'s filtered listing, leaves included', async () => {
  const ann = await user();
  const bob = await user();
  const id = await sharedSpace(ann, bob);
  const query = { collection: 'tasks', where: [['assignee', '==', 'ann'], ['done', '==', false]] };
  for (const [task, assignee, done] of [['a', 'ann', false], ['b', 'ann', true], ['c', 'bob', false], ['d', 'ann', false]]) {
    assert.equal((await rest(bob, 'PUT', `/v1/spaces/${id}/documents/tasks/${task}`, { assignee, done })).status, 201);
  }
  const mine = client(ann).connect().space(id, { presence: false, query });
  await until('synced', () => mine.synced);
  assert.deepEqual(mine.documents('tasks').map((d) => d.id), ['a', 'd']);
  // Edited out of the query, into it, and a change it never sees: the copy follows, the cursor too.
  await rest(bob, 'PATCH', `/v1/spaces/${id}/documents/tasks/a`, { done: true });
  await rest(bob, 'PATCH', `/v1/spaces/${id}/documents/tasks/c`, { assignee: 'ann' });
  const last = await rest(bob, 'PATCH', `/v1/spaces/${id}/documents/tasks/b`, { note: 'still done' });
  await until('the copy follows', () => mine.documents('tasks').map((d) => d.id).join() === 'c,d');
  await until('the cursor passes the skipped change', () => mine.cursor >= last.json.seq, 5_000);
  const where = encodeURIComponent(JSON.stringify(query.where));
  const listed = await rest(ann, 'GET', `/v1/spaces/${id}/documents?collection=tasks&where=${where}`);
  assert.deepEqual(mine.documents('tasks').map((d) => [d.id, d.version]), listed.json.documents.map((d) => [d.id, d.version]));
});

test('under read rules the copy is what the user may read, and follows a rules change at once', async () => {
  const owner = await user();
  const ann = await user();
  const id = await sharedSpace(owner, ann);
  const rules = (read) => ({ collections: { tasks: { read } } });
  assert.equal((await rest(owner, 'PUT', `/v1/spaces/${id}/rules`, rules('data.assignee == auth.userId'))).status, 200);
  for (const [task, assignee, done] of [['a', ann.userId, false], ['b', ann.userId, true], ['c', owner.userId, false]]) {
    assert.equal((await rest(owner, 'PUT', `/v1/spaces/${id}/documents/tasks/${task}`, { assignee, done })).status, 201);
  }
  const mine = client(ann).connect().space(id, { presence: false });
  await until('synced', () => mine.synced);
  assert.deepEqual(mine.documents('tasks').map((d) => d.id), ['a', 'b']);
  // Narrowed to her open tasks, and c shown to everyone: b leaves, c arrives, the cursor moves to the change.
  const set = await rest(owner, 'PUT', `/v1/spaces/${id}/rules`, rules('data.assignee == auth.userId && !data.done || id == "c"'));
  assert.equal(set.status, 200);
  await until('the copy follows the new rules', () => mine.documents('tasks').map((d) => d.id).join() === 'a,c');
  await until('the cursor reaches the rules change', () => mine.cursor >= set.json.seq, 5_000);
  const listed = await rest(ann, 'GET', `/v1/spaces/${id}/documents?collection=tasks`);
  assert.deepEqual(mine.documents('tasks').map((d) => [d.id, d.version]), listed.json.documents.map((d) => [d.id, d.version]));
});

test('lists my spaces and a space\'s members with names, updates the profile and leaves a space', async () => {
  const owner = await user();
  const ann = await user();
  const id = await sharedSpace(owner, ann);
  const annClient = client(ann);
  assert.equal((await annClient.updateMe({ displayName: 'Ann' })).displayName, 'Ann');
  assert.equal((await annClient.me()).userId, ann.userId);
  const mine = await annClient.spaces({ limit: 10 });
  assert.deepEqual(mine.spaces.map((s) => [s.id, s.role]), [[id, 'writer']]);
  const members = await annClient.members(id);
  assert.deepEqual(members.members.map((m) => m.displayName).sort(), [null, 'Ann'].sort());
  // An invite by link brings a third user in; used up, it says so.
  const carol = await user();
  const made = await client(owner).invite(id, { role: 'reader', maxUses: 1 });
  assert.equal((await client(carol).acceptInvite(made.code)).role, 'reader');
  const dave = await user();
  await assert.rejects(client(dave).acceptInvite(made.code), (e) => e.status === 410 && e.code === 'invite_used_up');
  assert.equal((await client(owner).invites(id)).invites[0].uses, 1);
  await annClient.leave(id);
  assert.deepEqual((await annClient.spaces()).spaces, []);
  await assert.rejects(client(owner).leave(id), (e) => e.status === 409);
});

test('creates a space the server names, renames it, and a deletion empties every open copy', async () => {
  const owner = await user();
  const ann = await user();
  const ownerClient = client(owner).connect();
  const made = await ownerClient.createSpace('Groceries');
  assert.match(made.id, /^[A-Za-z0-9_-]{22}$/);
  assert.equal(made.name, 'Groceries');
  assert.equal((await ownerClient.renameSpace(made.id, 'Food')).name, 'Food');
  await rest(owner, 'PUT', `/v1/spaces/${made.id}/members/${ann.userId}`, { role: 'writer' });
  const storage = new MemoryStorage();
  const annClient = client(ann, { storage }).connect();
  const copy = annClient.space(made.id);
  await copy.put('items', 'milk', { n: 1 });
  await until('milk is confirmed', () => copy.pending === 0 && copy.get('items', 'milk'));
  assert.ok(storage.map.size > 0, 'the copy is saved');
  const deleted = new Promise((resolve) => copy.on('deleted', resolve));
  await ownerClient.deleteSpace(made.id);
  assert.deepEqual(await deleted, { space: made.id });
  assert.deepEqual(copy.documents(), []);
  await until('nothing of it is kept', () => [...storage.map.keys()].every((k) => !k.includes(made.id)));
  assert.deepEqual((await annClient.spaces()).spaces, []);
  await assert.rejects(ownerClient.deleteSpace(made.id), (e) => e.status === 403);
});

test('exports the account with its documents, then deletes it and forgets its spaces on the device', async () => {
  const ann = await user();
  const bob = await user();
  const storage = new MemoryStorage();
  const annClient = client(ann, { storage }).connect();
  const lonely = await annClient.createSpace('Diary');
  const shared = await annClient.createSpace('Shopping');
  await rest(ann, 'PUT', `/v1/spaces/${shared.id}/members/${bob.userId}`, { role: 'writer' });
  const diary = annClient.space(lonely.id);
  await diary.put('pages', 'monday', { text: 'rain' });
  await until('the page is confirmed', () => diary.pending === 0 && diary.get('pages', 'monday'));

  const exported = await annClient.exportAccount();
  assert.equal(exported.account.userId, ann.userId);
  assert.equal(exported.complete, true);
  const page = exported.ownedSpaces.find((s) => s.id === lonely.id).documents.find((d) => d.id === 'monday');
  assert.deepEqual(page.data, { text: 'rain' });
  assert.ok(!JSON.stringify(exported).includes(ann.session.refreshToken), 'no token in an export');

  const stale = new TetherClient({ url: SERVER, token: async () => ann.session.accessToken });
  clients.push(stale);
  const answer = await annClient.deleteAccount(); // just registered: fresh enough without the password
  assert.deepEqual(answer.spacesDeleted, [lonely.id]);
  assert.deepEqual(answer.spacesTransferred, [{ space: shared.id, newOwner: bob.userId }]);
  assert.equal(annClient.status, 'offline');
  assert.ok([...storage.map.keys()].every((k) => !k.includes(lonely.id)), 'nothing of the diary is kept');
  await assert.rejects(stale.me(), (e) => e.status === 401);
  const bobsView = await client(bob).spaces();
  assert.equal(bobsView.spaces.find((s) => s.id === shared.id).role, 'owner');
  await ann.logout();
  assert.equal(ann.userId, null);
});

test('lists the sign-ins, ends the others, and changes the password', async () => {
  const email = `js-sessions-${process.pid}-${Date.now()}@example.test`;
  const phone = new TetherAuth({ url: SERVER });
  await phone.register(email, 'a long enough password', { device: 'phone' });
  const laptop = new TetherAuth({ url: SERVER });
  await laptop.login(email, 'a long enough password', { device: 'laptop' });
  const c = client(phone);
  const listed = (await c.sessions()).sessions;
  assert.deepEqual(listed.map((s) => s.label).sort(), ['laptop', 'phone']);
  assert.equal(listed.find((s) => s.current).label, 'phone');
  await c.endSession();
  assert.deepEqual((await c.sessions()).sessions.map((s) => s.label), ['phone']);
  await assert.rejects(laptop.token({ refresh: true }), (e) => e.status === 401);
  await c.changePassword('a long enough password', 'another long password');
  await new TetherAuth({ url: SERVER }).login(email, 'another long password');
});

test('resets a forgotten password with the emailed code, once, and verifies the email', async () => {
  const email = `js-reset-${process.pid}-${Date.now()}@example.test`;
  const first = new TetherAuth({ url: SERVER });
  await first.register(email, 'a long enough password');
  const auth = new TetherAuth({ url: SERVER });
  await auth.requestPasswordReset(email.toUpperCase());
  // An unknown address resolves just the same.
  await auth.requestPasswordReset(`nobody-${Date.now()}@example.test`);
  const code = await emailedCode(email);
  const session = await auth.resetPassword(code, 'a new long password', { device: 'js test' });
  assert.equal(session.userId, first.userId);
  await assert.rejects(auth.resetPassword(code, 'yet another password'), (e) => e.status === 410 && e.code === 'code_used');
  await assert.rejects(first.token({ refresh: true }), (e) => e.status === 401);
  await assert.rejects(new TetherAuth({ url: SERVER }).login(email, 'a long enough password'), (e) => e.status === 401);

  const c = client(auth);
  assert.equal((await c.me()).emailVerified, true);
  const other = await user();
  await client(other).requestEmailVerification();
  const me = await client(other).me();
  assert.equal(me.emailVerified, false);
  assert.deepEqual(await new TetherAuth({ url: SERVER }).verifyEmail(await emailedCode(me.email)),
    { email: me.email, emailVerified: true });
  assert.equal((await client(other).me()).emailVerified, true);
});

test('signs in with a provider\'s ID token, makes the account once, and refuses a token for another app', async () => {
  const subject = `js-${Date.now()}`;
  const email = `js-idp-${process.pid}-${Date.now()}@example.test`;
  const auth = new TetherAuth({ url: SERVER });
  const first = await auth.exchange('test-idp', idToken({ sub: subject, email, email_verified: true, nonce: 'n-1' }), { nonce: 'n-1' });
  assert.equal(first.created, true);
  const me = await client(auth).me();
  assert.equal(me.email, email);
  assert.equal(me.emailVerified, true);
  const again = await new TetherAuth({ url: SERVER }).exchange('test-idp', idToken({ sub: subject, email, email_verified: true }));
  assert.equal(again.created, false);
  assert.equal(again.userId, first.userId);
  // The session is like any other: it refreshes (and rotates).
  assert.ok(await auth.token({ refresh: true }));
  await assert.rejects(new TetherAuth({ url: SERVER }).exchange('test-idp', idToken({ sub: subject, aud: 'another-app' })),
    (e) => e.status === 401 && /audience/.test(e.message));
});

test('writes queue while the network is down and are applied once when it is back; the cursor resumes', async () => {
  const ann = await user();
  const bob = await user();
  const id = await sharedSpace(ann, bob);
  const net1 = await proxy();
  let sockets = 0;
  class CountingSocket extends WebSocket { constructor(url) { super(url); sockets++; } }
  const annClient = client(ann, { url: net1.url, WebSocket: CountingSocket });
  const annSpace = annClient.connect().space(id);
  await until('synced', () => annSpace.synced);

  await net1.cut();
  await until('ann notices', () => annClient.status !== 'online');
  const before = sockets;
  await annSpace.put('items', 'a', { text: 'offline one' });
  await annSpace.put('items', 'b', { text: 'offline two' });
  await annSpace.patch('items', 'a', { done: true });
  assert.equal(annSpace.pending, 3);
  assert.deepEqual(annSpace.get('items', 'a').data, { text: 'offline one', done: true }, 'queued writes show at once');
  assert.equal((await rest(bob, 'PUT', `/v1/spaces/${id}/documents/items/c`, { text: 'bob, meanwhile' })).status, 201);
  await new Promise((r) => setTimeout(r, 600));
  assert.ok(sockets - before >= 2, `it kept trying to reconnect (${sockets - before} attempts)`);

  await net1.restore();
  await until('the queue drains', () => annSpace.pending === 0 && annClient.status === 'online');
  await until('bob\'s write made while ann was away arrives', () => annSpace.get('items', 'c'));
  const listed = (await rest(bob, 'GET', `/v1/spaces/${id}/documents?collection=items`)).json.documents;
  assert.deepEqual(listed.map((d) => [d.id, d.version]), [['a', 2], ['b', 1], ['c', 1]], 'each queued write applied exactly once');
  assert.deepEqual(annSpace.documents('items').map((d) => d.id), ['a', 'b', 'c']);
  net1.close();
});

test('a saved queue and cursor survive a restart of the app', async () => {
  const ann = await user();
  const id = await sharedSpace(ann);
  const storage = new MemoryStorage();
  const first = client(ann, { storage });
  const firstSpace = first.space(id); // never connected: the app is offline from the start
  await firstSpace.put('items', 'saved', { text: 'made offline, app killed' });
  first.close();

  const second = client(ann, { storage });
  const secondSpace = second.connect().space(id);
  await until('the saved write is applied', () => secondSpace.synced && secondSpace.pending === 0);
  await until('and shown from the server', () => secondSpace.get('items', 'saved') && !secondSpace.get('items', 'saved').pending);
  const saved = async () => JSON.parse(await storage.getItem(`space:${id}`));
  await until('the cursor is saved (writes to storage are batched)', async () => (await saved()).cursor >= 1);
  assert.ok((await saved()).epoch, 'with its epoch');
  assert.deepEqual((await saved()).docs.map((d) => d.id), ['saved'], 'and the documents it belongs to');
  const listed = (await rest(ann, 'GET', `/v1/spaces/${id}/documents`)).json.documents;
  assert.deepEqual(listed.map((d) => [d.id, d.version]), [['saved', 1]]);
});

test('resync_required reloads the space over REST and subscribes from the new cursor', async () => {
  const ann = await user();
  const id = await sharedSpace(ann);
  await rest(ann, 'PUT', `/v1/spaces/${id}/documents/items/real`, { text: 'on the server' });
  const storage = new MemoryStorage();
  await storage.setItem(`space:${id}`, JSON.stringify({ cursor: 1, epoch: 'another-life-of-this-space',
    docs: [{ collection: 'items', id: 'ghost', version: 3, data: { text: 'from a restored backup' }, deleted: false }] }));
  const annSpace = client(ann, { storage }).connect().space(id);
  await until('synced after the reload', () => annSpace.synced);
  assert.deepEqual(annSpace.documents('items').map((d) => d.id), ['real']);
  assert.notEqual(annSpace.epoch, 'another-life-of-this-space');
  await rest(ann, 'PUT', `/v1/spaces/${id}/documents/items/later`, { text: 'live again' });
  await until('live changes follow', () => annSpace.get('items', 'later'));
});

test('a token about to expire is replaced on the live socket', async () => {
  const ann = await user();
  const id = await sharedSpace(ann);
  let refreshes = 0;
  const provider = async ({ refresh }) => { if (refresh) refreshes++; return ann.token({ refresh }); };
  const c = client(ann, { token: provider });
  const statuses = [];
  c.on('status', (s) => statuses.push(s));
  const space = c.connect().space(id);
  await until('synced', () => space.synced);
  // The server under test issues tokens for 62 s and warns 60 s before expiry.
  await until('the client answered token_expiring', () => refreshes >= 1, 15_000);
  await rest(ann, 'PUT', `/v1/spaces/${id}/documents/items/after-refresh`, { text: 'still live' });
  await until('the same socket still delivers', () => space.get('items', 'after-refresh'));
  assert.deepEqual(statuses, ['connecting', 'online'], 'no reconnect was needed');
});

test('presence shows who is here and what they are doing; signals reach the others', async () => {
  const ann = await user();
  const bob = await user();
  const id = await sharedSpace(ann, bob);
  const annSpace = client(ann).connect().space(id);
  const bobClient = client(bob).connect();
  const bobSpace = bobClient.space(id);
  await until('ann sees both', () => annSpace.presence.size === 2);
  bobSpace.setPresence({ typing: true });
  await until('ann sees bob typing', () => annSpace.presence.get(bob.userId)?.state?.typing === true);
  const signals = [];
  annSpace.on('signal', (s) => signals.push(s));
  const bobSignals = [];
  bobSpace.on('signal', (s) => bobSignals.push(s));
  assert.equal(bobSpace.signal({ cursor: 7 }), true);
  await until('ann gets the signal', () => signals.length === 1);
  assert.deepEqual(signals[0], { from: bob.userId, data: { cursor: 7 } });
  assert.equal(bobSignals.length, 0, 'the sender does not get its own signal');
  bobClient.pause();
  assert.equal(bobSpace.signal({ cursor: 8 }), false, 'signals are not queued offline');
  await until('bob left', () => annSpace.presence.size === 1 && annSpace.presence.has(ann.userId));
});

test('a REST call with an expired token is refreshed and retried; a refused one is not', async () => {
  const base = process.env.TETHER_SHORT_TOKEN_URL; // a server whose tokens live 3 s
  const ann = await user(base);
  const stale = ann.session.accessToken;
  await new Promise((r) => setTimeout(r, 3_500));
  const asked = [];
  const c = new TetherClient({ url: base, token: async ({ refresh }) => { asked.push(refresh); return refresh ? ann.token({ refresh }) : stale; } });
  clients.push(c);
  const me = await c.me();
  assert.equal(me.userId, ann.userId);
  assert.deepEqual(asked, [false, true], 'token_expired: one refresh, then the call succeeds');
  const heard = [];
  const refused = new TetherClient({ url: base, token: async () => 'not-a-token' });
  clients.push(refused);
  refused.on('unauthorized', (e) => heard.push(e.code));
  await assert.rejects(refused.me(), (e) => e.status === 401 && e.code === 'unauthorized');
  assert.deepEqual(heard, ['unauthorized']);
});

test('a socket closed with 4001 reconnects with a fresh token and resumes from its cursor', async () => {
  const base = process.env.TETHER_SHORT_TOKEN_URL; // a server whose tokens live 3 s
  assert.ok(base, 'TETHER_SHORT_TOKEN_URL must name the short-token server');
  const ann = await user(base);
  const id = `js-expiry-${Date.now()}`;
  assert.equal((await rest(ann, 'PUT', `/v1/spaces/${id}`, undefined, base)).status, 201);
  const asked = [];
  const closes = [];
  // A provider that cannot refresh until the socket has expired (its refresh endpoint was down, say):
  // until then it hands back the token the socket already has.
  const provider = async ({ refresh }) => {
    asked.push(refresh);
    if (refresh && !closes.includes(4001) && ann.session) return ann.session.accessToken;
    return ann.token({ refresh });
  };
  class Recording extends WebSocket {
    constructor(url) { super(url); this.addEventListener('close', (e) => closes.push(e.code)); }
  }
  const c = new TetherClient({ url: base, token: provider, WebSocket: Recording, minBackoffMs: 50, maxBackoffMs: 200 });
  clients.push(c);
  const space = c.connect().space(id);
  await until('synced', () => space.synced);
  await until('the server closed the socket at expiry with 4001', () => closes.includes(4001), 10_000);
  await until('back online', () => c.status === 'online' && space.synced);
  assert.equal((await rest(ann, 'PUT', `/v1/spaces/${id}/documents/items/after`, { text: 'after 4001' }, base)).status, 201);
  await until('live changes flow on the new socket', () => space.get('items', 'after'));
  assert.ok(asked.length >= 3 && asked.includes(true), `tokens asked for: ${asked}`);
});

test('queued writes show on top of the local copy as the server will apply them', () => {
  assert.deepEqual(mergePatch({ a: 1, b: { c: 2, d: 3 } }, { b: { c: null, e: 4 }, f: 'x' }), { a: 1, b: { d: 3, e: 4 }, f: 'x' });
  assert.deepEqual(mergePatch({ a: 1 }, ['replaced']), ['replaced']);
  assert.deepEqual(mergePatch('scalar', { a: 1 }), { a: 1 });
});
