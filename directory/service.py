"""The directory as one object: database, store, current snapshot and question matcher."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from directory.ask import Answer, RememberedAnswers
from directory.db import Database
from directory.documents import FieldError, Problems, parse_role, parse_steps, role_doc
from directory.guidance import Guidance, guide, known_asker
from directory.legal import with_citation
from directory.model import ContactPath, Example, Kind, Organisation, Role, Step
from directory.refresh import DirectoryCache
from directory.routing import ANSWER_CAP, Route, RouteStep, build_step, open_state, route
from directory.rules import Issue, OrgScope, default_scope, role_issues, summary
from directory.service_people import PeopleDoor
from directory.snapshot import Directory
from directory.store import Conflict, Refused, Store, Version
from directory.store.checked import VERIFIED
from directory.store.people import AuditRow, NameTaken, People
from directory.store.reports import Report, Reports
from directory.store.tokens import Tokens
from directory.store.writes import path_entity_id
from directory.understand import KIND_PREFIX, Understander
from directory.understand import key as understand_key
from directory.understand.redact import redact

if TYPE_CHECKING:  # imported where used: a one-shot `kontaktvag ask` needs none of them
    from directory.coverage import Coverage
    from directory.yamlio import Problem

# The door's own types, for the front ends: what its reads return (the snapshot, a route's
# steps, versions, reports, audit rows, a form's field errors, the rules' issues and an
# organisation's scope) and what its writes raise (Conflict, Refused, NameTaken).
__all__ = [
    "DEMO_ACTOR", "AuditRow", "Conflict", "Directory", "DirectoryService", "FieldError",
    "Issue", "NameTaken", "OrgScope", "Refused", "Report", "Route", "RouteStep", "Version",
    "resolution_via",
]

log = logging.getLogger(__name__)
DEMO_ACTOR = "demokatalogen"


def resolution_via(via: str) -> str:
    """What a report resolved by a verification says: "Bekräftad som korrekt via Stämmer"."""
    return f"{VERIFIED} via {via}"


class DirectoryService(PeopleDoor):
    """The one door of the front ends: asks, reads and writes of the directory here, and
    of accounts, sessions, invites, reports and tokens in PeopleDoor (service_people.py).
    Its `db`, `store`, `people`, `reports` and `tokens` are its own (and the command line's)."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.store = Store(db)
        self.people = People(db)
        self.reports = Reports(db)
        self.tokens = Tokens(db, self.people)
        self.cache = DirectoryCache(self.store)
        self._understander: Understander | None = None
        self._building: tuple[tuple[int, int, str | None, str | None],
                              asyncio.Task[Understander]] | None = None
        self._coverage: tuple[tuple[int, int, dt.date], Coverage] | None = None
        self.answers = RememberedAnswers()  # the same question again this minute
        # Called when a new matcher or a whole new snapshot has replaced the old one: a
        # server freezes them out of the garbage collector's scans (bot/server.py).
        self.settled: Callable[[], None] | None = None
        self.cache.loaded = lambda: self.settled() if self.settled is not None else None

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
        await self.reports.settle()
        await self.cache.close()
        await self.db.close()

    async def database_answers(self) -> bool:
        """Does the database answer a trivial query? (the server's health check)"""
        return await self.db.fetchone("SELECT 1") is not None

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

    async def adopt(self, d: Directory, understander: Understander, current: bool = True
                    ) -> None:
        """Start from a snapshot and its matcher made earlier (the one-shot CLI keeps them
        between runs: bot/snapshot_cache.py). `current`: for the database as it is now;
        else for an earlier state of its history: what was written since is applied to the
        snapshot, and the matcher is kept only when what it is built from is unchanged."""
        self.cache.adopt(d, current)
        if not current:
            d = await self.directory()
        if understand_key(d) == understander.generation:
            self._understander = understander

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
            # Only units' names changed (an alias, a renamed role): the one before answers
            # until the new one is built; a lexicon or a model change is waited for.
            names_only = (current.generation[0], *current.generation[2:]) == (key[0], *key[2:])
            await asyncio.wait({task}, timeout=0 if names_only else self.cache.RELOAD_WAIT)
            if not task.done() or task.cancelled() or task.exception() is not None:
                return current
            understander = task.result()
        if self._building is building:
            self._building, self._understander = None, understander
            if self.settled is not None:
                self.settled()
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
        answer = self.answers.answer(d, await self.understander(), question, at,
                                     default_municipality, topic, municipality, asker)
        if record and answer.understanding.topic is None and not answer.route:
            self.reports.record_unanswered_soon(answer.understanding.query)
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
        return await self.reports.add_report(role_id, reason, clean.strip(), reporter), had_number

    async def resolve_report(self, report_id: int, actor: str, note: str) -> None:
        """Resolve one report by hand, with the coordinator's note (redacted)."""
        resolution = redact(note[:2000])[0].strip()[:1000] or "Åtgärdad"
        await self.reports.resolve_report(report_id, actor, resolution)

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

    async def scope(self, org: Organisation, roles: list[Role] | None = None) -> OrgScope:
        """Where an organisation's roles may serve and what they may be: as an admin set it,
        else what it evidently does (its area and its roles'; pass them if already read)."""
        stored = await self.store.scope(org.id)
        if stored is not None:
            return stored
        return default_scope(org, roles if roles is not None else await self.store.roles(org.id))

    async def stored_scope(self, org_id: str) -> OrgScope | None:
        """The scope an admin set for an organisation, or None (see `scope` for the one
        in force)."""
        return await self.store.scope(org_id)

    async def set_scope(self, scope: OrgScope, actor: str) -> bool:
        """Set an organisation's scope, versioned; whether it changed."""
        return await self.store.set_scope(scope, actor)

    async def save_path(self, path: ContactPath, actor: str) -> bool:
        """Save a municipality's local path for a topic, versioned; whether it changed."""
        return await self.store.save_path(path, actor)

    async def restore(self, version_id: int, actor: str) -> None:
        """Write an old version's document back as a new version (history stays)."""
        await self.store.restore(version_id, actor)

    async def add_terms(self, concept: str, lang: str, terms: list[str], actor: str) -> None:
        """Add words to a lexicon concept, versioned (the matcher is rebuilt)."""
        await self.store.add_terms(concept, lang, terms, actor)

    async def add_example(self, example: Example, actor: str) -> bool:
        """Keep a labelled question for the next build of the topic model."""
        return await self.store.add_example(example, actor)

    # ---- reads for the pages, the chat cards and the API ------------------------------

    @staticmethod
    def step(d: Directory, role: Role, why: str, at: dt.datetime,
             sources: tuple[str, ...] = (), more: int = 0) -> RouteStep:
        """A role as a step of a route at `at` (open now, next opening, the contacts staff
        may give, freshness, notice): what a card or a directory page shows of it."""
        return build_step(d, role, why, at, sources, more)

    @staticmethod
    def open_state(role: Role, at: dt.datetime
                   ) -> tuple[bool, dt.datetime | None, dt.datetime | None]:
        """(open now, next opening, closing time) of a role at `at`, closures honoured."""
        return open_state(role, at)

    async def municipality_steps(self, municipality: str, at: dt.datetime
                                 ) -> list[tuple[Kind, list[RouteStep]]]:
        """The directory of one municipality: per function, its active roles as steps."""
        d = await self.directory()
        out = []
        for kind in d.kinds.values():
            roles = d.by_kind_area.get((kind.slug, municipality), [])
            if roles:
                out.append((kind, [build_step(d, r, "", at) for r in roles]))
        return out

    async def topic_route(self, topic: str, municipality: str | None, at: dt.datetime,
                          everything: bool = False) -> tuple[Route, Guidance]:
        """A topic's route in a municipality as an answer lists it (or, with `everything`,
        every role), and its guidance: the directory page of a topic."""
        d = await self.directory()
        r = route(d, topic, municipality, at, cap=None if everything else ANSWER_CAP)
        g = guide(d, topic, municipality, r.local, [s.sources + s.role.sources for s in r.steps])
        return r, g

    @staticmethod
    def with_citation(d: Directory, text: str, ids: tuple[str, ...]) -> str:
        """The text followed by its legal sources in brackets, as staff read it."""
        return with_citation(text, ids, d.sources)

    @staticmethod
    def asker(value: str | None) -> str | None:
        """An asker key (vard, socialtjanst, myndighet) or None; ValueError for others."""
        return known_asker(value)

    @staticmethod
    def role_document(role: Role, with_protected: bool = False) -> dict[str, Any]:
        """The canonical document of a role (docs/data-format.md), as the API shows it."""
        return role_doc(role, with_protected)

    @staticmethod
    def issues_text(issues: list[Issue]) -> str:
        """The rules' issues as one Swedish sentence list, for the API."""
        return summary(issues)

    @staticmethod
    def read_role_document(doc: dict[str, Any], org: Organisation, d: Directory,
                           scope: OrgScope | None, before: Role | None
                           ) -> tuple[Role | None, list[FieldError], list[Issue]]:
        """A role document typed into a form, read by the importer's own parser and checked
        by the rules the writes check: (the role or None, its field errors, the rules'
        issues against the scope and the role as stored)."""
        problems = Problems("formulär", root=doc)
        role = parse_role(doc, org, problems)
        issues = [] if role is None else role_issues(
            role, scope, d.municipalities, frozenset(d.kinds), before)
        return role, problems.errors, issues

    @staticmethod
    def read_path_steps(raw: list[dict[str, Any]]) -> tuple[tuple[Step, ...], list[str]]:
        """A path's steps typed into a form, read by the importer's parser: (the steps, the
        reasons of its problems)."""
        problems = Problems("formulär")
        steps = parse_steps(raw, problems)
        return steps, [p.reason for p in problems.items]

    async def gaps_opened_by_role(self, role: Role, today: dt.date) -> list[str]:
        """The gaps in coverage that saving `role` would open, as sentences, worst first."""
        from directory.coverage import gaps_opened_by_role, sentences

        return sentences(gaps_opened_by_role(await self.directory(), role, today))

    async def gaps_opened_by_path(self, path: ContactPath, today: dt.date) -> list[str]:
        """The gaps in coverage that saving a local path would open, as sentences."""
        from directory.coverage import gaps_opened_by_path, sentences

        return sentences(gaps_opened_by_path(await self.directory(), path, today))

    async def role(self, role_id: str, with_protected: bool = False) -> Role | None:
        """One role as stored now (with its protected fields if asked), or None: fresher
        than the snapshot, for edits and their conflicts."""
        return await self.store.role(role_id, with_protected)

    async def roles(self, org_id: str) -> list[Role]:
        """An organisation's roles as stored now."""
        return await self.store.roles(org_id)

    async def organisation(self, org_id: str) -> Organisation | None:
        """One organisation as stored now, or None."""
        return await self.store.organisation(org_id)

    async def organisations(self) -> list[Organisation]:
        """Every organisation as stored now, in load order."""
        return await self.store.organisations()

    async def role_version(self, role_id: str) -> int:
        """The newest version id of a role or its protected fields (its ETag)."""
        return await self.store.role_version(role_id)

    async def versions(self, entity: str | None = None, entity_id: str | None = None,
                       limit: int = 200) -> list[Version]:
        """The version history, newest first, of one entity, one kind of entity or all."""
        return await self.store.versions(entity, entity_id, limit)

    async def version(self, version_id: int) -> Version | None:
        """One version of the history, or None."""
        return await self.store.version(version_id)

    async def path_versions(self, topic: str, municipality: str) -> list[Version]:
        """The history of a municipality's local path for a topic."""
        return await self.store.versions("path", path_entity_id(topic, municipality))

    async def verification_dates(self) -> dict[str, list[dt.date]]:
        """Every day each role is known to have been verified, from the version history."""
        d = await self.directory()
        dates: dict[str, set[dt.date]] = {r: set() for r in d.roles}
        for entity in ("verification", "role"):
            for v in await self.store.versions(entity, limit=1_000_000):
                for doc in (v.before, v.after):
                    at = (doc or {}).get("at") if entity == "verification" else (
                        (doc or {}).get("verified") or {}).get("at")
                    if at and v.entity_id in dates:
                        try:
                            dates[v.entity_id].add(dt.date.fromisoformat(str(at)[:10]))
                        except ValueError:
                            continue
        for role in d.roles.values():
            if role.verified:
                dates[role.id].add(role.verified.at)
        return {k: sorted(v) for k, v in dates.items()}

    async def synonym_targets(self) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
        """What a new word can mean, as (value, Swedish label): the functions (a unit's other
        name, e.g. "BUP", joins the concept kind-<slug> that names the function) and the
        other concepts of the lexicon, each shown by its first Swedish words - never by its
        code."""
        d = await self.directory()
        units = [(f"{KIND_PREFIX}{k.slug}", k.label) for k in d.kinds.values()]
        words = []
        for concept, langs in d.lexicon.concepts.items():
            if concept.startswith(KIND_PREFIX):
                continue
            distinct: list[str] = []  # "mamma, pappa, fadern, förälder", not "mamma, mamman"
            for term in langs.get("sv") or langs.get("en") or (concept,):
                if not any(term.startswith(t[:5]) or t.startswith(term[:5]) for t in distinct):
                    distinct.append(term)
                if len(distinct) == 5:
                    break
            label = ", ".join(distinct)
            words.append((concept, label[:1].upper() + label[1:]))
        return units, sorted(words, key=lambda w: w[1].casefold())

    @staticmethod
    def names_unit(concept: str) -> bool:
        """Does this lexicon concept name a function (kind-<slug>), not a word?"""
        return concept.startswith(KIND_PREFIX)
