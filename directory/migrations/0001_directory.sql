-- The directory: vocabulary, organisations, roles, contacts, hours, paths, lexicon,
-- and the version history of every entity. Nothing here is ever hard-deleted by the
-- application: roles and contacts carry a status, documents keep their versions.

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE topics (
    slug      TEXT PRIMARY KEY,
    label     TEXT NOT NULL,
    urgent    INTEGER NOT NULL DEFAULT 0,
    position  INTEGER NOT NULL,
    checklist TEXT NOT NULL DEFAULT '[]'   -- JSON list of lines
);

CREATE TABLE kinds (
    slug     TEXT PRIMARY KEY,
    label    TEXT NOT NULL,
    position INTEGER NOT NULL
);

CREATE TABLE municipalities (
    name     TEXT PRIMARY KEY,
    position INTEGER NOT NULL
);

CREATE TABLE organisations (
    id             TEXT PRIMARY KEY,
    name           TEXT NOT NULL,
    type           TEXT NOT NULL,
    municipalities TEXT NOT NULL,          -- JSON list, ["alla"] for every municipality
    demo           INTEGER NOT NULL DEFAULT 0,
    position       INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE roles (
    id                   TEXT PRIMARY KEY,
    org_id               TEXT NOT NULL REFERENCES organisations(id),
    kind                 TEXT NOT NULL REFERENCES kinds(slug),
    name                 TEXT NOT NULL,
    serves               TEXT,             -- JSON list or NULL (the organisation's area)
    groups               TEXT NOT NULL DEFAULT '[]',
    concerns             TEXT NOT NULL DEFAULT '[]',
    instructions         TEXT NOT NULL DEFAULT '',
    status               TEXT NOT NULL DEFAULT 'aktiv'
                         CHECK (status IN ('aktiv', 'inaktiv', 'tillfalligt-stangd')),
    notice_text          TEXT,
    notice_from          TEXT,
    notice_to            TEXT,
    hours                TEXT NOT NULL,    -- JSON: canonical weekly hours
    on_holidays          TEXT NOT NULL DEFAULT 'closed'
                         CHECK (on_holidays IN ('closed', 'sunday', 'normal')),
    exceptions           TEXT NOT NULL DEFAULT '[]',
    review_interval_days INTEGER NOT NULL DEFAULT 365,
    verified_at          TEXT,
    verified_by          TEXT,
    position             INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX roles_org ON roles(org_id);
CREATE INDEX roles_kind ON roles(kind);

-- Which municipalities a role serves, resolved ("alla" expanded) for routing queries.
CREATE TABLE role_areas (
    role_id      TEXT NOT NULL REFERENCES roles(id),
    municipality TEXT NOT NULL,
    PRIMARY KEY (role_id, municipality)
);
CREATE INDEX role_areas_mun ON role_areas(municipality);

CREATE TABLE contact_points (
    id          INTEGER PRIMARY KEY,
    role_id     TEXT NOT NULL REFERENCES roles(id),
    rank        INTEGER NOT NULL,
    channel     TEXT NOT NULL CHECK (channel IN ('phone', 'email', 'secure-email', 'web')),
    value       TEXT NOT NULL,
    label       TEXT NOT NULL DEFAULT '',
    visibility  TEXT NOT NULL DEFAULT 'staff' CHECK (visibility IN ('staff', 'public')),
    hours       TEXT,                      -- JSON weekly hours when they differ from the role
    verified_at TEXT,
    verified_by TEXT,
    UNIQUE (role_id, rank)
);

-- Fields that must never reach staff (a shelter's street address). No answer, page or
-- API that staff can reach reads this table.
CREATE TABLE protected_fields (
    role_id TEXT NOT NULL REFERENCES roles(id),
    field   TEXT NOT NULL,
    value   TEXT NOT NULL,
    PRIMARY KEY (role_id, field)
);

CREATE TABLE paths (
    id           INTEGER PRIMARY KEY,
    topic        TEXT NOT NULL REFERENCES topics(slug),
    municipality TEXT,                     -- NULL: the regional default
    agreement    TEXT,
    steps        TEXT NOT NULL             -- JSON list of {kind|role, when, why}
);
CREATE UNIQUE INDEX paths_scope ON paths(topic, COALESCE(municipality, ''));

CREATE TABLE local_agreements (
    municipality TEXT PRIMARY KEY,
    agreement    TEXT
);

CREATE TABLE places (
    name         TEXT NOT NULL,
    municipality TEXT NOT NULL REFERENCES municipalities(name),
    kind         TEXT NOT NULL CHECK (kind IN ('form', 'ort')),
    common_word  INTEGER NOT NULL DEFAULT 0,
    position     INTEGER NOT NULL,
    PRIMARY KEY (name, municipality, kind)
);

CREATE TABLE concepts (
    concept TEXT NOT NULL,
    lang    TEXT NOT NULL CHECK (lang IN ('sv', 'en')),
    term    TEXT NOT NULL,
    position INTEGER NOT NULL,
    PRIMARY KEY (concept, lang, term)
);

-- Concepts that only say who a question is about (a child, a partner): they refine a
-- topic but can never make one on their own.
CREATE TABLE concept_meta (
    concept TEXT PRIMARY KEY,
    subject INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE topic_phrases (
    topic    TEXT NOT NULL REFERENCES topics(slug),
    lang     TEXT NOT NULL CHECK (lang IN ('sv', 'en')),
    phrase   TEXT NOT NULL,
    position INTEGER NOT NULL,
    PRIMARY KEY (topic, lang, phrase)
);

CREATE TABLE topic_signals (
    topic   TEXT NOT NULL REFERENCES topics(slug),
    concept TEXT NOT NULL,
    weight  REAL NOT NULL,
    position INTEGER NOT NULL,
    PRIMARY KEY (topic, concept)
);

-- Every change to an entity, as whole documents before and after, so any entry can be
-- restored. entity: organisation | role | path | lexicon | taxonomy | places ...
CREATE TABLE versions (
    id        INTEGER PRIMARY KEY,
    entity    TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    at        TEXT NOT NULL,
    actor     TEXT NOT NULL,
    action    TEXT NOT NULL,            -- create | update | restore | verify | import
    before    TEXT,                     -- JSON document or NULL
    after     TEXT                      -- JSON document or NULL
);
CREATE INDEX versions_entity ON versions(entity, entity_id, id);

-- Verification is kept apart from modification: each confirmation is its own row.
CREATE TABLE verifications (
    id        INTEGER PRIMARY KEY,
    role_id   TEXT NOT NULL REFERENCES roles(id),
    at        TEXT NOT NULL,
    actor     TEXT NOT NULL
);
