-- Push notifications. A space's changes are announced to its offline members by one "push" job
-- per space and collapse window: while such a job is pending, later changes only update it, so a
-- busy space wakes each phone once per window. dedupe_key makes that job unique while pending.
ALTER TABLE jobs ADD COLUMN dedupe_key text;
CREATE UNIQUE INDEX jobs_pending_dedupe ON jobs (dedupe_key) WHERE state = 'pending' AND dedupe_key IS NOT NULL;

-- Pushes name the space, seq and document; the document's data only where the space opts in.
ALTER TABLE spaces ADD COLUMN push_includes_data boolean NOT NULL DEFAULT false;

-- The push job asks which members have devices.
CREATE INDEX devices_by_user ON devices (user_id);
