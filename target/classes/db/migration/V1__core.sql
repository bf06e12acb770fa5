-- Users of the built-in accounts. External identity providers (later) get their own rows keyed by issuer.
CREATE TABLE users (
  id            text PRIMARY KEY,
  email         text NOT NULL UNIQUE,
  password_hash text NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now()
);

-- A space's row is its write lock: UPDATE ... SET seq = seq + 1 orders the writers of one space,
-- so seq order is commit order and a rolled-back write leaves no gap.
CREATE TABLE spaces (
  id         text PRIMARY KEY,
  seq        bigint NOT NULL DEFAULT 0,
  epoch      text NOT NULL,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE members (
  space_id text NOT NULL REFERENCES spaces (id) ON DELETE CASCADE,
  user_id  text NOT NULL,
  role     text NOT NULL CHECK (role IN ('owner', 'writer', 'reader')),
  added_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (space_id, user_id)
);
CREATE INDEX members_by_user ON members (user_id);

-- Tombstones stay (deleted = true, data = null) so offline clients learn of deletes.
CREATE TABLE documents (
  space_id   text NOT NULL REFERENCES spaces (id) ON DELETE CASCADE,
  collection text NOT NULL,
  id         text NOT NULL,
  version    bigint NOT NULL,
  data       jsonb,
  deleted    boolean NOT NULL DEFAULT false,
  seq        bigint NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (space_id, collection, id)
);

-- The change log: one row per committed write, seq gap-free per space.
CREATE TABLE changes (
  space_id    text NOT NULL REFERENCES spaces (id) ON DELETE CASCADE,
  seq         bigint NOT NULL,
  collection  text NOT NULL,
  doc_id      text NOT NULL,
  op          text NOT NULL CHECK (op IN ('put', 'patch', 'delete')),
  version     bigint NOT NULL,
  data        jsonb,
  deleted     boolean NOT NULL,
  mutation_id text,
  actor       text NOT NULL,
  ts          timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (space_id, seq)
);
