-- Keys an app's own backend calls Tether with (Authorization: Bearer tsk_…): stored as the SHA-256 of
-- the key, never the key. spaces NULL: the key applies to every space.
CREATE TABLE service_keys (
  name                text PRIMARY KEY,
  key_hash            bytea NOT NULL UNIQUE,
  scopes              text[] NOT NULL,
  spaces              text[],
  requests_per_second integer,
  created_at          timestamptz NOT NULL DEFAULT now(),
  last_used_at        timestamptz
);
