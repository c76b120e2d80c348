-- An example question may say it tells of immediate danger (112 first): the model learns
-- a yes/no head for it beside the topics (directory/training.py).
ALTER TABLE examples ADD COLUMN danger INTEGER NOT NULL DEFAULT 0;

-- And whom it is about, when the question makes it clear (kvinna/man, barn/vuxen/aldre):
-- the model learns yes/no heads for the person's gender and group the same way.
ALTER TABLE examples ADD COLUMN gender TEXT;
ALTER TABLE examples ADD COLUMN person_group TEXT;
