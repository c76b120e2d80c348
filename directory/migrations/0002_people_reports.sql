-- Accounts (staff, coordinators, admins), invites, reports of wrong entries,
-- unanswered questions and the audit log.

CREATE TABLE users (
    id                   INTEGER PRIMARY KEY,
    name                 TEXT NOT NULL UNIQUE,
    role                 TEXT NOT NULL CHECK (role IN ('staff', 'coordinator', 'admin')),
    password_hash        TEXT,
    telegram_id          INTEGER UNIQUE,
    default_municipality TEXT,
    active               INTEGER NOT NULL DEFAULT 1,
    created_at           TEXT NOT NULL
);

CREATE TABLE user_orgs (
    user_id INTEGER NOT NULL REFERENCES users(id),
    org_id  TEXT NOT NULL REFERENCES organisations(id),
    PRIMARY KEY (user_id, org_id)
);

-- Single-use invite codes; only a hash of the code is stored.
CREATE TABLE invites (
    code_hash  TEXT PRIMARY KEY,
    role       TEXT NOT NULL CHECK (role IN ('staff', 'coordinator', 'admin')),
    orgs       TEXT NOT NULL DEFAULT '[]',
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at    TEXT,
    used_by    INTEGER REFERENCES users(id)
);

-- Deviation reports about an entry, owned by the entry's organisation.
CREATE TABLE reports (
    id          INTEGER PRIMARY KEY,
    role_id     TEXT NOT NULL REFERENCES roles(id),
    reason      TEXT NOT NULL CHECK (reason IN ('fel-nummer', 'svarar-inte', 'fel-ansvarig',
                                                'annat')),
    note        TEXT NOT NULL DEFAULT '',  -- redacted before it is stored
    reporter    INTEGER REFERENCES users(id),
    created_at  TEXT NOT NULL,
    status      TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved')),
    resolved_by TEXT,
    resolved_at TEXT,
    resolution  TEXT
);
CREATE INDEX reports_role ON reports(role_id, status);

-- Questions nothing fitted (redacted), so coordinators can add the missing synonym.
CREATE TABLE unanswered (
    id         INTEGER PRIMARY KEY,
    query      TEXT NOT NULL UNIQUE,
    count      INTEGER NOT NULL DEFAULT 1,
    first_at   TEXT NOT NULL,
    last_at    TEXT NOT NULL,
    handled    INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE audit_log (
    id     INTEGER PRIMARY KEY,
    at     TEXT NOT NULL,
    actor  TEXT NOT NULL,
    action TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_at ON audit_log(at);
