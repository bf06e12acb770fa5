-- When the account's email was shown to be its owner's (a verification or a password reset through it).
ALTER TABLE users ADD COLUMN email_verified_at timestamptz;

-- Single-use codes sent by email: password resets and email verifications. Only the SHA-256 of a code
-- is kept. A used code stays until it expires, so a second use is told "already used".
CREATE TABLE email_codes (
  code_hash  bytea PRIMARY KEY,
  user_id    text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  purpose    text NOT NULL CHECK (purpose IN ('reset', 'verify')),
  email      text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  used_at    timestamptz
);
CREATE INDEX email_codes_by_user ON email_codes (user_id);
CREATE INDEX email_codes_by_expiry ON email_codes (expires_at);
