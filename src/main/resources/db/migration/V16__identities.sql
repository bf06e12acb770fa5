-- Sign-in with Apple, Google or another OpenID provider: each provider account (its issuer's subject)
-- belongs to one Tether user. Such a user may have no password, and (with a provider that shares
-- none) no email.
CREATE TABLE identities (
  provider     text NOT NULL,
  subject      text NOT NULL,
  user_id      text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  email        text,
  created_at   timestamptz NOT NULL DEFAULT now(),
  last_used_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (provider, subject)
);
CREATE INDEX identities_by_user ON identities (user_id);

ALTER TABLE users ALTER COLUMN password_hash DROP NOT NULL;
ALTER TABLE users ALTER COLUMN email DROP NOT NULL;
