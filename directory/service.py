"""The directory as one object: database, store, current snapshot and question matcher."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

from directory.ask import Answer, ask
from directory.coverage import Coverage, sweep
from directory.db import Database
from directory.importer import import_path
from directory.snapshot import Directory, DirectoryCache
from directory.store import Store
from directory.store.people import People
from directory.understand import Understander

log = logging.getLogger(__name__)
DEMO_ACTOR = "demokatalogen"


class DirectoryService:
    def __init__(self, db: Database) -> None:
        self.db = db
        self.store = Store(db)
        self.people = People(db)
        self.cache = DirectoryCache(self.store)
        self._understander: Understander | None = None
        self._coverage: tuple[tuple, Coverage] | None = None

    @classmethod
    async def open(cls, path: str | Path, demo_data: Path | None = None) -> DirectoryService:
        """Open (and migrate) the database; a new, empty one gets the demo directory."""
        db = await Database.open(path)
        service = cls(db)
        try:
            if demo_data is not None and await service.store.is_empty():
                changed = await import_path(demo_data, service.store, DEMO_ACTOR, "import")
                log.info("demokatalogen inläst: %s", changed)
        except BaseException:
            await db.close()  # an open connection's thread would keep the process alive
            raise
        return service

    async def close(self) -> None:
        await self.db.close()

    async def warm_up(self) -> None:
        """Build the snapshot and the matcher and load the holiday calendar now, so that the
        first question after a start is as fast as the rest."""
        from directory.hours import STOCKHOLM, closed_days

        await self.understander()
        year = dt.datetime.now(STOCKHOLM).year
        closed_days(year)
        closed_days(year + 1)  # the coverage sweep looks a year ahead

    async def directory(self) -> Directory:
        return await self.cache.get()

    async def understander(self) -> Understander:
        d = await self.directory()
        if self._understander is None or self._understander.generation != d.lexicon_version:
            self._understander = Understander(d)
        return self._understander

    async def coverage(self, today: dt.date) -> Coverage:
        """The sweep of every topic and municipality over the week and the holidays
        (directory.coverage), made once per directory generation and day: an edit makes a
        new generation, so the page is never older than the directory."""
        d = await self.directory()
        key = (id(d), d.generation, today)
        if self._coverage is None or self._coverage[0] != key:
            self._coverage = (key, sweep(d, today))
        return self._coverage[1]

    async def ask(self, question: str, at: dt.datetime, default_municipality: str | None = None,
                  topic: str | None = None, municipality: str | None = None,
                  record: bool = False) -> Answer:
        """Answer a question; with `record`, keep it (redacted) when nothing fitted."""
        d = await self.directory()
        answer = ask(d, await self.understander(), question, at, default_municipality, topic,
                     municipality)
        if record and answer.understanding.topic is None:
            await self.people.record_unanswered(answer.understanding.query)
        return answer
