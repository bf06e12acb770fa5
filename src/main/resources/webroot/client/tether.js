// Tether client: live sync of spaces, an offline mutation queue, presence and signals.
// One ES module with no dependencies, for browsers and React Native (pass your own storage,
// WebSocket and fetch where the platform's differ). Types: ./tether.d.ts. Protocol: /asyncapi.yaml.

const MAX_BATCH = 500;

/** Storage that forgets on reload: the default, and what tests use. */
export class MemoryStorage {
  constructor() { this.map = new Map(); }
  async getItem(key) { return this.map.has(key) ? this.map.get(key) : null; }
  async setItem(key, value) { this.map.set(key, String(value)); }
  async removeItem(key) { this.map.delete(key); }
}

/** The browser's localStorage (or sessionStorage), under a prefix so two apps on one origin do not collide. */
export function webStorage(store = globalThis.localStorage, prefix = 'tether:') {
  return {
    async getItem(key) { return store.getItem(prefix + key); },
    async setItem(key, value) { store.setItem(prefix + key, value); },
    async removeItem(key) { store.removeItem(prefix + key); },
  };
}

class Emitter {
  constructor() { this.listeners = new Map(); }
  /** Calls fn on every event of this type; returns what stops it. */
  on(type, fn) {
    if (!this.listeners.has(type)) this.listeners.set(type, new Set());
    this.listeners.get(type).add(fn);
    return () => this.listeners.get(type).delete(fn);
  }
  emit(type, ...args) {
    for (const fn of [...(this.listeners.get(type) || [])]) {
      try { fn(...args); } catch (e) { console.error(`tether: a '${type}' listener threw`, e); }
    }
  }
}

/** An error answered by the server, with its machine code (bad_request, forbidden, conflict, ...). */
export class TetherError extends Error {
  constructor(status, code, message, body) {
    super(message || code);
    this.status = status;
    this.code = code;
    this.body = body;
  }
}

function newId() {
  if (globalThis.crypto && typeof globalThis.crypto.randomUUID === 'function') return globalThis.crypto.randomUUID();
  return 'm-' + Date.now().toString(36) + '-' + Math.random().toString(36).slice(2) + Math.random().toString(36).slice(2);
}

/** RFC 7386 JSON merge patch, as the server applies it. */
export function mergePatch(target, patch) {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const out = target !== null && typeof target === 'object' && !Array.isArray(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else out[key] = mergePatch(out[key], value);
  }
  return out;
}

async function call(fetchFn, baseUrl, method, path, token, body) {
  const headers = {};
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetchFn(baseUrl + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  const json = text ? JSON.parse(text) : null;
  if (!response.ok) {
    const error = (json && json.error) || {};
    throw new TetherError(response.status, error.code || 'unavailable', error.message || `HTTP ${response.status}`, json);
  }
  return json;
}

/**
 * Built-in accounts: register or log in, then hand {@link TetherAuth#token} to the client as its token
 * provider. Refresh tokens rotate on every use, so refreshes are never run twice at once.
 */
export class TetherAuth {
  constructor({ url = '', storage = new MemoryStorage(), fetch: fetchFn = globalThis.fetch.bind(globalThis) } = {}) {
    this.url = url.replace(/\/$/, '');
    this.storage = storage;
    this.fetch = fetchFn;
    this.session = null;
    this.refreshing = null;
    this.token = this.token.bind(this);
  }

  get userId() { return this.session ? this.session.userId : null; }

  /** Loads a session saved by an earlier run; true if there is one. */
  async restore() {
    const saved = await this.storage.getItem('session');
    this.session = saved ? JSON.parse(saved) : null;
    return this.session !== null;
  }

  /** Registers and signs in; `device` names this sign-in in the sessions list (else the User-Agent does). */
  async register(email, password, { device } = {}) { return this.save(await call(this.fetch, this.url, 'POST', '/v1/auth/register', null, { email, password, device })); }

  async login(email, password, { device } = {}) { return this.save(await call(this.fetch, this.url, 'POST', '/v1/auth/login', null, { email, password, device })); }

  /**
   * Signs in with an ID token from Apple, Google or another provider the server is configured for
   * (`provider` is its name there). Pass the raw `nonce` if the sign-in request had one. Resolves the
   * session, with `created: true` when this made the account.
   */
  async exchange(provider, idToken, { nonce, device } = {}) {
    const answer = await call(this.fetch, this.url, 'POST', '/v1/auth/exchange', null, { provider, idToken, nonce, device });
    const session = await this.save(answer);
    return { ...session, created: answer.created };
  }

  /** Asks for a reset code by email. Resolves the same whether or not an account has the address. */
  async requestPasswordReset(email) { await call(this.fetch, this.url, 'POST', '/v1/auth/password-reset', null, { email }); }

  /**
   * Sets a new password with the code from the email and signs in (every other sign-in ends).
   * Rejects with `code_used`, `code_expired` or `not_found` as the server says.
   */
  async resetPassword(code, password, { device } = {}) {
    return this.save(await call(this.fetch, this.url, 'POST', '/v1/auth/password-reset/confirm', null, { code, password, device }));
  }

  /** Verifies an email with the code sent to it; no sign-in needed. Resolves `{email, emailVerified}`. */
  verifyEmail(code) { return call(this.fetch, this.url, 'POST', '/v1/auth/verify-email', null, { code }); }

  async logout() {
    const session = this.session;
    this.session = null;
    await this.storage.removeItem('session');
    if (session) await call(this.fetch, this.url, 'POST', '/v1/auth/logout', null, { refreshToken: session.refreshToken }).catch(() => {});
  }

  /** The token provider: a valid access token, refreshed when asked to or when it is about to expire. */
  async token({ refresh = false } = {}) {
    if (!this.session) throw new TetherError(401, 'unauthorized', 'not signed in');
    if (!refresh && this.session.expiresAt - Date.now() > 30_000) return this.session.accessToken;
    if (!this.refreshing) {
      const refreshToken = this.session.refreshToken;
      this.refreshing = call(this.fetch, this.url, 'POST', '/v1/auth/refresh', null, { refreshToken })
        .then((answer) => this.save(answer), (error) => {
          if (error.status === 401) { this.session = null; this.storage.removeItem('session'); }
          throw error;
        })
        .finally(() => { this.refreshing = null; });
    }
    await this.refreshing;
    return this.session.accessToken;
  }

  async save(answer) {
    this.session = { userId: answer.userId, accessToken: answer.accessToken, refreshToken: answer.refreshToken,
      expiresAt: Date.now() + answer.expiresIn * 1000 };
    await this.storage.setItem('session', JSON.stringify(this.session));
    return this.session;
  }
}

/**
 * One connection to a Tether server, shared by every space the app opens. Reconnects by itself with
 * full-jitter backoff and resumes each space from its saved cursor; events: 'status' (connecting,
 * online, offline, paused), 'error'.
 */
export class TetherClient extends Emitter {
  constructor({ url = '', token, storage = new MemoryStorage(), WebSocket: Socket = globalThis.WebSocket,
    fetch: fetchFn = globalThis.fetch && globalThis.fetch.bind(globalThis), minBackoffMs = 250, maxBackoffMs = 30_000,
    pingIntervalMs = 25_000 } = {}) {
    super();
    if (typeof token !== 'function') throw new TypeError('token must be a function returning an access token');
    this.url = (url || (globalThis.location ? globalThis.location.origin : '')).replace(/\/$/, '');
    this.tokenProvider = token;
    this.storage = storage;
    this.Socket = Socket;
    this.fetch = fetchFn;
    this.minBackoffMs = minBackoffMs;
    this.maxBackoffMs = maxBackoffMs;
    this.pingIntervalMs = pingIntervalMs;
    this.openSpaces = new Map();
    this.ws = null;
    this.statusValue = 'offline';
    this.wanted = false;
    this.attempt = 0;
    this.refreshNext = false;
    this.userIdValue = null;
    this.currentToken = null;
    this.reconnectTimer = null;
    this.pingTimer = null;
    this.lastHeard = 0;
    this.frameIds = 0;
    /** Frames awaiting an answer (ack, error), by id: answers name no space. */
    this.requests = new Map();
  }

  get status() { return this.statusValue; }

  /** The signed-in user, once the socket has authenticated. */
  get userId() { return this.userIdValue; }

  /** Opens the socket and keeps it open until {@link close} or {@link pause}. */
  connect() {
    this.wanted = true;
    if (!this.ws && !this.reconnectTimer) this.open();
    return this;
  }

  /** Works offline on purpose (an app going to the background, a user's toggle): writes queue up. */
  pause() {
    this.wanted = false;
    this.stopSocket();
    this.setStatus('paused');
  }

  /** Back online after {@link pause}. */
  resume() { return this.connect(); }

  close() {
    this.pause();
    for (const space of this.openSpaces.values()) space.detach();
    this.openSpaces.clear();
    this.setStatus('offline');
  }

  /**
   * The space, opened on first use: loaded, subscribed and kept current. `presence: false` syncs
   * without showing this device as present (and without presence and signals). `query`
   * (`{collection, where: [[path, op, value], …]}`) keeps only the matching documents: the local
   * copy is the server's filtered listing, kept current (documents that stop matching leave it).
   * One query per space per client: close the space to open it with another.
   */
  space(id, { presence = true, query = null } = {}) {
    let space = this.openSpaces.get(id);
    if (!space) {
      space = new Space(this, id, presence, query);
      this.openSpaces.set(id, space);
      space.start();
    }
    return space;
  }

  /**
   * Creates a space named `name` with an id the server makes (unguessable, so nobody can take it
   * first): `{id, name, seq, epoch, role}`. Open it with `space(id)`.
   */
  createSpace(name) {
    return this.request('POST', '/v1/spaces', { name });
  }

  /** Renames a space (owners; null clears the name): answers `{id, name, seq, epoch, role, createdAt}`. */
  renameSpace(spaceId, name) {
    return this.request('PATCH', `/v1/spaces/${encodeURIComponent(spaceId)}`, { name });
  }

  /**
   * Deletes a space and everything in it (owners). Every open copy of it, on every device, gets a
   * `deleted` event and drops its saved documents and queued writes.
   */
  deleteSpace(spaceId) {
    return this.request('DELETE', `/v1/spaces/${encodeURIComponent(spaceId)}`);
  }

  /**
   * The user's spaces, most recently changed first: `{spaces: [{id, name, role, seq, epoch, changedAt}], next}`;
   * pass `next` as `after` for the following page.
   */
  spaces({ limit = 50, after = null } = {}) {
    return this.request('GET', `/v1/spaces?limit=${limit}${after ? `&after=${encodeURIComponent(after)}` : ''}`);
  }

  /** A space's members with role and profile: `{members: [{userId, role, displayName, avatarUrl, addedAt}], next}`. */
  members(spaceId, { limit = 100, after = null } = {}) {
    return this.request('GET', `/v1/spaces/${encodeURIComponent(spaceId)}/members?limit=${limit}`
      + `${after ? `&after=${encodeURIComponent(after)}` : ''}`);
  }

  /** Leaves a space (its last owner cannot). */
  leave(spaceId) {
    return this.request('DELETE', `/v1/spaces/${encodeURIComponent(spaceId)}/members/me`);
  }

  /**
   * Invites to a space (owners): `{role, email?, expiresInHours?, maxUses?}` answers the invite with its
   * `code` and `url`, shown this once. `acceptInvite(code)` makes the user a member: `{space, role, joined}`.
   */
  invite(spaceId, { role = 'writer', email, expiresInHours, maxUses } = {}) {
    const body = { role };
    if (email !== undefined) body.email = email;
    if (expiresInHours !== undefined) body.expiresInHours = expiresInHours;
    if (maxUses !== undefined) body.maxUses = maxUses;
    return this.request('POST', `/v1/spaces/${encodeURIComponent(spaceId)}/invites`, body);
  }

  invites(spaceId) {
    return this.request('GET', `/v1/spaces/${encodeURIComponent(spaceId)}/invites`);
  }

  revokeInvite(spaceId, inviteId) {
    return this.request('DELETE', `/v1/spaces/${encodeURIComponent(spaceId)}/invites/${encodeURIComponent(inviteId)}`);
  }

  acceptInvite(code) {
    return this.request('POST', `/v1/invites/${encodeURIComponent(code)}/accept`);
  }

  /** The user's account and profile; `updateMe({displayName, avatarUrl, locale})` sets fields (null clears one). */
  me() {
    return this.request('GET', '/v1/me');
  }

  updateMe(patch) {
    return this.request('PATCH', '/v1/me', patch);
  }

  /** The user's sign-ins: `{sessions: [{id, label, createdAt, lastUsedAt, current}]}`. */
  sessions() {
    return this.request('GET', '/v1/me/sessions');
  }

  /** Ends one sign-in, or with no id every one but this. */
  endSession(id) {
    return this.request('DELETE', id ? `/v1/me/sessions/${encodeURIComponent(id)}` : '/v1/me/sessions');
  }

  /** Emails the user's address a verification code (see `TetherAuth.verifyEmail`). */
  requestEmailVerification() {
    return this.request('POST', '/v1/me/verify-email');
  }

  /**
   * Deletes the user's account: `{password?, soleOwnedSpaces?: 'transfer'|'delete', anonymize?}`.
   * Without the password the sign-in must be recent (else 403 `reauthentication_required`: sign in
   * again). Answers `{deleted, spacesDeleted, spacesTransferred, anonymizing}`; the client is closed and
   * the spaces open in it are dropped from this device's storage. Then call `auth.logout()`.
   */
  async deleteAccount({ password, soleOwnedSpaces, anonymize } = {}) {
    const body = {};
    if (password !== undefined) body.password = password;
    if (soleOwnedSpaces !== undefined) body.soleOwnedSpaces = soleOwnedSpaces;
    if (anonymize !== undefined) body.anonymize = anonymize;
    const answer = await this.request('DELETE', '/v1/me', body);
    const open = [...this.openSpaces.values()];
    this.close();
    await Promise.all(open.map((space) => space.forget()));
    return answer;
  }

  /** Everything the server holds about the user, as one JSON document (limited to a few an hour). */
  exportAccount() {
    return this.request('GET', '/v1/me/export');
  }

  /** Changes the password and ends every other sign-in. */
  changePassword(currentPassword, newPassword) {
    return this.request('POST', '/v1/me/password', { currentPassword, newPassword });
  }

  /** A REST call with the current access token (for what the socket does not carry: spaces, members, devices). */
  async request(method, path, body) {
    try {
      return await call(this.fetch, this.url, method, path, await this.tokenProvider({ refresh: false }), body);
    } catch (error) {
      // token_expired: refresh and try again. Any other 401: the token is not one the server takes,
      // and no refresh makes it so: the app signs the user in again ('unauthorized' event).
      if (error.status === 401 && error.code === 'token_expired') {
        return call(this.fetch, this.url, method, path, await this.tokenProvider({ refresh: true }), body);
      }
      if (error.status === 401) this.emit('unauthorized', error);
      throw error;
    }
  }

  // ---- the socket

  setStatus(status) {
    if (this.statusValue !== status) {
      this.statusValue = status;
      this.emit('status', status);
    }
  }

  open() {
    this.reconnectTimer = null;
    if (!this.wanted) return;
    this.setStatus('connecting');
    const ws = new this.Socket(this.url.replace(/^http/, 'ws') + '/v1/sync');
    this.ws = ws;
    ws.onopen = async () => {
      try {
        const token = await this.tokenProvider({ refresh: this.refreshNext });
        this.refreshNext = false;
        this.currentToken = token;
        if (this.ws === ws) this.sendFrame({ type: 'auth', token });
      } catch (error) {
        this.emit('error', error);
        ws.close();
      }
    };
    ws.onmessage = (event) => {
      if (this.ws !== ws) return;
      this.lastHeard = Date.now();
      let frame;
      try { frame = JSON.parse(event.data); } catch { return; }
      this.onFrame(frame);
    };
    const lost = (code) => {
      if (this.ws !== ws) return;
      this.dropSocket();
      // 4001: the token expired (reason token_expired): the next attempt asks for a fresh one. 1008: it
      // was refused; one fresh token is tried too, and the app hears 'unauthorized'.
      if (code === 4001 || code === 1008) this.refreshNext = true;
      if (code === 1008) this.emit('unauthorized', new TetherError(401, 'unauthorized', 'access token refused'));
      this.scheduleReconnect();
    };
    ws.onclose = (event) => lost(event.code);
    // Some implementations report a failed connection only as an error, with no close after it.
    ws.onerror = () => {
      if (this.ws !== ws) return;
      lost(0);
      try { ws.close(); } catch { /* already closed */ }
    };
  }

  onFrame(frame) {
    switch (frame.type) {
      case 'authenticated':
        if (this.statusValue !== 'online') {
          this.userIdValue = frame.userId;
          this.attempt = 0;
          this.setStatus('online');
          this.startPings();
          for (const space of this.openSpaces.values()) space.onConnected();
        }
        return;
      case 'token_expiring':
        this.tokenProvider({ refresh: true })
          .then((token) => {
            // The same token again would only be warned about again: wait for 4001 and reconnect.
            if (token !== this.currentToken) {
              this.currentToken = token;
              this.sendFrame({ type: 'auth', token });
            }
          })
          .catch((error) => this.emit('error', error));
        return;
      case 'pong':
        return;
      default: {
        const asker = frame.id !== undefined && this.requests.get(frame.id);
        if (asker && (frame.type === 'ack' || frame.type === 'error' || frame.type === 'synced' || frame.type === 'resync_required')) {
          this.requests.delete(frame.id);
          if (!asker.detached) asker.onFrame(frame);
          return;
        }
        const told = frame.type === 'error' && /^[a-z]+:(.+):\d+$/.exec(String(frame.id));
        const space = this.openSpaces.get(frame.space || (told && told[1]));
        if (space) space.onFrame(frame);
        else if (frame.type === 'error') this.emit('error', new TetherError(0, frame.code, frame.message, frame));
      }
    }
  }

  /** Sends a frame if the socket is up and authenticated; false otherwise (the caller retries on reconnect). */
  sendFrame(frame) {
    const open = this.ws && this.ws.readyState === 1;
    if (open && (frame.type === 'auth' || this.statusValue === 'online')) {
      this.ws.send(JSON.stringify(frame));
      return true;
    }
    return false;
  }

  /** Sends a frame whose answer (ack, synced, error) goes back to the space; its id, or null if offline. */
  ask(space, prefix, frame) {
    const id = `${prefix}-${++this.frameIds}`;
    if (!this.sendFrame({ ...frame, id })) return null;
    this.requests.set(id, space);
    return id;
  }

  /** Sends a frame answered only if refused; its id names the space, so the error finds it. Null if offline. */
  tell(space, prefix, frame) {
    const id = `${prefix}:${space.id}:${++this.frameIds}`;
    return this.sendFrame({ ...frame, id }) ? id : null;
  }

  startPings() {
    clearInterval(this.pingTimer);
    this.lastHeard = Date.now();
    // A socket whose peer vanished (a phone changing networks) may never report closing: a ping
    // unanswered within two intervals closes it, and the reconnect follows.
    this.pingTimer = setInterval(() => {
      if (Date.now() - this.lastHeard > 2 * this.pingIntervalMs) {
        const ws = this.ws;
        this.dropSocket();
        if (ws) ws.close();
        this.scheduleReconnect();
      } else {
        this.sendFrame({ type: 'ping' });
      }
    }, this.pingIntervalMs);
  }

  dropSocket() {
    this.ws = null;
    this.requests.clear();
    clearInterval(this.pingTimer);
    this.pingTimer = null;
    if (this.statusValue === 'online' || this.statusValue === 'connecting') this.setStatus('offline');
    for (const space of this.openSpaces.values()) space.onDisconnected();
  }

  stopSocket() {
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    const ws = this.ws;
    if (ws) {
      this.dropSocket();
      ws.close(1000, 'client closing');
    }
  }

  scheduleReconnect() {
    if (!this.wanted || this.reconnectTimer) return;
    // Full jitter: a server restart does not bring every client back in the same instant.
    const ceiling = Math.min(this.maxBackoffMs, this.minBackoffMs * 2 ** Math.min(this.attempt, 16));
    this.attempt++;
    this.reconnectTimer = setTimeout(() => this.open(), Math.random() * ceiling);
  }
}

/**
 * One space: a local copy of its documents (with the app's queued writes applied on top), kept current
 * by the socket, saved in storage with its cursor so a restart resumes where it stopped. Events:
 * 'change' (the local copy changed), 'synced', 'presence', 'signal', 'conflict', 'rejected', 'error'.
 */
export class Space extends Emitter {
  constructor(client, id, presence = true, query = null) {
    super();
    this.client = client;
    this.id = id;
    this.query = query;
    // A filtered copy is saved apart from the whole space's (or another query's).
    this.storageKey = query ? `${id}?${JSON.stringify(query)}` : id;
    this.withPresence = presence;
    this.docs = new Map();
    this.cursor = 0;
    this.epoch = null;
    this.loadedFromServer = false;
    this.queue = [];
    this.settling = [];
    this.inflight = null;
    this.synced = false;
    this.subscribing = false;
    this.presenceMap = new Map();
    this.presenceTotal = 0;
    this.myState = null;
    this.ready = null;
    this.detached = false;
    this.saveScheduled = false;
  }

  start() {
    this.ready = this.restore();
    if (this.client.status === 'online') this.onConnected();
    return this.ready;
  }

  detach() {
    this.detached = true;
    this.client.sendFrame({ type: 'unsubscribe', space: this.id });
  }

  /** Stops following the space (the saved copy and queue stay for next time). */
  close() {
    this.detach();
    this.client.openSpaces.delete(this.id);
  }

  // ---- reading

  /** The documents of a collection (or all), queued writes included, deleted ones left out, by id. */
  documents(collection) {
    const view = new Map();
    for (const [key, doc] of this.docs) if (!collection || doc.collection === collection) view.set(key, doc);
    for (const m of [...this.settling, ...this.queue]) {
      if (collection && m.collection !== collection) continue;
      const key = `${m.collection}/${m.id}`;
      const current = view.get(key);
      if (m.op === 'delete') view.set(key, { ...(current || { collection: m.collection, id: m.id, version: 0 }), data: null, deleted: true, pending: true });
      else if (m.op === 'put') view.set(key, { collection: m.collection, id: m.id, version: current ? current.version : 0, data: m.data, deleted: false, pending: true });
      else if (current && !current.deleted) view.set(key, { ...current, data: mergePatch(current.data, m.data), pending: true });
    }
    return [...view.values()].filter((d) => !d.deleted).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  get(collection, id) {
    return this.documents(collection).find((d) => d.id === id) || null;
  }

  /** Who is here: userId → {userId, connections, state}. */
  get presence() { return new Map(this.presenceMap); }

  /** How many members are here; `presence` lists at most the server's presence.maxListed of them. */
  get presenceCount() { return this.presenceTotal; }

  /** Writes not yet confirmed by the server. */
  get pending() { return this.queue.length; }

  // ---- writing (queued; sent when online, replayed with the same ids until answered)

  put(collection, id, data, { baseVersion } = {}) { return this.enqueue({ op: 'put', collection, id, data, baseVersion }); }

  patch(collection, id, data, { baseVersion } = {}) { return this.enqueue({ op: 'patch', collection, id, data, baseVersion }); }

  delete(collection, id, { baseVersion } = {}) { return this.enqueue({ op: 'delete', collection, id, baseVersion }); }

  /** Sets this device's presence state (for example {typing: true}); kept across reconnects. */
  setPresence(state) {
    this.myState = state;
    if (this.synced) this.client.tell(this, 'presence', { type: 'presence', space: this.id, state });
  }

  /** An ephemeral message to everyone else here; dropped while offline. */
  signal(data) {
    return this.synced && this.client.tell(this, 'signal', { type: 'signal', space: this.id, data }) !== null;
  }

  async enqueue(mutation) {
    await this.ready;
    if (this.gone) throw new TetherError(404, 'not_found', `space ${this.id} was deleted`);
    const m = { mutationId: newId(), ...mutation };
    if (m.baseVersion === undefined) delete m.baseVersion;
    if (m.data === undefined) delete m.data;
    this.queue.push(m);
    await this.client.storage.setItem(`queue:${this.id}`, JSON.stringify(this.queue));
    this.emit('change');
    this.flush();
    return m.mutationId;
  }

  flush() {
    if (!this.synced || this.inflight || this.queue.length === 0) return;
    const batch = this.queue.slice(0, MAX_BATCH);
    const frameId = this.client.ask(this, 'mutate', { type: 'mutate', space: this.id, mutations: batch });
    if (frameId) this.inflight = { frameId };
  }

  onAck(frame) {
    const answered = new Map(frame.results.map((r) => [r.mutationId, r]));
    const done = this.queue.filter((m) => answered.has(m.mutationId));
    this.queue = this.queue.filter((m) => !answered.has(m.mutationId));
    this.inflight = null;
    // The server sends a document's current version once per answer: later conflicts on the same
    // document at that version leave `current` out, and take the earlier one's.
    const currents = new Map();
    for (const m of done) {
      const result = answered.get(m.mutationId);
      const key = `${m.collection}/${m.id}`;
      if (result.status === 'conflict') {
        if ('current' in result) currents.set(key, result.current);
        else result.current = currents.get(key);
      } else if (result.status === 'applied') {
        currents.delete(key);
      }
      if (result.status === 'applied') {
        // Shown until its change arrives on the socket, so the item does not blink back.
        if (result.seq > this.cursor) this.settling.push({ ...m, seq: result.seq });
      } else if (result.status === 'conflict') {
        this.emit('conflict', { mutation: m, current: result.current });
      } else {
        this.emit('rejected', { mutation: m, error: result.error || result });
      }
    }
    this.client.storage.setItem(`queue:${this.id}`, JSON.stringify(this.queue));
    this.emit('change');
    this.flush();
  }

  // ---- the socket's frames

  onConnected() {
    if (this.detached) return;
    this.ready.then(() => this.subscribe());
  }

  onDisconnected() {
    this.synced = false;
    this.subscribing = false;
    this.inflight = null; // resent on reconnect with the same mutation ids: the server answers each once
    if (this.presenceMap.size) {
      this.presenceMap.clear();
      this.presenceTotal = 0;
      this.emit('presence', this.presence);
    }
  }

  async subscribe() {
    if (this.subscribing || this.detached || this.client.status !== 'online') return;
    this.subscribing = true;
    try {
      if (!this.loadedFromServer) await this.reload();
      const frame = { type: 'subscribe', space: this.id, since: this.cursor };
      if (this.epoch) frame.epoch = this.epoch;
      if (!this.withPresence) frame.presence = false;
      if (this.query) frame.query = this.query;
      if (!this.client.ask(this, 'sub', frame)) this.subscribing = false;
    } catch (error) {
      this.subscribing = false;
      this.emit('error', error);
      if (error.status === undefined || error.status >= 500) setTimeout(() => this.subscribe(), 1000 + Math.random() * 2000);
    }
  }

  onFrame(frame) {
    switch (frame.type) {
      case 'change': return this.applyChange(frame);
      case 'cursor':
        // Changes up to seq did not concern this query: resume from there.
        if (frame.seq > this.cursor) {
          this.cursor = frame.seq;
          this.settling = this.settling.filter((m) => m.seq > this.cursor);
          this.save();
        }
        return;
      case 'synced':
        this.subscribing = false;
        this.synced = true;
        this.epoch = frame.epoch;
        this.emit('synced', { cursor: frame.cursor, epoch: frame.epoch });
        if (this.myState) this.client.tell(this, 'presence', { type: 'presence', space: this.id, state: this.myState });
        this.flush();
        return;
      case 'resync_required':
        // The cursor cannot be served: reload the space over REST, then subscribe from the new cursor.
        this.synced = false;
        this.subscribing = false;
        this.loadedFromServer = false;
        this.subscribe();
        return;
      case 'ack':
        if (this.inflight && frame.id === this.inflight.frameId) this.onAck(frame);
        return;
      case 'presence_state':
        this.presenceMap = new Map(frame.members.map((m) => [m.userId, m]));
        this.presenceTotal = frame.count ?? this.presenceMap.size;
        this.emit('presence', this.presence);
        return;
      case 'presence_diff':
        for (const m of [...frame.joins, ...frame.updates]) this.presenceMap.set(m.userId, m);
        for (const m of frame.leaves) this.presenceMap.delete(m.userId);
        this.presenceTotal = frame.count ?? this.presenceMap.size;
        this.emit('presence', this.presence);
        return;
      case 'signal':
        this.emit('signal', { from: frame.from, data: frame.data });
        return;
      case 'space_deleted':
        this.onDeleted();
        return;
      case 'error':
        this.onError(frame);
        return;
      default:
    }
  }

  /** The space was deleted: nothing of it is kept, and it is not subscribed to again. */
  async onDeleted() {
    await this.forget();
    this.emit('change');
    this.emit('deleted', { space: this.id });
  }

  /** Drops the local copy and the queued writes, here and in storage, and stops following the space. */
  async forget() {
    this.detached = true;
    this.gone = true;
    this.client.openSpaces.delete(this.id);
    this.docs = new Map();
    this.queue = [];
    this.inflight = null;
    this.presenceMap.clear();
    await Promise.all([this.client.storage.removeItem(`space:${this.storageKey}`),
      this.client.storage.removeItem(`queue:${this.id}`)]);
  }

  onError(frame) {
    const error = new TetherError(0, frame.code, frame.message, frame);
    if (this.inflight && frame.id === this.inflight.frameId) {
      this.inflight = null;
      if (frame.code === 'unavailable' || frame.code === 'rate_limited') setTimeout(() => this.flush(), 1000);
    } else if (!frame.id || String(frame.id).startsWith('sub-')) {
      // The subscription did not start or has ended (removed from the space, server trouble).
      this.synced = false;
      this.subscribing = false;
      if (frame.code === 'unavailable') setTimeout(() => this.subscribe(), 1000 + Math.random() * 2000);
    }
    this.emit('error', error);
  }

  applyChange(change) {
    if (change.seq <= this.cursor) return;
    const key = `${change.collection}/${change.id}`;
    const known = this.docs.get(key);
    if (change.op === 'leave') {
      this.docs.delete(key); // it no longer matches this space's query, or the rules hide it now
    } else if (!known || known.version < change.version || change.rules) {
      this.docs.set(key, { collection: change.collection, id: change.id, version: change.version, data: change.data, deleted: change.deleted });
    }
    // A rules change comes as several changes sharing its seq: the cursor frame after them moves the cursor.
    if (change.rules) {
      this.emit('change', change);
      return;
    }
    this.cursor = change.seq;
    this.settling = this.settling.filter((m) => m.seq > this.cursor);
    this.save();
    this.emit('change', change);
  }

  /** Replaces the local copy with the server's documents and the cursor they were read at. */
  async reload() {
    const docs = new Map();
    let after = null;
    let cursor = null;
    let epoch = null;
    do {
      const filter = this.query ? `&collection=${encodeURIComponent(this.query.collection)}`
        + `&where=${encodeURIComponent(JSON.stringify(this.query.where || []))}` : '';
      const query = `?limit=500${filter}${after ? `&after=${encodeURIComponent(after)}` : ''}`;
      const page = await this.client.request('GET', `/v1/spaces/${encodeURIComponent(this.id)}/documents${query}`);
      if (cursor === null) { cursor = page.cursor; epoch = page.epoch; }
      for (const d of page.documents) docs.set(`${d.collection}/${d.id}`, { collection: d.collection, id: d.id, version: d.version, data: d.data, deleted: !!d.deleted });
      after = page.next;
    } while (after);
    this.docs = docs;
    this.cursor = cursor;
    this.epoch = epoch;
    this.settling = [];
    this.loadedFromServer = true;
    await this.saveNow();
    this.emit('change');
  }

  async restore() {
    const [saved, queue] = await Promise.all([this.client.storage.getItem(`space:${this.storageKey}`),
      this.client.storage.getItem(`queue:${this.id}`)]);
    if (saved) {
      const s = JSON.parse(saved);
      this.docs = new Map(s.docs.map((d) => [`${d.collection}/${d.id}`, d]));
      this.cursor = s.cursor;
      this.epoch = s.epoch;
      this.loadedFromServer = true;
    }
    if (queue) this.queue = JSON.parse(queue);
    if (saved || queue) this.emit('change');
  }

  save() {
    if (this.saveScheduled) return;
    this.saveScheduled = true;
    setTimeout(() => { this.saveScheduled = false; this.saveNow(); }, 50);
  }

  /** The documents and their cursor in one item, so a saved cursor never runs ahead of its documents. */
  saveNow() {
    if (this.gone) return Promise.resolve();
    return this.client.storage.setItem(`space:${this.storageKey}`, JSON.stringify({ cursor: this.cursor, epoch: this.epoch, docs: [...this.docs.values()] }));
  }
}
