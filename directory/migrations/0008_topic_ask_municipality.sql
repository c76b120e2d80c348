-- A topic whose case belongs to the person's municipality (a report about a child goes to
-- the child's social services) asks for the municipality even when the first contact is
-- the same everywhere at that hour (the regional social duty at night).
ALTER TABLE topics ADD COLUMN ask_municipality INTEGER NOT NULL DEFAULT 0;
