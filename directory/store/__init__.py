"""The repository layer: raw, parameterised SQL returning dataclasses.

Reads are plain queries; every write is one `BEGIN IMMEDIATE` transaction through the
single writer, records a version (who, when, before, after) and bumps the generation
counter that tells in-memory snapshots to reload.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from directory.db import Database
from directory.model import (
    ALL,
    Bundle,
    Kind,
    Lexicon,
    Organisation,
    Path,
    Place,
    Role,
    Topic,
)
from directory.store import rows, writes


@dataclass(frozen=True)
class Version:
    id: int
    entity: str
    entity_id: str
    at: str
    actor: str
    action: str
    before: dict | None
    after: dict | None


def now_iso() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


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
        return [Topic(r["slug"], r["label"], bool(r["urgent"]), tuple(json.loads(r["checklist"])))
                for r in await self.db.fetchall("SELECT * FROM topics ORDER BY position")]

    async def kinds(self) -> list[Kind]:
        return [Kind(r["slug"], r["label"])
                for r in await self.db.fetchall("SELECT * FROM kinds ORDER BY position")]

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
        contacts: dict[str, list] = {}
        for r in await self.db.fetchall(
                "SELECT * FROM contact_points ORDER BY role_id, rank"):
            contacts.setdefault(r["role_id"], []).append(rows.contact(r))
        protected: dict[str, list] = {}
        if with_protected:
            for r in await self.db.fetchall("SELECT * FROM protected_fields ORDER BY rowid"):
                protected.setdefault(r["role_id"], []).append((r["field"], r["value"]))
        return [rows.role(r, tuple(contacts.get(r["id"], ())),
                          tuple(protected.get(r["id"], ()))) for r in role_rows]

    async def role(self, role_id: str, with_protected: bool = False) -> Role | None:
        r = await self.db.fetchone("SELECT * FROM roles WHERE id = ?", (role_id,))
        if r is None:
            return None
        contacts = tuple(rows.contact(c) for c in await self.db.fetchall(
            "SELECT * FROM contact_points WHERE role_id = ? ORDER BY rank", (role_id,)))
        protected: tuple = ()
        if with_protected:
            protected = tuple((p["field"], p["value"]) for p in await self.db.fetchall(
                "SELECT field, value FROM protected_fields WHERE role_id = ? ORDER BY rowid",
                (role_id,)))
        return rows.role(r, contacts, protected)

    async def role_areas(self) -> dict[str, tuple[str, ...]]:
        out: dict[str, list[str]] = {}
        for r in await self.db.fetchall("SELECT role_id, municipality FROM role_areas"):
            out.setdefault(r["role_id"], []).append(r["municipality"])
        return {k: tuple(v) for k, v in out.items()}

    async def paths(self) -> list[Path]:
        return [rows.path(r) for r in await self.db.fetchall(
            "SELECT * FROM paths ORDER BY municipality IS NOT NULL, municipality, id")]

    async def agreements(self) -> dict[str, str | None]:
        return {r["municipality"]: r["agreement"] for r in
                await self.db.fetchall("SELECT * FROM local_agreements ORDER BY municipality")}

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
        )

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
            row = await self.db.fetchone(
                f"SELECT COALESCE(MAX(id), 0) FROM versions WHERE entity IN ({marks})", entities)
        else:
            row = await self.db.fetchone("SELECT COALESCE(MAX(id), 0) FROM versions")
        return row[0]

    async def changes_since(self, version_id: int) -> list[tuple[str, str, int]]:
        """(entity, entity id, version id) of every version after `version_id`."""
        rows = await self.db.fetchall(
            "SELECT entity, entity_id, id FROM versions WHERE id > ? ORDER BY id", (version_id,))
        return [(r[0], r[1], r[2]) for r in rows]

    async def areas_of(self, role_id: str) -> list[str]:
        rows = await self.db.fetchall("SELECT municipality FROM role_areas WHERE role_id = ?",
                                      (role_id,))
        return [r[0] for r in rows]

    async def version(self, version_id: int) -> Version | None:
        r = await self.db.fetchone("SELECT * FROM versions WHERE id = ?", (version_id,))
        return _version(r) if r else None

    # ---- writes --------------------------------------------------------------------

    async def apply_bundle(self, bundle: Bundle, actor: str, action: str = "import") -> dict:
        """Write a validated bundle in one transaction; returns counts of what changed."""
        async with self.db.write() as conn:
            changed = await writes.apply_bundle(conn, bundle, actor, action, now_iso())
            await writes.bump_generation(conn)
        return changed

    async def save_role(self, role: Role, actor: str, action: str = "update") -> bool:
        """Save an edit. Verification is never changed by saving."""
        async with self.db.write() as conn:
            current = await _current_verification(conn, role.id)
            role = _with_verification(role, current)
            changed = await writes.put_role(conn, role, actor, action, now_iso(),
                                            keep_protected=not role.protected)
            await writes.bump_generation(conn)
        return changed

    async def save_path(self, path: Path, actor: str, action: str = "update") -> bool:
        async with self.db.write() as conn:
            changed = await writes.put_path(conn, path, actor, action, now_iso())
            await writes.bump_generation(conn)
        return changed

    async def verify_role(self, role_id: str, actor: str, day: dt.date | None = None) -> None:
        """Confirm an entry as correct today: recorded apart from modification."""
        day = day or dt.datetime.now(dt.UTC).date()
        async with self.db.write() as conn:
            await writes.verify_role(conn, role_id, actor, day, now_iso())
            await writes.bump_generation(conn)

    async def restore(self, version_id: int, actor: str) -> None:
        """Write an old document back as a new version (history is never rewritten)."""
        version = await self.version(version_id)
        if version is None:
            raise KeyError(version_id)
        async with self.db.write() as conn:
            await writes.restore(conn, version.entity, version.entity_id,
                                 version.after if version.after is not None else version.before,
                                 actor, now_iso())
            await writes.bump_generation(conn)

    async def add_terms(self, concept: str, lang: str, terms: list[str], actor: str) -> None:
        async with self.db.write() as conn:
            await writes.add_terms(conn, concept, lang, terms, actor, now_iso())
            await writes.bump_generation(conn)

    async def all_municipality_names(self) -> list[str]:
        return await self.municipalities()


def _version(r: Any) -> Version:
    return Version(r["id"], r["entity"], r["entity_id"], r["at"], r["actor"], r["action"],
                   json.loads(r["before"]) if r["before"] else None,
                   json.loads(r["after"]) if r["after"] else None)


async def _current_verification(conn, role_id: str):
    async with conn.execute("SELECT verified_at, verified_by FROM roles WHERE id = ?",
                            (role_id,)) as cur:
        row = await cur.fetchone()
    return row


def _with_verification(role: Role, row) -> Role:
    from dataclasses import replace

    from directory.model import Verification

    if row is None:
        return replace(role, verified=None)
    v = Verification(dt.date.fromisoformat(row[0]), row[1] or "") if row[0] else None
    return replace(role, verified=v)


__all__ = ["ALL", "Store", "Version"]
