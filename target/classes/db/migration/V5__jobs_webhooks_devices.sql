-- Durable background jobs (outgoing webhooks, later push notifications). A job is claimed with
-- FOR UPDATE SKIP LOCKED and leased until locked_until: one attempt at a time, and a job whose node
-- died mid-attempt is taken again once its lease ends. Jobs sharing an ordering_key run one at a
-- time in id order (a space's webhook deliveries in seq order). Done jobs are deleted; dead ones
-- (attempts exhausted) stay for operators to inspect and retry.
CREATE TABLE jobs (
  id           bigserial PRIMARY KEY,
  kind         text NOT NULL,
  ordering_key text,
  payload      jsonb NOT NULL,
  state        text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'running', 'dead')),
  attempts     int NOT NULL DEFAULT 0,
  run_at       timestamptz NOT NULL DEFAULT now(),
  locked_until timestamptz,
  last_error   text,
  created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX jobs_runnable ON jobs (id) WHERE state IN ('pending', 'running');
CREATE INDEX jobs_by_ordering_key ON jobs (ordering_key, id) WHERE state IN ('pending', 'running');

-- A space's outgoing webhooks (set by its owners). Every committed change of the space enqueues one
-- delivery job per webhook in the write's own transaction, so none is lost to a crash.
CREATE TABLE webhooks (
  space_id   text NOT NULL REFERENCES spaces (id) ON DELETE CASCADE,
  id         text NOT NULL,
  url        text NOT NULL,
  secret     text NOT NULL,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (space_id, id)
);

-- The devices a user registered for push notifications.
CREATE TABLE devices (
  user_id    text NOT NULL,
  device_id  text NOT NULL,
  platform   text NOT NULL CHECK (platform IN ('fcm', 'apns')),
  token      text NOT NULL,
  locale     text,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, device_id)
);
