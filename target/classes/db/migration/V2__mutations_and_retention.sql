-- Changes with seq <= compacted_seq have been removed by retention: a cursor below it needs a resync.
ALTER TABLE spaces ADD COLUMN compacted_seq bigint NOT NULL DEFAULT 0;

-- The idempotency record of a client mutation, scoped to (space, user): the first result, replayed
-- to every retry. Written in the mutation's own transaction, so a retry that races the original
-- waits on this primary key until the original commits, then reads its result.
CREATE TABLE mutations (
  space_id    text NOT NULL REFERENCES spaces (id) ON DELETE CASCADE,
  user_id     text NOT NULL,
  mutation_id text NOT NULL,
  result      jsonb,
  created_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (space_id, user_id, mutation_id)
);
CREATE INDEX mutations_by_age ON mutations (created_at);

-- Age-based compaction finds a space's horizon by time.
CREATE INDEX changes_by_age ON changes (space_id, ts);
