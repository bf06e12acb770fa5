-- Read and write rules, every version kept under the seq it was set at: a head names its version (rules_seq),
-- which any node compiles once; older versions stay as the record of who set what, when.
CREATE TABLE space_rules (
  space_id text NOT NULL REFERENCES spaces (id) ON DELETE CASCADE,
  seq      bigint NOT NULL,
  rules    jsonb NOT NULL,
  set_by   text NOT NULL,
  set_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (space_id, seq)
);

-- The seq of the space's current rules (0: it never had any), read with the head.
ALTER TABLE spaces ADD COLUMN rules_seq bigint NOT NULL DEFAULT 0;

-- A rules change takes a seq of its own in the change log (collection '$rules', never sent as it
-- is): every subscriber meets it in order and changes what it shows at exactly that point.
ALTER TABLE changes DROP CONSTRAINT changes_op_check;
ALTER TABLE changes ADD CONSTRAINT changes_op_check CHECK (op IN ('put', 'patch', 'delete', 'rules'));
