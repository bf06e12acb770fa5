-- What a user shows others (any user id: built-in accounts and external issuers' alike).
CREATE TABLE profiles (
  user_id      text PRIMARY KEY,
  display_name text,
  avatar_url   text,
  locale       text,
  updated_at   timestamptz NOT NULL DEFAULT now()
);

-- When a space last changed, for "my spaces" by recent activity. Set with the seq in the same update
-- of the space's row (not indexed, so the update stays HOT).
ALTER TABLE spaces ADD COLUMN changed_at timestamptz NOT NULL DEFAULT now();

