"""Keeping the snapshot (directory.snapshot) up to date with the database.

A write is applied to the snapshot where it lands: a role in the few index lists it is in,
a path, the lexicon, the sources, an agreement or an organisation by reading that one thing
again. Only what cannot be applied so (the list of municipalities, a large import) loads the
whole directory again, in a worker thread with a connection of its own, while answers go on
from the snapshot they have; the new one is swapped in when it is ready.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import time
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any, TypeVar

from directory.db import Params
from directory.snapshot import Directory
from directory.store import Store
from directory.understand.model import TopicModel

log = logging.getLogger(__name__)

ROLE_ENTITIES = frozenset({"role", "verification", "protected"})
LEXICON_ENTITIES = ("lexicon", "synonym")
# Entities that change nothing in a snapshot (what the topic model learns from, org scopes).
UNSEEN = frozenset({"example", "examples", "scope"})
APPLIED = ROLE_ENTITIES | frozenset(LEXICON_ENTITIES) | UNSEEN | frozenset(
    {"path", "organisation", "sources", "agreement", "taxonomy"})
ROLE_BATCH = 2000  # more changed roles than this (an import): the whole directory again


async def load_directory(store: Store) -> Directory:
    generation = await store.generation()
    last_version = await store.last_version_id()
    paths = await store.paths()
    areas = await store.role_areas()
    return Directory(
        generation=generation,
        topics={t.slug: t for t in await store.topics()},
        kinds={k.slug: k for k in await store.kinds()},
        municipalities=tuple(await store.municipalities()),
        organisations={o.id: o for o in await store.organisations()},
        roles={r.id: r for r in await store.roles()},
        areas={k: frozenset(v) for k, v in areas.items()},
        regional_paths={p.topic: p for p in paths if p.municipality is None},
        local_paths={(p.topic, p.municipality): p for p in paths if p.municipality},
        lexicon=await store.lexicon(),
        model=await store.model(),
        last_version=last_version,
        lexicon_version=await store.last_version_id(LEXICON_ENTITIES),
        sources={s.id: s for s in await store.sources()},
        agreements=await store.agreements(),
    )


class _Reader:
    """The reads `Store` makes, on a plain read-only sqlite3 connection owned by one worker
    thread, all inside one read transaction: a consistent snapshot of the file."""

    def __init__(self, path: Path) -> None:
        self.conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        self.conn.row_factory = sqlite3.Row
        self.conn.execute("BEGIN")

    async def fetchall(self, sql: str, params: Params = ()) -> list[Any]:
        return self.conn.execute(sql, params).fetchall()

    async def fetchone(self, sql: str, params: Params = ()) -> Any:
        return self.conn.execute(sql, params).fetchone()

    async def scalar(self, sql: str, params: Params = ()) -> Any:
        row = self.conn.execute(sql, params).fetchone()
        if row is None:
            raise LookupError(f"no row from {sql!r}")
        return row[0]

    def close(self) -> None:
        self.conn.close()


def load_in_thread(path: Path) -> Directory:
    """The whole directory read from `path` and indexed, in the calling (worker) thread."""
    reader = _Reader(path)
    try:
        # The reader has the reads of Database that Store's reads use (and no writes).
        d = _run(load_directory(Store(reader)))  # type: ignore[arg-type]
    finally:
        reader.close()
    d.warm()
    return d


T = TypeVar("T")


def _run(coro: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine that never waits (the reader's reads return at once) without an
    event loop; a loop of its own per load would only add its start-up."""
    try:
        coro.send(None)
    except StopIteration as done:
        result: T = done.value  # StopIteration carries the coroutine's return value
        return result
    coro.close()
    raise RuntimeError("load_directory väntade på något: läsaren ska aldrig vänta")


class DirectoryCache:
    """Keeps one snapshot up to date and reads the database only when something was written.

    A write through this process is seen at the next question; one by another process (a
    CLI import while `serve` runs) within `OTHER_WRITERS_EVERY` seconds, so a question costs
    no query. While the whole directory loads again (rare: see the module), a question waits
    at most `RELOAD_WAIT` seconds for it and is then answered from the snapshot it had.
    """

    OTHER_WRITERS_EVERY = 1.0
    RELOAD_WAIT = 1.0

    def __init__(self, store: Store) -> None:
        self.store = store
        self._current: Directory | None = None
        self._seen: tuple[int, float] = (-1, 0.0)
        self._lock = asyncio.Lock()
        self._full: asyncio.Task[Directory] | None = None
        self.full_loads = 0  # for tests and the benchmarks
        self.role_batch = ROLE_BATCH
        self.loaded: Callable[[], None] | None = None  # after a whole new snapshot

    def _fresh(self) -> Directory | None:
        """The snapshot, when it needs no look at the database; else None."""
        if (self._current is not None and self._full is None
                and self.store.db.local_commits == self._seen[0]
                and time.monotonic() - self._seen[1] < self.OTHER_WRITERS_EVERY):
            return self._current
        return None

    async def get(self) -> Directory:
        if (fresh := self._fresh()) is not None:
            return fresh
        async with self._lock:  # one look at the database at a time
            if self._full is None:
                if (fresh := self._fresh()) is not None:
                    return fresh
                self._seen = (self.store.db.local_commits, time.monotonic())
                current = self._current
                if current is not None:
                    generation, changes = await self.store.generation_and_changes(
                        current.last_version)
                    if current.generation == generation or await self._apply(
                            current, generation, changes):
                        return current
                self._full = asyncio.get_running_loop().create_task(self._load())
        return await self._wait()

    def adopt(self, d: Directory, current: bool = True) -> None:
        """Answer from `d`, a snapshot read from the one-shot CLI's cache after checking its
        state. `current`: of the database as it is now, so it counts as just read; else of
        an earlier state of this database's history, so the next look applies what was
        written since, as to any snapshot kept while others write."""
        self._current = d
        self._seen = (self.store.db.local_commits, time.monotonic()) if current else (-1, 0.0)

    async def _load(self) -> Directory:
        try:
            d = await asyncio.to_thread(load_in_thread, self.store.db.path)
        except BaseException:
            self._full = None
            raise
        self._current, self._full = d, None
        self._seen = (-1, 0.0)  # look again: what was written meanwhile is applied then
        self.full_loads += 1
        if self.loaded is not None:
            self.loaded()
        return d

    async def _wait(self) -> Directory:
        task = self._full
        if task is None:
            # The load finished meanwhile: it sets the snapshot before it clears the task.
            assert self._current is not None
            return self._current
        if self._current is None:
            return await asyncio.shield(task)
        await asyncio.wait({task}, timeout=self.RELOAD_WAIT)
        if task.done() and not task.cancelled() and task.exception() is None:
            return task.result()
        return self._current

    async def close(self) -> None:
        """Let a load under way finish (its thread cannot be stopped) before the database
        closes."""
        task = self._full
        if task is not None:
            await asyncio.wait({task})

    async def _apply(self, d: Directory, generation: int,
                     changes: list[tuple[str, str, int]]) -> bool:
        """Apply the changes to the snapshot in place; False when only loading the whole
        directory again will do. Everything is read first and then applied without an
        await, so no answer sees half of it."""
        store = self.store
        entities = {entity for entity, _, _ in changes}
        if not entities <= APPLIED:
            return False
        of = {entity: list(dict.fromkeys(i for e, i, _ in changes if e == entity))
              for entity in entities}
        orgs = set(of.get("organisation", ()))
        role_ids = [i for e, i, _ in changes if e in ROLE_ENTITIES]  # in the order written
        if orgs:  # an organisation's municipalities are the area of its roles that name none
            role_ids += [r.id for r in d.roles.values() if r.org_id in orgs]
        role_ids = list(dict.fromkeys(role_ids))
        if len(role_ids) > self.role_batch:
            return False
        stamp = await store.model_stamp()  # a built model is stored without a version
        model = d.model
        model_changed = stamp != ((d.model.digest, d.model.built_at) if d.model else None)
        if not changes and not model_changed:
            return False  # the generation moved and nothing says why: read everything
        lexicon = None
        if entities & set(LEXICON_ENTITIES):
            lexicon = await store.lexicon()
            if lexicon.municipalities != d.municipalities:
                return False
        roles = await store.roles_with_areas(role_ids)
        paths = {}
        for entity_id in of.get("path", ()):
            topic, _, where = entity_id.partition("@")
            municipality = None if where == "regional" else where
            paths[(topic, municipality)] = await store.path(topic, municipality)
        organisations = {i: await store.organisation(i) for i in orgs}
        taxonomy = None
        if "taxonomy" in entities:
            taxonomy = (await store.topics(), await store.kinds())
        sources = await store.sources() if "sources" in entities else None
        agreements = await store.agreements() if "agreement" in entities else None
        if model_changed:
            body = await store.model_body()
            model = None if body is None else await asyncio.to_thread(TopicModel.from_bytes,
                                                                      body)
        # ---- from here on, no await: the snapshot changes in one go ----
        for role_id in role_ids:
            if role_id in roles:
                role, area = roles[role_id]
                d.update_role(role, frozenset(area))
        for (topic, municipality), path in paths.items():
            if municipality and path is None:
                d.local_paths.pop((topic, municipality), None)
            elif municipality and path is not None:
                d.local_paths[(topic, municipality)] = path
            elif path is None:
                d.regional_paths.pop(topic, None)
            else:
                d.regional_paths[topic] = path
        if any(org is not None for org in organisations.values()):
            changed_orgs = dict(d.organisations)  # replaced whole: a matcher being built reads it
            for org_id, org in organisations.items():
                if org is not None:
                    old = changed_orgs.get(org_id)
                    if old is None or old.name != org.name:
                        d.alias_version += 1  # its name may name its unit (unit_aliases)
                    changed_orgs[org_id] = org
            d.organisations = changed_orgs
        if taxonomy is not None:
            d.topics = {t.slug: t for t in taxonomy[0]}
            d.kinds = {k.slug: k for k in taxonomy[1]}
        if paths or taxonomy is not None:
            d.route_version += 1
            d.forget_conditions()
        if lexicon is not None:
            d.lexicon = lexicon
            d.forget_places()
            d.lexicon_version = max(v for e, _, v in changes if e in LEXICON_ENTITIES)
        if sources is not None:
            d.sources = {s.id: s for s in sources}
        if agreements is not None:
            d.agreements = agreements
        d.model = model
        d.generation = generation
        if changes:
            d.last_version = max(version_id for _, _, version_id in changes)
        return True
