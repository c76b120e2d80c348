-- An example question may say it tells of immediate danger (112 first): the model learns
-- a yes/no head for it beside the topics (directory/training.py).
ALTER TABLE examples ADD COLUMN danger INTEGER NOT NULL DEFAULT 0;
