"""The repository layer: raw, parameterised SQL returning dataclasses.

Reads are plain queries; every write is one `BEGIN IMMEDIATE` transaction run whole in the
single writer's thread (`Database.run_write`), records a version (who, when, before, after)
and bumps the generation counter that tells in-memory snapshots to reload.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from directory.agreements import agreement_row
from directory.db import Database, now_iso
from directory.hours import parse_date
from directory.legal import parse_checklist
from directory.model import (
    ALL,
    Agreement,
    Bundle,
    Contact,
    ContactPath,
    Example,
    Kind,
    LegalSource,
    Lexicon,
    Organisation,
    Place,
    Role,
    Topic,
)
from directory.rules import Issue, OrgScope, scope_from_row
from directory.store import checked, learning, rows, writes
from directory.store.checked import Conflict, Refused
from directory.understand.model import TopicModel

T = TypeVar("T")


@dataclass(frozen=True)
class Version:
    id: int
    entity: str
    entity_id: str
    at: str
    actor: str
    action: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None


# Role rows with their contact points as a JSON list (sorted by rank in Python: before
# SQLite 3.44 the order inside json_group_array is not promised), so that a role costs one
# query. Optional: protected fields as [rowid, field, value] triples, areas as a list.
CONTACTS_JSON = (
    "(SELECT json_group_array(json_object("
    "'rank', c.rank, 'channel', c.channel, 'value', c.value, 'label', c.label, "
    "'visibility', c.visibility, 'hours', c.hours, 'verified_at', c.verified_at, "
    "'verified_by', c.verified_by)) FROM contact_points c WHERE c.role_id = r.id"
    ") AS contacts_json")
PROTECTED_JSON = ("(SELECT json_group_array(json_array(p.rowid, p.field, p.value)) "
                  "FROM protected_fields p WHERE p.role_id = r.id) AS protected_json")
AREAS_JSON = ("(SELECT json_group_array(a.municipality) FROM role_areas a "
              "WHERE a.role_id = r.id) AS areas_json")
ROLE_WITH_CONTACTS = f"SELECT r.*, {CONTACTS_JSON} FROM roles r WHERE r.id = ?"
ROLE_WITH_CONTACTS_AND_PROTECTED = (
    f"SELECT r.*, {CONTACTS_JSON}, {PROTECTED_JSON} FROM roles r WHERE r.id = ?")


def _contacts(row: Any) -> tuple[Contact, ...]:
    return tuple(rows.contact(c) for c in sorted(json.loads(row["contacts_json"]),
                                                  key=lambda c: c["rank"]))


class Store:
    def __init__(self, db: Database) -> None:
        self.db = db

    # ---- reads ---------------------------------------------------------------------

    async def generation(self) -> int:
        row = await self.db.fetchone("SELECT value FROM meta WHERE key = 'generation'")
        return int(row["value"]) if row else 0

    async def is_empty(self) -> bool:
        return await self.db.fetchone("SELECT 1 FROM topics LIMIT 1") is None

    async def topics(self) -> list[Topic]:
        return [Topic(r["slug"], r["label"], bool(r["urgent"]),
                      parse_checklist(json.loads(r["checklist"]), None, _Strict()),
                      r["about"], r["assume"], bool(r["ask_municipality"]))
                for r in await self.db.fetchall("SELECT * FROM topics ORDER BY position")]

    async def kinds(self) -> list[Kind]:
        return [rows.kind(r)
                for r in await self.db.fetchall("SELECT * FROM kinds ORDER BY position")]

    async def sources(self) -> list[LegalSource]:
        """The legal sources the directory's texts cite, in file order."""
        return [LegalSource(r["id"], r["act"], parse_date(r["checked"]), r["short"],
                            r["section"], r["url"], r["note"])
                for r in await self.db.fetchall("SELECT * FROM legal_sources ORDER BY position")]

    async def municipalities(self) -> list[str]:
        rows_ = await self.db.fetchall("SELECT name FROM municipalities ORDER BY position")
        return [r["name"] for r in rows_]

    async def organisations(self) -> list[Organisation]:
        return [rows.organisation(r) for r in
                await self.db.fetchall("SELECT * FROM organisations ORDER BY position, id")]

    async def organisation(self, org_id: str) -> Organisation | None:
        r = await self.db.fetchone("SELECT * FROM organisations WHERE id = ?", (org_id,))
        return rows.organisation(r) if r else None

    async def roles(self, org_id: str | None = None, with_protected: bool = False) -> list[Role]:
        where, params = ("WHERE org_id = ?", (org_id,)) if org_id else ("", ())
        role_rows = await self.db.fetchall(
            f"SELECT * FROM roles {where} ORDER BY position, id", params)
        contacts: dict[str, list[Contact]] = {}
        for r in await self.db.fetchall(
                "SELECT * FROM contact_points ORDER BY role_id, rank"):
            contacts.setdefault(r["role_id"], []).append(rows.contact(r))
        protected: dict[str, list[tuple[str, str]]] = {}
        if with_protected:
            for r in await self.db.fetchall("SELECT * FROM protected_fields ORDER BY rowid"):
                protected.setdefault(r["role_id"], []).append((r["field"], r["value"]))
        return [rows.role(r, tuple(contacts.get(r["id"], ())),
                          tuple(protected.get(r["id"], ()))) for r in role_rows]

    async def role(self, role_id: str, with_protected: bool = False) -> Role | None:
        """One role with its contacts (and protected fields), in one query: snapshots call
        this after every edit."""
        r = await self.db.fetchone(ROLE_WITH_CONTACTS if not with_protected else
                                   ROLE_WITH_CONTACTS_AND_PROTECTED, (role_id,))
        if r is None:
            return None
        protected: tuple[tuple[str, str], ...] = ()
        if with_protected:
            protected = tuple((f, v) for _, f, v in sorted(json.loads(r["protected_json"])))
        return rows.role(r, _contacts(r), protected)

    async def role_areas(self) -> dict[str, tuple[str, ...]]:
        out: dict[str, list[str]] = {}
        for r in await self.db.fetchall("SELECT role_id, municipality FROM role_areas"):
            out.setdefault(r["role_id"], []).append(r["municipality"])
        return {k: tuple(v) for k, v in out.items()}

    async def paths(self) -> list[ContactPath]:
        return [rows.path(r) for r in await self.db.fetchall(
            "SELECT * FROM paths ORDER BY municipality IS NOT NULL, municipality, id")]

    async def path(self, topic: str, municipality: str | None) -> ContactPath | None:
        r = await self.db.fetchone("SELECT * FROM paths WHERE topic = ? AND municipality IS ?",
                                   (topic, municipality))
        return rows.path(r) if r else None

    async def agreements(self) -> dict[str | None, Agreement]:
        """The regional agreement (key None) and the local ones, by municipality."""
        return {a.scope: a for a in (agreement_row(r) for r in await self.db.fetchall(
            "SELECT * FROM agreements ORDER BY scope"))}

    async def lexicon(self) -> Lexicon:
        concepts: dict[str, dict[str, list[str]]] = {}
        for r in await self.db.fetchall("SELECT * FROM concepts ORDER BY position"):
            concepts.setdefault(r["concept"], {}).setdefault(r["lang"], []).append(r["term"])
        phrases: dict[str, dict[str, list[str]]] = {}
        for r in await self.db.fetchall("SELECT * FROM topic_phrases ORDER BY position"):
            phrases.setdefault(r["topic"], {}).setdefault(r["lang"], []).append(r["phrase"])
        signals: dict[str, dict[str, float]] = {}
        for r in await self.db.fetchall("SELECT * FROM topic_signals ORDER BY position"):
            signals.setdefault(r["topic"], {})[r["concept"]] = r["weight"]
        places = tuple(Place(r["name"], r["municipality"], r["kind"], bool(r["common_word"]))
                       for r in await self.db.fetchall("SELECT * FROM places ORDER BY position"))
        return Lexicon(
            concepts={c: {lang: tuple(t) for lang, t in v.items()} for c, v in concepts.items()},
            phrases={t: {lang: tuple(p) for lang, p in v.items()} for t, v in phrases.items()},
            signals=signals,
            municipalities=tuple(await self.municipalities()),
            places=places,
            subjects=frozenset(r["concept"] for r in await self.db.fetchall(
                "SELECT concept FROM concept_meta WHERE subject = 1")),
            danger=tuple(rows.danger_rule(json.loads(r["concepts"])) for r in
                         await self.db.fetchall(
                             "SELECT concepts FROM danger_rules ORDER BY position")),
        )

    async def examples(self) -> list[Example]:
        return [Example(r["question"], r["topic"], r["source"], bool(r["danger"]), r["gender"],
                        r["person_group"])
                for r in await self.db.fetchall(
            "SELECT * FROM examples ORDER BY source, position")]

    async def model(self, name: str = "topics") -> TopicModel | None:
        row = await self.db.fetchone("SELECT body FROM models WHERE name = ?", (name,))
        return TopicModel.from_bytes(row["body"]) if row else None

    async def model_stamp(self, name: str = "topics") -> tuple[str, str] | None:
        """(digest, built_at) of the stored model: whether a snapshot's model is current."""
        row = await self.db.fetchone("SELECT digest, built_at FROM models WHERE name = ?",
                                     (name,))
        return (row["digest"], row["built_at"]) if row else None

    async def model_body(self, name: str = "topics") -> bytes | None:
        row = await self.db.fetchone("SELECT body FROM models WHERE name = ?", (name,))
        return row["body"] if row else None

    async def model_digest(self, name: str = "topics") -> str | None:
        row = await self.db.fetchone("SELECT digest FROM models WHERE name = ?", (name,))
        return row["digest"] if row else None

    async def versions(self, entity: str | None = None, entity_id: str | None = None,
                       limit: int = 200) -> list[Version]:
        clauses, params = [], []
        if entity:
            clauses.append("entity = ?")
            params.append(entity)
        if entity_id:
            clauses.append("entity_id = ?")
            params.append(entity_id)
        where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
        found = await self.db.fetchall(
            f"SELECT * FROM versions {where} ORDER BY id DESC LIMIT ?", (*params, limit))
        return [_version(r) for r in found]

    async def last_version_id(self, entities: tuple[str, ...] | None = None) -> int:
        if entities:
            marks = ",".join("?" * len(entities))
            last = await self.db.scalar(
                f"SELECT COALESCE(MAX(id), 0) FROM versions WHERE entity IN ({marks})", entities)
        else:
            last = await self.db.scalar("SELECT COALESCE(MAX(id), 0) FROM versions")
        return int(last)

    async def generation_and_changes(self, version_id: int
                                     ) -> tuple[int, list[tuple[str, str, int]]]:
        """The generation counter and (entity, entity id, version id) of every version
        after `version_id`, in one query."""
        found = await self.db.fetchall(
            "SELECT CAST(g.value AS INTEGER), v.entity, v.entity_id, v.id FROM meta g "
            "LEFT JOIN versions v ON v.id > ? WHERE g.key = 'generation' ORDER BY v.id",
            (version_id,))
        if not found:
            return 0, []
        return found[0][0], [(r[1], r[2], r[3]) for r in found if r[3] is not None]

    async def roles_with_areas(self, role_ids: list[str]
                               ) -> dict[str, tuple[Role, tuple[str, ...]]]:
        """Several roles with the municipalities each serves, in one query; missing ids
        are left out."""
        if not role_ids:
            return {}
        marks = ",".join("?" * len(role_ids))
        found = await self.db.fetchall(
            f"SELECT r.*, {CONTACTS_JSON}, {AREAS_JSON} FROM roles r WHERE r.id IN ({marks})",
            tuple(role_ids))
        return {r["id"]: (rows.role(r, _contacts(r)), tuple(json.loads(r["areas_json"])))
                for r in found}

    async def version(self, version_id: int) -> Version | None:
        r = await self.db.fetchone("SELECT * FROM versions WHERE id = ?", (version_id,))
        return _version(r) if r else None

    # ---- writes --------------------------------------------------------------------
    # Each is one transaction run in the writer thread by `Database.run_write`: one hop from
    # the event loop, however many statements.

    async def apply_bundle(self, bundle: Bundle, actor: str, action: str = "import"
                           ) -> dict[str, int]:
        """Write a validated bundle in one transaction; returns counts of what changed."""
        return await self.db.run_write(_versioned, writes.apply_bundle, bundle, actor, action)

    async def save_role(self, role: Role, actor: str, action: str = "update") -> bool:
        """Save an edit. Verification is never changed by saving; the protected fields are
        replaced only when the role brings some."""
        save = functools.partial(writes.save_role, protected=dict(role.protected) or None)
        return await self.db.run_write(_versioned, save, role, actor, action)

    async def save_protected(self, role_id: str, fields: dict[str, str], actor: str,
                             action: str = "update") -> None:
        """Replace a role's protected fields (an empty dict clears them)."""
        await self.db.run_write(_versioned, writes.put_protected, role_id, fields, actor,
                                action)

    async def save_path(self, path: ContactPath, actor: str, action: str = "update") -> bool:
        return await self.db.run_write(_versioned, writes.put_path, path, actor, action)

    async def verify_role(self, role_id: str, actor: str, day: dt.date | None = None,
                          resolution: str = checked.VERIFIED) -> int:
        """Confirm an entry as correct (today unless `day`): recorded apart from modification,
        and its open reports resolved in the same transaction (checked.verify). Returns how
        many reports were resolved; KeyError when there is no such role."""
        day = day or dt.datetime.now(dt.UTC).date()
        return await self.db.run_write(_versioned, checked.verify, role_id, actor, day,
                                       resolution)

    async def restore(self, version_id: int, actor: str) -> None:
        """Write an old document back as a new version (history is never rewritten)."""
        version = await self.version(version_id)
        if version is None:
            raise KeyError(version_id)
        await self.db.run_write(_versioned, writes.restore, version.entity, version.entity_id,
                                version.after if version.after is not None else version.before,
                                actor)

    async def add_terms(self, concept: str, lang: str, terms: list[str], actor: str) -> None:
        await self.db.run_write(_versioned, writes.add_terms, concept, lang, terms, actor)

    async def add_example(self, example: Example, actor: str) -> bool:
        """Keep a labelled question for the next build of the topic model."""
        return await self.db.run_write(_versioned, learning.add_example, example, actor)

    async def save_model(self, model: TopicModel, name: str = "topics") -> None:
        await self.db.run_write(_unversioned, learning.put_model, name, model)

    # ---- checked edits (issue 11): scope and optimistic concurrency -----------------

    async def role_version(self, role_id: str) -> int:
        """The newest version id of the role or its protected fields (its ETag)."""
        return int(await self.db.scalar(checked.ROLE_VERSION, (role_id,)))

    async def scope(self, org_id: str) -> OrgScope | None:
        r = await self.db.fetchone("SELECT * FROM org_scope WHERE org_id = ?", (org_id,))
        return scope_from_row(r["org_id"], r["municipalities"], r["kinds"]) if r else None

    async def scopes(self) -> dict[str, OrgScope]:
        return {r["org_id"]: scope_from_row(r["org_id"], r["municipalities"], r["kinds"])
                for r in await self.db.fetchall("SELECT * FROM org_scope")}

    async def set_scope(self, scope: OrgScope, actor: str) -> bool:
        return await self.db.run_write(_versioned, checked.put_scope, scope, actor, "update")

    async def edit_role(self, role_id: str, expected: int | set[int] | None,
                        make: Callable[[Role, Organisation], Role],
                        check: Callable[..., list[Issue]], actor: str,
                        replace_protected: bool = False,
                        verify_on: dt.date | None = None,
                        resolution: str = checked.VERIFIED) -> tuple[bool, int, Role]:
        """One checked edit in one transaction (checked.edit_role), with `verify_on` also
        confirmed as correct on that day and its open reports resolved: raises Conflict when
        `expected` is not the newest version, Refused when a rule is broken, KeyError when
        the role does not exist."""
        return await self.db.run_write(_versioned, checked.edit_role, role_id, expected, make,
                                       check, actor, replace_protected, verify_on,
                                       resolution)

    async def create_role(self, role: Role, check: Callable[..., list[Issue]], actor: str) -> int:
        return await self.db.run_write(_versioned, checked.create_role, role, check, actor)


class _Strict:
    """Stored documents were validated on the way in; a problem now is a bug, not input."""

    def add(self, node: Any, key: Any, reason: str) -> None:
        raise ValueError(reason)


def _version(r: Any) -> Version:
    return Version(r["id"], r["entity"], r["entity_id"], r["at"], r["actor"], r["action"],
                   json.loads(r["before"]) if r["before"] else None,
                   json.loads(r["after"]) if r["after"] else None)


LAST_VERSION = "SELECT COALESCE(MAX(id), 0) FROM versions"


def _versioned(conn: sqlite3.Connection, fn: Callable[..., T], *args: Any) -> T:
    """In the writer thread, inside the transaction: `fn(conn, *args, at)`, stamped with the
    moment the transaction runs, then - when it recorded a version, that is, changed
    something - the generation bump that tells snapshots to look at the versions."""
    before = conn.execute(LAST_VERSION).fetchone()[0]
    result = fn(conn, *args, now_iso())
    if conn.execute(LAST_VERSION).fetchone()[0] != before:
        writes.bump_generation(conn)
    return result


def _unversioned(conn: sqlite3.Connection, fn: Callable[..., T], *args: Any) -> T:
    """The same for derived data kept without versions (the topic model): always a bump,
    which snapshots see as a generation move without versions."""
    result = fn(conn, *args, now_iso())
    writes.bump_generation(conn)
    return result


__all__ = ["ALL", "Conflict", "Refused", "Store", "Version"]
