-- What people call a space: server-made ids (POST /v1/spaces) are random and not for reading.
-- Null for a space created by PUT without one.
ALTER TABLE spaces ADD COLUMN name text;
