"""The directory as one object: database, store, current snapshot and question matcher."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from directory.ask import Answer, ask
from directory.db import Database
from directory.model import Organisation, Role
from directory.refresh import DirectoryCache
from directory.rules import Issue, OrgScope, role_issues
from directory.snapshot import Directory
from directory.store import Refused, Store
from directory.store.checked import VERIFIED
from directory.store.people import People, Report
from directory.understand import Understander
from directory.understand import key as understand_key
from directory.understand.redact import redact

if TYPE_CHECKING:  # imported where used: a one-shot `kontaktvag ask` needs none of them
    from directory.coverage import Coverage
    from directory.yamlio import Problem

log = logging.getLogger(__name__)
DEMO_ACTOR = "demokatalogen"


def resolution_via(via: str) -> str:
    """What a report resolved by a verification says: "Bekräftad som korrekt via Stämmer"."""
    return f"{VERIFIED} via {via}"


class DirectoryService:
    def __init__(self, db: Database) -> None:
        self.db = db
        self.store = Store(db)
        self.people = People(db)
        self.cache = DirectoryCache(self.store)
        self._understander: Understander | None = None
        self._building: tuple[tuple[int, int, str | None, str | None],
                              asyncio.Task[Understander]] | None = None
        self._coverage: tuple[tuple[int, int, dt.date], Coverage] | None = None

    @classmethod
    async def open(cls, path: str | Path, demo_data: Path | None = None,
                   build_model: bool = True) -> DirectoryService:
        """Open (and migrate) the database; a new, empty one gets the demo directory (and,
        with `build_model`, its topic model at once; a server builds it beside itself)."""
        db = await Database.open(path)
        service = cls(db)
        try:
            if demo_data is not None and await service.store.is_empty():
                changed = await service.import_files(demo_data, DEMO_ACTOR, build_model)
                log.info("demokatalogen inläst: %s", changed)
        except BaseException:
            await db.close()  # an open connection's thread would keep the process alive
            raise
        return service

    async def import_files(self, root: Path, actor: str, build_model: bool = True,
                           warned: list[Problem] | None = None) -> dict[str, int]:
        """Import (all or nothing), then rebuild the topic model if what it learns from
        changed. Raises ImportFailed with every problem; warnings go to `warned`."""
        from directory.importer import import_path
        from directory.training import build

        changed = await import_path(root, self.store, actor, "import", warned=warned)
        if build_model:
            changed["model"] = int(await build(self) is not None)
        return changed

    async def model_is_current(self) -> bool:
        """Was the stored topic model built from today's examples and lexicon?"""
        from directory.training import current_digest

        d = await self.directory()
        return d.model is not None and d.model.digest == await current_digest(self)

    async def close(self) -> None:
        await self.people.settle()
        await self.cache.close()
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
        """The matcher for the current lexicon, aliases and model. A new one is built in a
        worker thread (it takes a tenth of a second at national size); meanwhile questions
        wait for it at most `DirectoryCache.RELOAD_WAIT` seconds, then use the one before."""
        d = await self.directory()
        key = understand_key(d)
        current = self._understander
        if current is not None and current.generation == key:
            return current
        building = self._building
        if building is None or building[0] != key:
            view = d.frozen_view()  # the thread must not see the snapshot change under it
            task = asyncio.get_running_loop().create_task(asyncio.to_thread(Understander, view))
            building = self._building = (key, task)
        task = building[1]
        if current is None:
            understander = await asyncio.shield(task)
        else:
            await asyncio.wait({task}, timeout=self.cache.RELOAD_WAIT)
            if not task.done() or task.cancelled() or task.exception() is not None:
                return current
            understander = task.result()
        if self._building is building:
            self._building, self._understander = None, understander
        return understander

    async def coverage(self, today: dt.date) -> Coverage:
        """The sweep of every topic and municipality over the week and the holidays
        (directory.coverage), made once per directory generation and day: an edit makes a
        new generation, so the page is never older than the directory."""
        from directory.coverage import sweep

        d = await self.directory()
        key = (id(d), d.generation, today)
        if self._coverage is None or self._coverage[0] != key:
            self._coverage = (key, sweep(d, today))
        return self._coverage[1]

    async def ask(self, question: str, at: dt.datetime, default_municipality: str | None = None,
                  topic: str | None = None, municipality: str | None = None,
                  record: bool = False, asker: str | None = None) -> Answer:
        """Answer a question; with `record`, keep it (redacted) when nothing fitted."""
        d = await self.directory()
        answer = ask(d, await self.understander(), question, at, default_municipality, topic,
                     municipality, asker)
        if record and answer.understanding.topic is None:
            self.people.record_unanswered_soon(answer.understanding.query)
        return answer

    # ---- free text from people: redacted here, the one door --------------------------

    @staticmethod
    def clean(text: str) -> tuple[str, bool]:
        """Free text from a person with personal identity numbers removed, and whether one
        was: what a front end shows back or keeps (questions are redacted by `ask`)."""
        return redact(text)

    async def report_entry(self, role_id: str, reason: str, note: str,
                           reporter: int | None) -> tuple[Report, bool]:
        """A report of a wrong entry, its note redacted: (the report, whether the note
        held an identity number)."""
        clean, had_number = redact(note.strip())
        return await self.people.add_report(role_id, reason, clean.strip(), reporter), had_number

    async def resolve_report(self, report_id: int, actor: str, note: str) -> None:
        """Resolve one report by hand, with the coordinator's note (redacted)."""
        resolution = redact(note[:2000])[0].strip()[:1000] or "Åtgärdad"
        await self.people.resolve_report(report_id, actor, resolution)

    # ---- edits of roles, checked by directory.rules inside the write transaction ------

    async def role_check(self) -> Callable[[Role, Role | None, OrgScope | None], list[Issue]]:
        """The rules for a role against the current municipalities and kinds."""
        d = await self.directory()
        municipalities, kinds = tuple(d.municipalities), frozenset(d.kinds)

        def check(role: Role, before: Role | None, scope: OrgScope | None) -> list[Issue]:
            return role_issues(role, scope, municipalities, kinds, before)

        return check

    async def patch_role(self, role_id: str, changes: dict[str, Any],
                         expected: int | set[int] | None, actor: str) -> tuple[bool, int]:
        """Merge `changes` onto the role's document and save it, all in one transaction:
        (changed, new version). Raises Conflict (stale `expected`), Refused, KeyError."""

        from directory.documents import Problems, parse_role, role_doc

        def make(before: Role, org: Organisation) -> Role:
            problems = Problems("begäran")
            role = parse_role(role_doc(before) | changes, org, problems)
            if problems or role is None:
                raise Refused([Issue("document", p.reason) for p in problems.items])
            return dataclasses.replace(role, protected=())  # protected fields stay as stored

        changed, version, _ = await self.store.edit_role(
            role_id, expected, make, await self.role_check(), actor)
        return changed, version

    async def save_role(self, role: Role, expected: int | None, actor: str,
                        verify_on: dt.date | None = None, via: str = "Verifierad idag"
                        ) -> tuple[bool, int, Role]:
        """Save a whole role from the form (protected fields as given, so emptied ones are
        cleared) and, with `verify_on`, confirm it as correct that day and resolve its open
        reports, all in the same transaction: (changed, new version, the role as it was).
        Raises Conflict, Refused, KeyError."""
        return await self.store.edit_role(role.id, expected, lambda before, org: role,
                                          await self.role_check(), actor,
                                          replace_protected=True, verify_on=verify_on,
                                          resolution=resolution_via(via))

    async def verify(self, role_id: str, actor: str, day: dt.date, via: str) -> int:
        """The one verification every channel uses (Telegram's "Stämmer", the web's
        "Verifierad idag", the API): confirm the entry as correct on `day` and resolve its
        open reports ("Bekräftad som korrekt via {via}") in one transaction, so there is
        never a verified entry with its reports still open, or the reverse. Returns how many
        reports were resolved; KeyError when there is no such role."""
        return await self.store.verify_role(role_id, actor, day, resolution_via(via))

    async def create_role(self, role: Role, actor: str) -> int:
        """A new role, checked; its first version. Raises Refused."""
        return await self.store.create_role(role, await self.role_check(), actor)
