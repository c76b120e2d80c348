-- What the law and the local agreements say, and the days before a public holiday.
--
-- roles.before_holidays: the hours on a day before a public holiday ("08:00-13:00",
--   "stängt"), NULL when the weekly hours apply as usual.
-- roles.sources: the legal sources (ids in legal_sources) its instructions rest on.
-- legal_sources: every act and section the directory's texts cite, with the day it was
--   last checked against the published text (reviewed yearly).
-- agreements: the regional agreement (scope '') and each municipality's local agreement,
--   with its dates, where cooperation problems are reported and notes per topic. Replaces
--   local_agreements, which held only a title.

-- kinds.secure_reports: written reports to this kind never go by plain e-mail.

ALTER TABLE roles ADD COLUMN before_holidays TEXT;
ALTER TABLE kinds ADD COLUMN secure_reports INTEGER NOT NULL DEFAULT 0;
ALTER TABLE roles ADD COLUMN sources TEXT NOT NULL DEFAULT '[]';

CREATE TABLE legal_sources (
    id       TEXT PRIMARY KEY,
    act      TEXT NOT NULL,
    short    TEXT NOT NULL DEFAULT '',
    section  TEXT NOT NULL DEFAULT '',
    checked  TEXT NOT NULL,
    url      TEXT NOT NULL DEFAULT '',
    note     TEXT NOT NULL DEFAULT '',
    position INTEGER NOT NULL
);

CREATE TABLE agreements (
    scope      TEXT PRIMARY KEY,          -- a municipality, or '' for the regional agreement
    title      TEXT NOT NULL,
    url        TEXT NOT NULL DEFAULT '',
    signed     TEXT,                      -- YYYY-MM-DD
    review     TEXT,                      -- YYYY-MM-DD: when it is to be reviewed
    deviations TEXT NOT NULL DEFAULT '',  -- where problems with the cooperation are reported
    notes      TEXT NOT NULL DEFAULT '{}' -- JSON: topic slug -> what the agreement says
);

INSERT INTO agreements(scope, title)
    SELECT municipality, agreement FROM local_agreements
    WHERE agreement IS NOT NULL AND agreement <> '';

DROP TABLE local_agreements;
