"""Write statements as plain synchronous functions on a `sqlite3` connection: each runs
inside the transaction `Database.run_write` holds, in the writer thread, so a whole write
costs one hop from the event loop however many statements it has."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from dataclasses import replace
from typing import Any

from directory.agreements import agreement_doc, agreement_row, agreement_values
from directory.legal import line_doc, source_doc
from directory.lexicon_doc import stored_doc
from directory.model import (
    ALL,
    Agreement,
    Bundle,
    Contact,
    ContactPath,
    LegalSource,
    Lexicon,
    Organisation,
    Role,
    Verification,
)
from directory.store import rows

Conn = sqlite3.Connection


def _one(conn: Conn, sql: str, params: tuple[Any, ...] = ()) -> Any:
    return conn.execute(sql, params).fetchone()


def _all(conn: Conn, sql: str, params: tuple[Any, ...] = ()) -> list[Any]:
    return conn.execute(sql, params).fetchall()


BUMP_GENERATION = ("INSERT INTO meta(key, value) VALUES ('generation', '1') ON CONFLICT(key) "
                   "DO UPDATE SET value = CAST(value AS INTEGER) + 1")


def bump_generation(conn: Conn) -> None:
    """Tell every snapshot to reload."""
    conn.execute(BUMP_GENERATION)


INSERT_VERSION = ("INSERT INTO versions(entity, entity_id, at, actor, action, before, after) "
                  "VALUES (?, ?, ?, ?, ?, ?, ?)")


def _version_values(entity: str, entity_id: str, at: str, actor: str, action: str,
                    before: Any, after: Any
                    ) -> tuple[str, str, str, str, str, str | None, str | None]:
    def enc(doc: Any) -> str | None:
        return None if doc is None else json.dumps(doc, ensure_ascii=False, sort_keys=True)

    return (entity, entity_id, at, actor, action, enc(before), enc(after))


def record(conn: Conn, entity: str, entity_id: str, at: str, actor: str,
           action: str, before: Any, after: Any) -> None:
    conn.execute(INSERT_VERSION,
                 _version_values(entity, entity_id, at, actor, action, before, after))


# ---- organisations and roles ----------------------------------------------------------


def put_organisation(conn: Conn, org: Organisation, position: int, actor: str, action: str,
                     at: str) -> bool:
    from directory import documents  # here: reading the store needs no YAML (a quick CLI)

    old = _one(conn, "SELECT * FROM organisations WHERE id = ?", (org.id,))
    before = documents.organisation_doc(rows.organisation(old)) if old else None
    after = documents.organisation_doc(org)
    conn.execute(
        "INSERT INTO organisations(id, name, type, municipalities, demo, position) "
        "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET name = excluded.name, "
        "type = excluded.type, municipalities = excluded.municipalities, demo = excluded.demo, "
        "position = excluded.position",
        (org.id, org.name, org.type, json.dumps(list(org.municipalities), ensure_ascii=False),
         int(org.demo), position))
    if before != after:
        record(conn, "organisation", org.id, at, actor, action if old else "create",
               before, after)
        return True
    return False


def _role_doc(conn: Conn, role_id: str) -> tuple[dict[str, Any] | None, Role | None, Any]:
    """(document with org_id, role, its row) as stored now, or (None, None, None)."""
    r = _one(conn, "SELECT * FROM roles WHERE id = ?", (role_id,))
    if r is None:
        return None, None, None
    contacts = tuple(rows.contact(c) for c in _all(
        conn, "SELECT * FROM contact_points WHERE role_id = ? ORDER BY rank", (role_id,)))
    role = rows.role(r, contacts)
    return _doc(role), role, r


def _doc(role: Role) -> dict[str, Any]:
    from directory import documents

    doc = documents.role_doc(role)
    doc["org_id"] = role.org_id
    return doc


def _contact_values(role_id: str, contacts: tuple[Contact, ...]) -> list[dict[str, Any]]:
    return [{"role_id": role_id, "rank": rank, "channel": c.channel, "value": c.value,
             "label": c.label, "visibility": c.visibility, "hours": rows.contact_hours_json(c),
             "verified_at": c.verified.at.isoformat() if c.verified else None,
             "verified_by": c.verified.by if c.verified else None}
            for rank, c in enumerate(contacts, 1)]


def _areas(conn: Conn, role: Role) -> list[str]:
    serves = role.serves
    if not serves:
        org = _one(conn, "SELECT municipalities FROM organisations WHERE id = ?",
                   (role.org_id,))
        serves = tuple(json.loads(org[0])) if org else ()
    if ALL in serves:
        return [r[0] for r in _all(conn, "SELECT name FROM municipalities")]
    return list(serves)


def _verification(row: Any) -> Verification | None:
    if row is None or not row["verified_at"]:
        return None
    return Verification(dt.date.fromisoformat(row["verified_at"]), row["verified_by"] or "")


# A role is written in one of three ways, each its own operation: saved (an edit), imported
# (from files) or restored (an old version written back).


def save_role(conn: Conn, role: Role, actor: str, action: str, at: str,
              protected: dict[str, str] | None = None) -> bool:
    """An edit or a new role: the stored verifications stay (saving never verifies; a new
    role has none); `protected`, when given, replaces the protected fields."""
    return _put_role(conn, role, actor, action, at, protected=protected, from_files=False)


def import_role(conn: Conn, role: Role, actor: str, action: str, at: str,
                position: int) -> bool:
    """From files: written as the files say, verifications and protected fields included."""
    return _put_role(conn, role, actor, action, at, position=position,
                     protected=dict(role.protected), from_files=True)


def restore_role(conn: Conn, role: Role, actor: str, at: str) -> bool:
    """An old version written back: the current verifications and protected fields stay."""
    return _put_role(conn, role, actor, "restore", at, protected=None, from_files=False)


def _put_role(conn: Conn, role: Role, actor: str, action: str, at: str, *,
              protected: dict[str, str] | None, from_files: bool,
              position: int | None = None) -> bool:
    """Upsert a role with its contacts and areas (and `protected`, unless None); version
    if it changed. Unless `from_files`, the stored verifications of the role and of its
    contacts (matched by channel and value) replace the role's own."""
    before, old, old_row = _role_doc(conn, role.id)
    if not from_files:
        role = replace(role, verified=_verification(old_row))
        if old is not None:
            known = {(c.channel, c.value): c.verified for c in old.contacts}
            role = replace(role, contacts=tuple(
                replace(c, verified=known.get((c.channel, c.value))) for c in role.contacts))
    if position is None:
        position = old_row["position"] if old_row is not None else 10_000
    values = rows.role_values(role, position)
    cols = ", ".join(values)
    marks = ", ".join(f":{k}" for k in values)
    updates = ", ".join(f"{k} = excluded.{k}" for k in values if k != "id")
    conn.execute(f"INSERT INTO roles({cols}) VALUES ({marks}) "
                 f"ON CONFLICT(id) DO UPDATE SET {updates}", values)
    contacts = _contact_values(role.id, role.contacts)
    conn.execute("DELETE FROM contact_points WHERE role_id = ?", (role.id,))
    conn.executemany(
        "INSERT INTO contact_points(role_id, rank, channel, value, label, visibility, hours, "
        "verified_at, verified_by) VALUES (:role_id, :rank, :channel, :value, :label, "
        ":visibility, :hours, :verified_at, :verified_by)", contacts)
    conn.execute("DELETE FROM role_areas WHERE role_id = ?", (role.id,))
    conn.executemany("INSERT OR IGNORE INTO role_areas(role_id, municipality) VALUES (?, ?)",
                     [(role.id, m) for m in _areas(conn, role)])
    if protected is not None:
        put_protected(conn, role.id, protected, actor, action, at)
    # The document as it reads back, built from the written values without reading them.
    after = _doc(rows.role(values, tuple(rows.contact(c) for c in contacts)))
    if before != after:
        record(conn, "role", role.id, at, actor, action if before else "create",
               before, after)
        return True
    return False


SELECT_PROTECTED = "SELECT field, value FROM protected_fields WHERE role_id = ?"
DELETE_PROTECTED = "DELETE FROM protected_fields WHERE role_id = ?"
INSERT_PROTECTED = "INSERT INTO protected_fields(role_id, field, value) VALUES (?, ?, ?)"


def put_protected(conn: Conn, role_id: str, fields: dict[str, str], actor: str, action: str,
                  at: str) -> None:
    """Replace a role's protected fields; versioned when they change."""
    old = {r[0]: r[1] for r in _all(conn, SELECT_PROTECTED, (role_id,))}
    if old == fields:
        return
    conn.execute(DELETE_PROTECTED, (role_id,))
    conn.executemany(INSERT_PROTECTED, [(role_id, k, v) for k, v in fields.items()])
    record(conn, "protected", role_id, at, actor, action, old or None, fields or None)


def verify_role(conn: Conn, role_id: str, actor: str, day: dt.date, at: str) -> None:
    old = _one(conn, "SELECT verified_at, verified_by FROM roles WHERE id = ?", (role_id,))
    if old is None:
        raise KeyError(role_id)
    conn.execute("UPDATE roles SET verified_at = ?, verified_by = ? WHERE id = ?",
                 (day.isoformat(), actor, role_id))
    conn.execute("UPDATE contact_points SET verified_at = ?, verified_by = ? "
                 "WHERE role_id = ?", (day.isoformat(), actor, role_id))
    conn.execute("INSERT INTO verifications(role_id, at, actor) VALUES (?, ?, ?)",
                 (role_id, at, actor))
    record(conn, "verification", role_id, at, actor, "verify",
           {"at": old[0], "by": old[1]}, {"at": day.isoformat(), "by": actor})


# ---- paths, taxonomy, lexicon -------------------------------------------------------------


def path_entity_id(topic: str, municipality: str | None) -> str:
    return f"{topic}@{municipality or 'regional'}"


def path_doc(path: ContactPath) -> dict[str, Any]:
    from directory import documents

    return {"topic": path.topic, "municipality": path.municipality,
            "steps": [documents.step_doc(s) for s in path.steps]}


def put_path(conn: Conn, path: ContactPath, actor: str, action: str, at: str) -> bool:
    old = _one(conn, "SELECT * FROM paths WHERE topic = ? AND municipality IS ?",
               (path.topic, path.municipality))
    before = path_doc(rows.path(old)) if old else None
    after = path_doc(path)
    if before == after:
        return False
    if old:
        conn.execute("UPDATE paths SET steps = ? WHERE id = ?",
                     (rows.steps_json(path.steps), old["id"]))
    else:
        conn.execute("INSERT INTO paths(topic, municipality, steps) VALUES (?, ?, ?)",
                     (path.topic, path.municipality, rows.steps_json(path.steps)))
    record(conn, "path", path_entity_id(path.topic, path.municipality), at, actor,
           action if old else "create", before, after)
    return True


def put_lexicon(conn: Conn, lex: Lexicon, before: dict[str, Any] | None, actor: str,
                action: str, at: str) -> bool:
    after = stored_doc(lex)
    if before == after:
        return False
    for table in ("places", "concepts", "topic_phrases", "topic_signals", "concept_meta",
                  "danger_rules"):
        conn.execute(f"DELETE FROM {table}")
    conn.executemany("INSERT INTO concept_meta(concept, subject) VALUES (?, 1)",
                     [(c,) for c in sorted(lex.subjects)])
    for i, name in enumerate(lex.municipalities):
        conn.execute(
            "INSERT INTO municipalities(name, position) VALUES (?, ?) "
            "ON CONFLICT(name) DO UPDATE SET position = excluded.position", (name, i))
    conn.executemany(
        "INSERT OR IGNORE INTO places(name, municipality, kind, common_word, position) "
        "VALUES (?, ?, ?, ?, ?)",
        [(p.name, p.municipality, p.kind, int(p.common_word), i)
         for i, p in enumerate(lex.places)])
    n = 0
    for concept, langs in lex.concepts.items():
        for lang, terms in langs.items():
            for term in terms:
                n += 1
                conn.execute("INSERT OR IGNORE INTO concepts VALUES (?, ?, ?, ?)",
                             (concept, lang, term, n))
    for topic, langs in lex.phrases.items():
        for lang, phrases in langs.items():
            for phrase in phrases:
                n += 1
                conn.execute("INSERT OR IGNORE INTO topic_phrases VALUES (?, ?, ?, ?)",
                             (topic, lang, phrase, n))
    for topic, signals in lex.signals.items():
        for concept, weight in signals.items():
            n += 1
            conn.execute("INSERT INTO topic_signals VALUES (?, ?, ?, ?)",
                         (topic, concept, weight, n))
    conn.executemany("INSERT INTO danger_rules(position, concepts) VALUES (?, ?)",
                     [(i, json.dumps(rule.doc())) for i, rule in enumerate(lex.danger)])
    record(conn, "lexicon", "lexicon", at, actor, action, before, after)
    return True


def add_terms(conn: Conn, concept: str, lang: str, terms: list[str], actor: str, at: str) -> None:
    row = _one(conn, "SELECT COALESCE(MAX(position), 0) FROM concepts")
    position = row[0]
    added = []
    for term in terms:
        position += 1
        cur = conn.execute("INSERT OR IGNORE INTO concepts VALUES (?, ?, ?, ?)",
                           (concept, lang, term, position))
        if cur.rowcount:
            added.append(term)
    if added:
        record(conn, "synonym", concept, at, actor, "update", None,
               {"concept": concept, "lang": lang, "terms": added})


def apply_bundle(conn: Conn, bundle: Bundle, actor: str, action: str, at: str
                 ) -> dict[str, int]:
    from directory.store.checked import widen_scope  # checked.py builds on this module
    from directory.store.learning import put_examples

    changed = {"taxonomy": 0, "lexicon": 0, "organisations": 0, "roles": 0, "paths": 0,
               "sources": 0, "agreements": 0, "examples": 0}
    if bundle.topics is not None or bundle.kinds is not None:
        before = taxonomy_doc(conn)
        for i, t in enumerate(bundle.topics or []):
            conn.execute(
                "INSERT INTO topics(slug, label, urgent, position, checklist, about, assume, "
                "ask_municipality) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(slug) DO UPDATE "
                "SET label = excluded.label, urgent = excluded.urgent, "
                "position = excluded.position, checklist = excluded.checklist, "
                "about = excluded.about, assume = excluded.assume, "
                "ask_municipality = excluded.ask_municipality",
                (t.slug, t.label, int(t.urgent), i,
                 json.dumps([line_doc(x) for x in t.lines], ensure_ascii=False), t.about,
                 t.assume, int(t.ask_municipality)))
        for i, k in enumerate(bundle.kinds or []):
            conn.execute(
                "INSERT INTO kinds(slug, label, position, topic, swaps, secure_reports) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(slug) DO UPDATE SET "
                "label = excluded.label, position = excluded.position, topic = excluded.topic, "
                "swaps = excluded.swaps, secure_reports = excluded.secure_reports",
                (k.slug, k.label, i, k.topic, json.dumps(rows.swaps_doc(k), ensure_ascii=False),
                 int(k.secure_reports)))
        changed["taxonomy"] = 1
        after = taxonomy_doc(conn)
        if after != before:  # a version, so that snapshots know to read it again
            record(conn, "taxonomy", "taxonomy", at, actor, action,
                   before if before["topics"] or before["kinds"] else None, after)
    if bundle.sources is not None:
        changed["sources"] = int(put_sources(conn, bundle.sources, actor, action, at))
    if bundle.lexicon is not None:
        before_row = _one(conn, "SELECT after FROM versions WHERE entity = 'lexicon' "
                          "ORDER BY id DESC LIMIT 1")
        lexicon_before = json.loads(before_row[0]) if before_row and before_row[0] else None
        changed["lexicon"] = int(put_lexicon(conn, bundle.lexicon, lexicon_before, actor, action,
                                             at))
    position = 0
    for org_position, (org, roles) in enumerate(bundle.organisations):
        changed["organisations"] += put_organisation(
            conn, org, org_position, actor, action, at)
        for role in roles:
            position += 1
            changed["roles"] += import_role(conn, role, actor, action, at, position)
        widen_scope(conn, org, roles, actor, action, at)
    for path in bundle.paths:
        changed["paths"] += put_path(conn, path, actor, action, at)
    for source, examples in bundle.examples.items():
        changed["examples"] += put_examples(conn, source, examples, actor, action, at)
    for scope, agreement in bundle.agreements.items():
        changed["agreements"] += put_agreement(
            conn, scope, agreement, actor, action, at)
    return changed


def taxonomy_doc(conn: Conn) -> dict[str, Any]:
    """The topics and kinds as stored."""
    return {table: [dict(r) for r in _all(conn, f"SELECT * FROM {table} ORDER BY position")]
            for table in ("topics", "kinds")}


def put_sources(conn: Conn, sources: list[LegalSource], actor: str, action: str,
                at: str) -> bool:
    """Replace the registry of legal sources; one version when it changed."""
    before = [source_doc(LegalSource(r["id"], r["act"], dt.date.fromisoformat(r["checked"]),
                                     r["short"], r["section"], r["url"], r["note"]))
              for r in _all(conn, "SELECT * FROM legal_sources ORDER BY position")]
    after = [source_doc(s) for s in sources]
    if before == after:
        return False
    conn.execute("DELETE FROM legal_sources")
    conn.executemany(
        "INSERT INTO legal_sources(id, act, short, section, checked, url, note, position) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [(s.id, s.act, s.short, s.section, s.checked.isoformat(), s.url, s.note, i)
         for i, s in enumerate(sources)])
    record(conn, "sources", "sources", at, actor, action, before or None, after)
    return True


def put_agreement(conn: Conn, scope: str | None, agreement: Agreement | None, actor: str,
                  action: str, at: str) -> bool:
    """Set (or, with None, remove) the agreement a path file names; versioned."""
    old = _one(conn, "SELECT * FROM agreements WHERE scope = ?", (scope or "",))
    before = agreement_doc(agreement_row(old)) if old else None
    after = agreement_doc(agreement) if agreement else None
    if before == after:
        return False
    conn.execute("DELETE FROM agreements WHERE scope = ?", (scope or "",))
    if agreement is not None:
        conn.execute("INSERT INTO agreements(scope, title, url, signed, review, deviations, "
                     "notes) VALUES (?, ?, ?, ?, ?, ?, ?)", agreement_values(agreement))
    record(conn, "agreement", scope or "regional", at, actor, action, before, after)
    return True


def restore(conn: Conn, entity: str, entity_id: str, doc: dict[str, Any] | None, actor: str,
            at: str) -> None:
    """Write an old document back; the current verification is kept as it is."""
    from directory.documents import Problems, parse_role, parse_steps

    if doc is None:
        raise ValueError("den versionen har inget innehåll att återställa")
    if entity == "role":
        org_row = _one(conn, "SELECT * FROM organisations WHERE id = ?", (doc["org_id"],))
        p = Problems(f"version av {entity_id}")
        role = parse_role(doc, rows.organisation(org_row), p)
        if p or role is None:
            raise ValueError("; ".join(str(x) for x in p.items))
        restore_role(conn, role, actor, at)
    elif entity == "path":
        p = Problems(f"version av {entity_id}")
        steps = parse_steps(doc["steps"], p)
        if p:
            raise ValueError("; ".join(str(x) for x in p.items))
        put_path(conn, ContactPath(doc["topic"], doc["municipality"], steps), actor, "restore", at)
    elif entity == "organisation":
        org = Organisation(doc["id"], doc["name"], doc["type"], tuple(doc["municipalities"]),
                           bool(doc["demo"]))
        pos = _one(conn, "SELECT position FROM organisations WHERE id = ?", (org.id,))
        put_organisation(conn, org, pos[0] if pos else 0, actor, "restore", at)
    else:
        raise ValueError(f"'{entity}' kan inte återställas här")

