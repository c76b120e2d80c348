"""Write statements; each function runs inside a transaction the caller holds."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import aiosqlite

from directory import documents
from directory.model import ALL, Bundle, Lexicon, Organisation, Path, Role
from directory.store import rows


async def _one(conn: aiosqlite.Connection, sql: str, params: tuple = ()) -> Any:
    async with conn.execute(sql, params) as cur:
        return await cur.fetchone()


async def _all(conn: aiosqlite.Connection, sql: str, params: tuple = ()) -> list:
    async with conn.execute(sql, params) as cur:
        return list(await cur.fetchall())


async def bump_generation(conn: aiosqlite.Connection) -> None:
    await conn.execute(
        "INSERT INTO meta(key, value) VALUES ('generation', '1') ON CONFLICT(key) "
        "DO UPDATE SET value = CAST(value AS INTEGER) + 1")


async def record(conn: aiosqlite.Connection, entity: str, entity_id: str, at: str, actor: str,
                 action: str, before: Any, after: Any) -> None:
    def enc(doc: Any) -> str | None:
        return None if doc is None else json.dumps(doc, ensure_ascii=False, sort_keys=True)

    await conn.execute(
        "INSERT INTO versions(entity, entity_id, at, actor, action, before, after) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)", (entity, entity_id, at, actor, action, enc(before),
                                         enc(after)))


# ---- organisations and roles ----------------------------------------------------------


async def put_organisation(conn, org: Organisation, position: int, actor: str, action: str,
                           at: str) -> bool:
    old = await _one(conn, "SELECT * FROM organisations WHERE id = ?", (org.id,))
    before = documents.organisation_doc(rows.organisation(old)) if old else None
    after = documents.organisation_doc(org)
    await conn.execute(
        "INSERT INTO organisations(id, name, type, municipalities, demo, position) "
        "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET name = excluded.name, "
        "type = excluded.type, municipalities = excluded.municipalities, demo = excluded.demo, "
        "position = excluded.position",
        (org.id, org.name, org.type, json.dumps(list(org.municipalities), ensure_ascii=False),
         int(org.demo), position))
    if before != after:
        await record(conn, "organisation", org.id, at, actor, action if old else "create",
                     before, after)
        return True
    return False


async def _role_doc(conn, role_id: str) -> tuple[dict | None, Role | None]:
    r = await _one(conn, "SELECT * FROM roles WHERE id = ?", (role_id,))
    if r is None:
        return None, None
    contacts = tuple(rows.contact(c) for c in await _all(
        conn, "SELECT * FROM contact_points WHERE role_id = ? ORDER BY rank", (role_id,)))
    role = rows.role(r, contacts)
    doc = documents.role_doc(role)
    doc["org_id"] = role.org_id
    return doc, role


async def _areas(conn, role: Role) -> list[str]:
    serves = role.serves
    if not serves:
        org = await _one(conn, "SELECT municipalities FROM organisations WHERE id = ?",
                         (role.org_id,))
        serves = tuple(json.loads(org[0])) if org else ()
    if ALL in serves:
        return [r[0] for r in await _all(conn, "SELECT name FROM municipalities")]
    return list(serves)


async def put_role(conn, role: Role, actor: str, action: str, at: str, position: int | None = None,
                   keep_protected: bool = False, keep_contact_verification: bool = True) -> bool:
    """Upsert a role with its contacts, areas and protected fields; version if it changed."""
    before, old = await _role_doc(conn, role.id)
    if keep_contact_verification and old is not None:
        from dataclasses import replace

        known = {(c.channel, c.value): c.verified for c in old.contacts}
        role = replace(role, contacts=tuple(
            replace(c, verified=known.get((c.channel, c.value))) for c in role.contacts))
    if position is None:
        existing = await _one(conn, "SELECT position FROM roles WHERE id = ?", (role.id,))
        position = existing[0] if existing else 10_000
    values = rows.role_values(role, position)
    cols = ", ".join(values)
    marks = ", ".join(f":{k}" for k in values)
    updates = ", ".join(f"{k} = excluded.{k}" for k in values if k != "id")
    await conn.execute(f"INSERT INTO roles({cols}) VALUES ({marks}) "
                       f"ON CONFLICT(id) DO UPDATE SET {updates}", values)
    await conn.execute("DELETE FROM contact_points WHERE role_id = ?", (role.id,))
    for rank, c in enumerate(role.contacts, 1):
        await conn.execute(
            "INSERT INTO contact_points(role_id, rank, channel, value, label, visibility, hours, "
            "verified_at, verified_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (role.id, rank, c.channel, c.value, c.label, c.visibility, rows.contact_hours_json(c),
             c.verified.at.isoformat() if c.verified else None,
             c.verified.by if c.verified else None))
    await conn.execute("DELETE FROM role_areas WHERE role_id = ?", (role.id,))
    await conn.executemany("INSERT OR IGNORE INTO role_areas(role_id, municipality) VALUES (?, ?)",
                           [(role.id, m) for m in await _areas(conn, role)])
    if not keep_protected:
        await put_protected(conn, role.id, dict(role.protected), actor, action, at)
    after, _ = await _role_doc(conn, role.id)
    if before != after:
        await record(conn, "role", role.id, at, actor, action if before else "create",
                     before, after)
        return True
    return False


async def put_protected(conn, role_id: str, fields: dict[str, str], actor: str, action: str,
                        at: str) -> None:
    old = {r[0]: r[1] for r in await _all(
        conn, "SELECT field, value FROM protected_fields WHERE role_id = ?", (role_id,))}
    if old == fields:
        return
    await conn.execute("DELETE FROM protected_fields WHERE role_id = ?", (role_id,))
    await conn.executemany("INSERT INTO protected_fields(role_id, field, value) VALUES (?, ?, ?)",
                           [(role_id, k, v) for k, v in fields.items()])
    await record(conn, "protected", role_id, at, actor, action, old or None, fields or None)


async def verify_role(conn, role_id: str, actor: str, day: dt.date, at: str) -> None:
    old = await _one(conn, "SELECT verified_at, verified_by FROM roles WHERE id = ?", (role_id,))
    if old is None:
        raise KeyError(role_id)
    await conn.execute("UPDATE roles SET verified_at = ?, verified_by = ? WHERE id = ?",
                       (day.isoformat(), actor, role_id))
    await conn.execute("UPDATE contact_points SET verified_at = ?, verified_by = ? "
                       "WHERE role_id = ?", (day.isoformat(), actor, role_id))
    await conn.execute("INSERT INTO verifications(role_id, at, actor) VALUES (?, ?, ?)",
                       (role_id, at, actor))
    await record(conn, "verification", role_id, at, actor, "verify",
                 {"at": old[0], "by": old[1]}, {"at": day.isoformat(), "by": actor})


# ---- paths, taxonomy, lexicon -------------------------------------------------------------


def path_entity_id(topic: str, municipality: str | None) -> str:
    return f"{topic}@{municipality or 'regional'}"


def path_doc(path: Path) -> dict:
    return {"topic": path.topic, "municipality": path.municipality,
            "steps": [documents.step_doc(s) for s in path.steps]}


async def put_path(conn, path: Path, actor: str, action: str, at: str) -> bool:
    old = await _one(conn, "SELECT * FROM paths WHERE topic = ? AND municipality IS ?",
                     (path.topic, path.municipality))
    before = path_doc(rows.path(old)) if old else None
    after = path_doc(path)
    if before == after:
        return False
    if old:
        await conn.execute("UPDATE paths SET steps = ? WHERE id = ?",
                           (rows.steps_json(path.steps), old["id"]))
    else:
        await conn.execute("INSERT INTO paths(topic, municipality, steps) VALUES (?, ?, ?)",
                           (path.topic, path.municipality, rows.steps_json(path.steps)))
    await record(conn, "path", path_entity_id(path.topic, path.municipality), at, actor,
                 action if old else "create", before, after)
    return True


def lexicon_doc(lex: Lexicon) -> dict:
    return {
        "concepts": {c: {lang: list(t) for lang, t in v.items()} for c, v in lex.concepts.items()},
        "phrases": {t: {lang: list(p) for lang, p in v.items()} for t, v in lex.phrases.items()},
        "signals": lex.signals,
        "municipalities": list(lex.municipalities),
        "places": [[p.name, p.municipality, p.kind, p.common_word] for p in lex.places],
        "subjects": sorted(lex.subjects),
    }


async def put_lexicon(conn, lex: Lexicon, before: dict | None, actor: str, action: str,
                      at: str) -> bool:
    after = lexicon_doc(lex)
    if before == after:
        return False
    for table in ("places", "concepts", "topic_phrases", "topic_signals", "concept_meta"):
        await conn.execute(f"DELETE FROM {table}")
    await conn.executemany("INSERT INTO concept_meta(concept, subject) VALUES (?, 1)",
                           [(c,) for c in sorted(lex.subjects)])
    for i, name in enumerate(lex.municipalities):
        await conn.execute(
            "INSERT INTO municipalities(name, position) VALUES (?, ?) "
            "ON CONFLICT(name) DO UPDATE SET position = excluded.position", (name, i))
    await conn.executemany(
        "INSERT OR IGNORE INTO places(name, municipality, kind, common_word, position) "
        "VALUES (?, ?, ?, ?, ?)",
        [(p.name, p.municipality, p.kind, int(p.common_word), i)
         for i, p in enumerate(lex.places)])
    n = 0
    for concept, langs in lex.concepts.items():
        for lang, terms in langs.items():
            for term in terms:
                n += 1
                await conn.execute("INSERT OR IGNORE INTO concepts VALUES (?, ?, ?, ?)",
                                   (concept, lang, term, n))
    for topic, langs in lex.phrases.items():
        for lang, phrases in langs.items():
            for phrase in phrases:
                n += 1
                await conn.execute("INSERT OR IGNORE INTO topic_phrases VALUES (?, ?, ?, ?)",
                                   (topic, lang, phrase, n))
    for topic, signals in lex.signals.items():
        for concept, weight in signals.items():
            n += 1
            await conn.execute("INSERT INTO topic_signals VALUES (?, ?, ?, ?)",
                               (topic, concept, weight, n))
    await record(conn, "lexicon", "lexicon", at, actor, action, before, after)
    return True


async def add_terms(conn, concept: str, lang: str, terms: list[str], actor: str, at: str) -> None:
    row = await _one(conn, "SELECT COALESCE(MAX(position), 0) FROM concepts")
    position = row[0]
    added = []
    for term in terms:
        position += 1
        cur = await conn.execute("INSERT OR IGNORE INTO concepts VALUES (?, ?, ?, ?)",
                                 (concept, lang, term, position))
        if cur.rowcount:
            added.append(term)
    if added:
        await record(conn, "synonym", concept, at, actor, "update", None,
                     {"concept": concept, "lang": lang, "terms": added})


async def apply_bundle(conn, bundle: Bundle, actor: str, action: str, at: str) -> dict:
    changed = {"taxonomy": 0, "lexicon": 0, "organisations": 0, "roles": 0, "paths": 0}
    if bundle.topics is not None or bundle.kinds is not None:
        for i, t in enumerate(bundle.topics or []):
            await conn.execute(
                "INSERT INTO topics(slug, label, urgent, position, checklist) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT(slug) DO UPDATE SET label = excluded.label, "
                "urgent = excluded.urgent, position = excluded.position, "
                "checklist = excluded.checklist",
                (t.slug, t.label, int(t.urgent), i, json.dumps(list(t.checklist),
                                                               ensure_ascii=False)))
        for i, k in enumerate(bundle.kinds or []):
            await conn.execute(
                "INSERT INTO kinds(slug, label, position) VALUES (?, ?, ?) "
                "ON CONFLICT(slug) DO UPDATE SET label = excluded.label, "
                "position = excluded.position", (k.slug, k.label, i))
        changed["taxonomy"] = 1
    if bundle.lexicon is not None:
        before_row = await _one(conn, "SELECT after FROM versions WHERE entity = 'lexicon' "
                                "ORDER BY id DESC LIMIT 1")
        before = json.loads(before_row[0]) if before_row and before_row[0] else None
        changed["lexicon"] = int(await put_lexicon(conn, bundle.lexicon, before, actor, action,
                                                   at))
    position = 0
    for org_position, (org, roles) in enumerate(bundle.organisations):
        changed["organisations"] += await put_organisation(
            conn, org, org_position, actor, action, at)
        for role in roles:
            position += 1
            changed["roles"] += await put_role(conn, role, actor, action, at, position,
                                               keep_contact_verification=False)
    for path in bundle.paths:
        changed["paths"] += await put_path(conn, path, actor, action, at)
    for municipality, agreement in bundle.agreements.items():
        await conn.execute(
            "INSERT INTO local_agreements(municipality, agreement) VALUES (?, ?) "
            "ON CONFLICT(municipality) DO UPDATE SET agreement = excluded.agreement",
            (municipality, agreement))
    return changed


async def restore(conn, entity: str, entity_id: str, doc: dict | None, actor: str,
                  at: str) -> None:
    """Write an old document back; the current verification is kept as it is."""
    from directory.documents import Problems, parse_role, parse_steps

    if doc is None:
        raise ValueError("den versionen har inget innehåll att återställa")
    if entity == "role":
        org_row = await _one(conn, "SELECT * FROM organisations WHERE id = ?", (doc["org_id"],))
        p = Problems(f"version av {entity_id}")
        role = parse_role(doc, rows.organisation(org_row), p)
        if p or role is None:
            raise ValueError("; ".join(str(x) for x in p.items))
        current = await _one(conn, "SELECT verified_at, verified_by FROM roles WHERE id = ?",
                             (role.id,))
        from dataclasses import replace

        from directory.model import Verification

        verified = (Verification(dt.date.fromisoformat(current[0]), current[1] or "")
                    if current and current[0] else None)
        await put_role(conn, replace(role, verified=verified), actor, "restore", at,
                       keep_protected=True)
    elif entity == "path":
        p = Problems(f"version av {entity_id}")
        steps = parse_steps(doc["steps"], p)
        if p:
            raise ValueError("; ".join(str(x) for x in p.items))
        await put_path(conn, Path(doc["topic"], doc["municipality"], steps), actor, "restore", at)
    elif entity == "organisation":
        org = Organisation(doc["id"], doc["name"], doc["type"], tuple(doc["municipalities"]),
                           bool(doc["demo"]))
        pos = await _one(conn, "SELECT position FROM organisations WHERE id = ?", (org.id,))
        await put_organisation(conn, org, pos[0] if pos else 0, actor, "restore", at)
    else:
        raise ValueError(f"'{entity}' kan inte återställas här")
