-- Refresh tokens are stored only as SHA-256 hashes. Each refresh rotates the token within its family;
-- presenting a token that was already rotated means it leaked, and revokes the whole family.
CREATE TABLE refresh_tokens (
  token_hash text PRIMARY KEY,
  family_id  text NOT NULL,
  user_id    text NOT NULL,
  expires_at timestamptz NOT NULL,
  rotated_at timestamptz,
  revoked_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX refresh_tokens_by_family ON refresh_tokens (family_id);
CREATE INDEX refresh_tokens_by_expiry ON refresh_tokens (expires_at);
