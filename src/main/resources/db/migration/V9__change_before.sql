-- The document's data before each change (null when it did not exist or was deleted): a filtered
-- subscriber tells "it left my query" from "it was never in it" from the change alone, at any
-- cursor, on any node, without remembering what each client holds.
ALTER TABLE changes ADD COLUMN before_data jsonb;
