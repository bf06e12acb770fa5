-- Invitations to a space. The code is shown once, when the invite is made; only its SHA-256 is kept.
CREATE TABLE invites (
  id          text PRIMARY KEY,
  space_id    text NOT NULL REFERENCES spaces (id) ON DELETE CASCADE,
  code_hash   bytea NOT NULL UNIQUE,
  role        text NOT NULL CHECK (role IN ('owner', 'writer', 'reader')),
  email       text,
  created_by  text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  expires_at  timestamptz NOT NULL,
  max_uses    int NOT NULL CHECK (max_uses > 0),
  uses        int NOT NULL DEFAULT 0,
  revoked_at  timestamptz
);
CREATE INDEX invites_by_space ON invites (space_id, created_at);
