// Types of tether.js, the Tether client library.

export interface Storage {
  getItem(key: string): Promise<string | null> | string | null;
  setItem(key: string, value: string): Promise<void> | void;
  removeItem(key: string): Promise<void> | void;
}

export class MemoryStorage implements Storage {
  getItem(key: string): Promise<string | null>;
  setItem(key: string, value: string): Promise<void>;
  removeItem(key: string): Promise<void>;
}

/** localStorage or sessionStorage under a prefix; React Native apps pass AsyncStorage directly. */
export function webStorage(store?: globalThis.Storage, prefix?: string): Storage;

export function mergePatch(target: unknown, patch: unknown): unknown;

export class TetherError extends Error {
  /** HTTP status, or 0 for an error frame on the socket. */
  readonly status: number;
  /** bad_request, unauthorized, forbidden, not_found, conflict, too_large, rate_limited, unavailable, ... */
  readonly code: string;
  readonly body: unknown;
}

/** Returns an access token; `refresh: true` means the last one expired or is about to. */
export type TokenProvider = (options: { refresh: boolean }) => Promise<string>;

export interface Session {
  userId: string;
  accessToken: string;
  refreshToken: string;
  expiresAt: number;
}

export class TetherAuth {
  constructor(options?: { url?: string; storage?: Storage; fetch?: typeof fetch });
  readonly userId: string | null;
  restore(): Promise<boolean>;
  register(email: string, password: string, options?: { device?: string }): Promise<Session>;
  login(email: string, password: string, options?: { device?: string }): Promise<Session>;
  /** Sign in with an ID token of a configured provider (apple, google, …); `created` when it made the account. */
  exchange(provider: string, idToken: string, options?: { nonce?: string; device?: string }): Promise<Session & { created: boolean }>;
  /** Resolves the same whether or not an account has the address. */
  requestPasswordReset(email: string): Promise<void>;
  /** Sets the password with the emailed code and signs in; every other sign-in ends. */
  resetPassword(code: string, password: string, options?: { device?: string }): Promise<Session>;
  verifyEmail(code: string): Promise<{ email: string; emailVerified: true }>;
  logout(): Promise<void>;
  /** A {@link TokenProvider}, already bound. */
  token: TokenProvider;
}

export type Status = 'offline' | 'connecting' | 'online' | 'paused';

export interface ClientOptions {
  /** The server's base URL (http or https); defaults to the page's origin. */
  url?: string;
  token: TokenProvider;
  /** Where cursors, local copies and the offline queue are kept; memory by default. */
  storage?: Storage;
  WebSocket?: typeof WebSocket;
  fetch?: typeof fetch;
  minBackoffMs?: number;
  maxBackoffMs?: number;
  pingIntervalMs?: number;
}

export class TetherClient {
  constructor(options: ClientOptions);
  readonly status: Status;
  readonly userId: string | null;
  connect(): this;
  /** Works offline on purpose; writes queue up until {@link resume}. */
  pause(): void;
  resume(): this;
  close(): void;
  /** `presence: false` syncs without appearing in (or receiving) the space's presence and signals. */
  space(id: string, options?: { presence?: boolean }): Space;
  request<T = any>(method: string, path: string, body?: unknown): Promise<T>;
  /** A space with an id the server makes; `name` is what people see. */
  createSpace(name: string): Promise<SpaceSummary>;
  renameSpace(spaceId: string, name: string | null): Promise<SpaceSummary & { createdAt: string }>;
  /** Owners only: the space and all it holds are deleted; open copies everywhere get `deleted`. */
  deleteSpace(spaceId: string): Promise<void>;
  spaces(options?: { limit?: number; after?: string | null }): Promise<{ spaces: (SpaceSummary & { changedAt: string })[]; next: string | null }>;
  members(spaceId: string, options?: { limit?: number; after?: string | null }): Promise<{ members: SpaceMember[]; next: string | null }>;
  leave(spaceId: string): Promise<void>;
  invite(spaceId: string, options?: { role?: 'owner' | 'writer' | 'reader'; email?: string; expiresInHours?: number; maxUses?: number }): Promise<{ id: string; code: string; url: string; role: string; expiresAt: string; maxUses: number }>;
  acceptInvite(code: string): Promise<{ space: string; role: string; joined: boolean }>;
  me(): Promise<{ userId: string; email: string | null; emailVerified: boolean; displayName: string | null; avatarUrl: string | null; locale: string | null }>;
  sessions(): Promise<{ sessions: Array<{ id: string; label: string | null; createdAt: string; lastUsedAt: string; current: boolean }> }>;
  /** Ends one sign-in, or with no id every one but this. */
  endSession(id?: string): Promise<void>;
  changePassword(currentPassword: string, newPassword: string): Promise<void>;
  /**
   * Deletes the account (re-authenticated by the password or a sign-in of the last few minutes),
   * closes this client and drops its open spaces from storage. Call `auth.logout()` afterwards.
   */
  deleteAccount(options?: { password?: string; soleOwnedSpaces?: 'transfer' | 'delete'; anonymize?: boolean }): Promise<{
    deleted: true; spacesDeleted: string[]; spacesTransferred: Array<{ space: string; newOwner: string }>; anonymizing: boolean }>;
  /** Everything the server holds about the user; `complete: false` if it was cut at the size limit. */
  exportAccount(): Promise<{ account: { userId: string; email: string | null; emailVerified: boolean; createdAt: string };
    memberships: Array<{ space: string; name: string | null; role: string; addedAt: string }>;
    ownedSpaces: Array<{ id: string; name: string | null; createdAt: string; documents: Doc[] }>;
    complete: boolean; [key: string]: unknown }>;
  /** Emails the user's address a verification code. */
  requestEmailVerification(): Promise<void>;
  updateMe(patch: { displayName?: string | null; avatarUrl?: string | null; locale?: string | null }): Promise<unknown>;
  on(event: 'status', listener: (status: Status) => void): () => void;
  on(event: 'error', listener: (error: TetherError | Error) => void): () => void;
}

export interface Doc<T = any> {
  collection: string;
  id: string;
  version: number;
  data: T;
  deleted: boolean;
  /** A queued write of this device is applied on top and not yet confirmed. */
  pending?: boolean;
}

export interface SpaceSummary {
  id: string;
  name: string | null;
  role: 'owner' | 'writer' | 'reader';
  seq: number;
  epoch: string;
}

export interface SpaceMember {
  userId: string;
  role: 'owner' | 'writer' | 'reader';
  displayName: string | null;
  avatarUrl: string | null;
  addedAt: string;
}

export interface Member {
  userId: string;
  /** Null when the user set none. */
  displayName: string | null;
  connections: number;
  state: Record<string, unknown>;
}

export interface Change {
  type: 'change';
  space: string;
  seq: number;
  collection: string;
  id: string;
  op: 'put' | 'patch' | 'delete';
  version: number;
  data: any;
  deleted: boolean;
  mutationId: string | null;
  actor: string;
  ts: string;
}

export interface Mutation {
  mutationId: string;
  op: 'put' | 'patch' | 'delete';
  collection: string;
  id: string;
  data?: unknown;
  baseVersion?: number;
}

export class Space {
  readonly id: string;
  readonly cursor: number;
  readonly epoch: string | null;
  readonly synced: boolean;
  /** Who is here: at most the server's `presence.maxListed` members (100 by default); see presenceCount. */
  readonly presence: Map<string, Member>;
  /** How many members are here in all. */
  readonly presenceCount: number;
  /** Queued writes not yet answered by the server. */
  readonly pending: number;
  documents<T = any>(collection?: string): Doc<T>[];
  get<T = any>(collection: string, id: string): Doc<T> | null;
  /** Queue a write; resolves with its mutation id once it is saved in storage. */
  put(collection: string, id: string, data: unknown, options?: { baseVersion?: number }): Promise<string>;
  patch(collection: string, id: string, data: unknown, options?: { baseVersion?: number }): Promise<string>;
  delete(collection: string, id: string, options?: { baseVersion?: number }): Promise<string>;
  setPresence(state: Record<string, unknown>): void;
  /** False when offline (signals are never queued). */
  signal(data: Record<string, unknown>): boolean;
  reload(): Promise<void>;
  close(): void;
  on(event: 'change', listener: (change?: Change) => void): () => void;
  on(event: 'synced', listener: (at: { cursor: number; epoch: string }) => void): () => void;
  on(event: 'presence', listener: (members: Map<string, Member>) => void): () => void;
  on(event: 'signal', listener: (signal: { from: string; data: any }) => void): () => void;
  on(event: 'conflict', listener: (conflict: { mutation: Mutation; current: any }) => void): () => void;
  on(event: 'rejected', listener: (rejection: { mutation: Mutation; error: any }) => void): () => void;
  /** The space was deleted: its saved copy and queue are gone, and it is closed. */
  on(event: 'deleted', listener: (deleted: { space: string }) => void): () => void;
  on(event: 'error', listener: (error: TetherError | Error) => void): () => void;
}
