-- Who a question is about shapes the route: roles say which genders they serve, topics
-- whom they are about by definition, kinds which need a unit meets when asked for by name.
-- Role groups are now one vocabulary with the person: barn | vuxen | aldre.
ALTER TABLE roles ADD COLUMN genders TEXT NOT NULL DEFAULT '[]';
ALTER TABLE topics ADD COLUMN about TEXT;
ALTER TABLE topics ADD COLUMN assume TEXT;
ALTER TABLE kinds ADD COLUMN topic TEXT;
UPDATE roles SET groups = replace(groups, '"vuxna"', '"vuxen"');

-- Immediate danger as data: each rule is a list of lexicon concepts that, found close
-- together in a question, put 112 first ("vapen"; "hot" with "ikvall").
CREATE TABLE danger_rules (
    position INTEGER PRIMARY KEY,
    concepts TEXT NOT NULL              -- JSON list of concept names
);

-- A kind's swaps for a person: {"instead": [{for, kind, why}], "also": [...]}.
ALTER TABLE kinds ADD COLUMN swaps TEXT NOT NULL DEFAULT '{}';

-- Names staff use when they ask for one unit ("Bris", "ATV", "Kriscentrum").
ALTER TABLE roles ADD COLUMN aliases TEXT NOT NULL DEFAULT '[]';

-- Labelled example questions the topic model learns from (redacted), by source file.
CREATE TABLE examples (
    id       INTEGER PRIMARY KEY,
    source   TEXT NOT NULL,            -- data/examples/<source>.yaml
    question TEXT NOT NULL,
    topic    TEXT,                     -- a topic slug, or NULL: nothing in the directory fits
    position INTEGER NOT NULL,
    UNIQUE (source, question)
);

-- The topic model built from the examples (directory/training.py), one row per name.
CREATE TABLE models (
    name     TEXT PRIMARY KEY,
    digest   TEXT NOT NULL,
    built_at TEXT NOT NULL,
    body     BLOB NOT NULL             -- TopicModel.to_bytes()
);
