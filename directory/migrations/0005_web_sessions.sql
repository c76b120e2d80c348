-- Sign-ins to the web app kept on the server (issue 11), so that a session really ends:
-- at sign-out, when the password is changed, when the account is switched off, or when
-- it expires. The cookie holds a random id; only its SHA-256 hash is stored.

CREATE TABLE web_sessions (
    id_hash    TEXT PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users(id),
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    ended_at   TEXT,
    ended_why  TEXT                 -- logout | password | inactive | expired
);
CREATE INDEX web_sessions_user ON web_sessions(user_id);
