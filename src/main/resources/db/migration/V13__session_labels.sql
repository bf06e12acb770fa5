-- A sign-in's label (the device it was made on), carried from token to token of its family, and the
-- way to a user's sign-ins for the sessions list.
ALTER TABLE refresh_tokens ADD COLUMN label text;
CREATE INDEX refresh_tokens_by_user ON refresh_tokens (user_id) WHERE revoked_at IS NULL;
