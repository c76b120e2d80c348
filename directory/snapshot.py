"""An in-memory, read-only view of the directory with the indexes routing needs.

Questions are answered from a snapshot so that an answer costs dictionary lookups, not
queries; `directory.refresh` keeps it up to date when the store's generation counter moves.
"""

from __future__ import annotations

import bisect
import copy
import datetime as dt
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from directory.hours import STOCKHOLM, Schedule
from directory.model import (
    Agreement,
    ContactPath,
    Kind,
    LegalSource,
    Lexicon,
    Organisation,
    Person,
    Role,
    Topic,
    condition_parts,
)
from directory.understand.model import TopicModel
from directory.understand.places import PlaceFinder
from directory.vocabulary import Status


@dataclass
class Directory:
    generation: int
    topics: dict[str, Topic]
    kinds: dict[str, Kind]
    municipalities: tuple[str, ...]
    organisations: dict[str, Organisation]
    roles: dict[str, Role]
    areas: dict[str, frozenset[str]]
    regional_paths: dict[str, ContactPath]
    local_paths: dict[tuple[str, str], ContactPath]
    lexicon: Lexicon
    model: TopicModel | None = None  # the topic model learnt from the examples
    last_version: int = 0  # the newest version row this snapshot reflects
    lexicon_version: int = 0  # the newest lexicon change: the matcher is rebuilt only then
    by_kind_area: dict[tuple[str, str], list[Role]] = field(default_factory=dict)
    everywhere: dict[str, list[Role]] = field(default_factory=dict)
    kinds_in_use: set[str] = field(default_factory=set)
    alias_version: int = 0  # moves when a role's aliases change: the matcher is rebuilt
    sources: dict[str, LegalSource] = field(default_factory=dict)
    agreements: dict[str | None, Agreement] = field(default_factory=dict)  # None: regional
    # Moves with every change that can change which roles a route holds or in what order
    # (not with a new phone number or instruction): what routing facts are remembered by.
    route_version: int = 0
    _places: PlaceFinder | None = field(default=None, repr=False)
    _conditions: frozenset[str] | None = field(default=None, repr=False)
    # Derived on demand and dropped by the edits that change them (never copied by
    # dataclasses.replace): (kind, municipality) -> roles nearest first; the same as
    # "briefs" per person (below); each role's opening key; open keys per minute.
    _nearest: dict[tuple[str, str], list[Role]] = field(init=False, repr=False)
    _one_gender: dict[str, str | None] = field(init=False, repr=False)  # kind -> one_gender
    _briefs: dict[tuple[str, str], dict[tuple[str | None, str | None] | None,
                                        tuple[tuple[int, Role], ...]]] = field(
        init=False, repr=False)
    _open_keys: dict[str, int] = field(init=False, repr=False)
    _schedules: dict[Schedule, int] = field(init=False, repr=False)
    _schedule_list: list[Schedule] = field(init=False, repr=False)
    _moments: dict[dt.datetime, OpenAt] = field(init=False, repr=False)
    remembered: dict[tuple[Any, ...], bool] = field(init=False, repr=False)  # ask's facts
    _order: dict[str, int] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.forget_derived()
        # Each role's place in load order: an edited role keeps its place in the index
        # lists (a fresh load and a running server list a kind's roles alike).
        self._order = {role_id: i for i, role_id in enumerate(self.roles)}
        for role in self.roles.values():
            self._index(role)

    def warm(self) -> None:
        """Derive now what answers would otherwise derive on the way (a load in a worker
        thread calls this, so that the first questions find it done)."""
        for role in self.roles.values():
            self.open_key(role)
        for kind, municipality in self.by_kind_area:
            self.nearest(kind, municipality)
        self.step_conditions  # noqa: B018 - derived and kept

    def forget_derived(self) -> None:
        """Drop what is derived on demand (a copy whose indexes will change starts so)."""
        self._nearest, self._briefs, self._open_keys, self._one_gender = {}, {}, {}, {}
        self._schedules, self._schedule_list, self._moments = {}, [], {}
        self.remembered = {}

    def _index(self, role: Role, in_place: bool = False) -> None:
        if role.status == Status.INACTIVE:
            return
        self.kinds_in_use.add(role.kind)
        area = self.areas.get(role.id, frozenset())
        lists = [self.by_kind_area.setdefault((role.kind, m), []) for m in area]
        if self.municipalities and area >= frozenset(self.municipalities):
            lists.append(self.everywhere.setdefault(role.kind, []))
        for lst in lists:
            if in_place:  # by load order, as a fresh load would have it
                order = self._order
                lst.insert(bisect.bisect_left(lst, order[role.id], key=lambda r: order[r.id]),
                           role)
            else:
                lst.append(role)

    def update_role(self, role: Role, area: frozenset[str]) -> None:
        """Swap one role in place (an edit or a verification), keeping index order."""
        old = self.roles.get(role.id)
        def named(r: Role | None) -> tuple[object, ...]:
            return (r.aliases, _head(r.name), r.org_id) if r is not None and \
                r.status != Status.INACTIVE else ()

        if named(old) != named(role):
            self.alias_version += 1
        if old is None or _routed(old) != _routed(role) or self.areas.get(role.id) != area:
            self.route_version += 1
        if old is not None:  # only the lists the role is in: its kind, in its area
            old_area = self.areas.get(role.id, frozenset())
            for lst in [self.by_kind_area.get((old.kind, m)) for m in old_area] + [
                    self.everywhere.get(old.kind)]:
                if lst is None:
                    continue
                for i, r in enumerate(lst):
                    if r.id == role.id:
                        del lst[i]
                        break
            self._forget(old.kind, old_area)
        self._forget(role.kind, area)
        self._open_keys.pop(role.id, None)
        self.roles[role.id] = role
        self.areas[role.id] = area
        self._order.setdefault(role.id, len(self._order))
        self._index(role, in_place=True)

    def _forget(self, kind: str, area: frozenset[str]) -> None:
        self._one_gender.pop(kind, None)
        for m in area:
            self._nearest.pop((kind, m), None)
            self._briefs.pop((kind, m), None)

    def nearest(self, kind: str, municipality: str) -> list[Role]:
        """The active roles of a kind serving a municipality, the nearest (the fewest
        municipalities served) first; equal ones in index order."""
        key = (kind, municipality)
        found = self._nearest.get(key)
        if found is None:
            areas = self.areas
            found = self._nearest[key] = sorted(self.by_kind_area.get(key, ()),
                                                key=lambda r: len(areas.get(r.id, ())))
        return found

    def across(self, kind: str) -> Iterator[Role]:
        """The active roles of a kind serving any municipality, each once, in the order of
        the municipalities ("tjejjour i Dalarna" where the region has no unit of its own);
        lazily, so that taking the first few costs a few lookups however many there are."""
        seen: set[str] = set()
        for m in self.municipalities:
            for r in self.nearest(kind, m):
                if r.id not in seen:
                    seen.add(r.id)
                    yield r

    def one_gender(self, kind: str, role_id: str | None = None) -> str | None:
        """The one gender a role, or every active role of a kind, serves (a tjejjour, a
        women's shelter), else None. A kind's answer is kept until one of its roles changes."""
        if role_id is not None:
            role = self.roles.get(role_id)
            return role.genders[0] if role is not None and len(role.genders) == 1 else None
        if kind not in self._one_gender:
            self._one_gender[kind] = self._gender_of_kind(kind)
        return self._one_gender[kind]

    def _of_kind(self, kind: str) -> Iterator[Role]:
        """The active roles of a kind, municipality by municipality as the index holds them
        (unsorted; a role serving several comes again): for questions that stop early."""
        for m in self.municipalities:
            yield from self.by_kind_area.get((kind, m), ())

    def _gender_of_kind(self, kind: str) -> str | None:
        one: tuple[str, ...] | None = None
        for r in self._of_kind(kind):
            genders = tuple(sorted(r.genders))
            if one is None:
                one = genders
            elif genders != one:
                return None  # stops at the first role that serves otherwise
        return one[0] if one is not None and len(one) == 1 else None

    def has_few(self, kind: str, most: int) -> bool:
        """Does the region have at least one and at most `most` roles of a kind? Stops as
        soon as it has seen more: a few lookups however many roles a kind has."""
        seen: set[str] = set()
        for r in self._of_kind(kind):
            seen.add(r.id)
            if len(seen) > most:
                return False
        return bool(seen)

    def brief(self, kind: str, municipality: str, person: Person | None,
              is_open: OpenAt) -> list[Role]:
        """Of `nearest(...)` for the person, only the first role and the first open one:
        all that the first step of a route can depend on. The roles are kept once per
        opening key (the first role with each), so that this costs a few lookups however
        many roles a municipality has."""
        per = self._briefs.setdefault((kind, municipality), {})
        who = (person.group, person.gender) if person is not None else None
        entries = per.get(who)
        if entries is None:
            keys: set[int] = set()
            found = []
            for r in self.nearest(kind, municipality):
                if person is not None and not r.serves_person(person):
                    continue
                k = self.open_key(r)
                if k not in keys:
                    keys.add(k)
                    found.append((k, r))
            entries = per[who] = tuple(found)
        if not entries:
            return []
        first = entries[0][1]
        for k, r in entries:
            if is_open.key(k):
                return [first] if r is first else [first, r]
        return [first]

    def open_key(self, role: Role) -> int:
        """Roles open at the same moments share a key: -1 for a temporarily closed role,
        else one per distinct schedule."""
        k = self._open_keys.get(role.id)
        if k is None:
            if role.status == Status.TEMPORARILY_CLOSED:
                k = -1
            else:
                k = self._schedules.get(role.schedule)
                if k is None:
                    k = self._schedules[role.schedule] = len(self._schedule_list)
                    self._schedule_list.append(role.schedule)
            self._open_keys[role.id] = k
        return k

    def open_at(self, at: dt.datetime) -> OpenAt:
        """Whether roles are open at `at`, remembered per schedule for that minute (hours
        are minute-grained)."""
        minute = at.astimezone(STOCKHOLM).replace(second=0, microsecond=0)
        found = self._moments.get(minute)
        if found is None:
            if len(self._moments) >= 64:
                self._moments.clear()
            found = self._moments[minute] = OpenAt(self, minute)
        return found

    def frozen_view(self) -> Directory:
        """A shallow copy whose role table does not change while a worker thread reads it
        (edits replace the other tables whole, never change them in place)."""
        view = copy.copy(self)
        view.roles = dict(self.roles)
        view._places = None
        return view

    def forget_conditions(self) -> None:
        """After a path changed."""
        self._conditions = None

    def forget_places(self) -> None:
        """After the lexicon changed."""
        self._places = None

    @property
    def step_conditions(self) -> frozenset[str]:
        """Every name used in a path step's "for:" (what a question's concepts can change)."""
        if self._conditions is None:
            paths = list(self.regional_paths.values()) + list(self.local_paths.values())
            self._conditions = frozenset(part for p in paths for s in p.steps
                                         for t in s.only_for for part in condition_parts(t))
        return self._conditions

    def unit_aliases(self) -> dict[str, tuple[str, ...]]:
        """Role id -> the names staff use for that unit, for active roles: its aliases (data),
        and, where they name this one unit alone, the role's name before " – " ("Kvinnojouren
        Siljan", "BUP Mora") and its organisation's name when the organisation has one role."""
        inactive = Status.INACTIVE.value
        active = [(r, _head(r.name)) for r in self.roles.values() if r.status != inactive]
        heads = Counter(head for _, head in active)
        per_org = Counter(r.org_id for r, _ in active)
        out: dict[str, tuple[str, ...]] = {}
        for r, head in active:
            names = list(r.aliases)
            if heads[head] == 1 and " " in head:
                names.append(head)
            if per_org[r.org_id] == 1:
                org = self.organisations.get(r.org_id)
                if org is not None and " " in org.name:
                    names.append(_head(org.name))
            if names:
                out[r.id] = tuple(dict.fromkeys(n.casefold() for n in names))
        return out

    def places(self) -> PlaceFinder:
        """The municipality finder for this lexicon, built once per snapshot."""
        if self._places is None:
            self._places = PlaceFinder(self.lexicon)
        return self._places

    def path_for(self, topic: str, municipality: str | None) -> ContactPath | None:
        if municipality is not None:
            local = self.local_paths.get((topic, municipality))
            if local is not None:
                return local
        return self.regional_paths.get(topic)

    def is_demo(self, role: Role) -> bool:
        org = self.organisations.get(role.org_id)
        return bool(org and org.demo)


def _head(name: str) -> str:
    """"Kvinnojouren Siljan – stödtelefon" -> "Kvinnojouren Siljan"; "Kvinnofridslinjen
    (Nationellt centrum för kvinnofrid)" -> "Kvinnofridslinjen"."""
    return name.split(" – ")[0].split(" (")[0].strip()


def _routed(role: Role) -> tuple[str, str, Schedule, tuple[str, ...], tuple[str, ...]]:
    """What of a role routing reads (besides its area)."""
    return (role.kind, role.status, role.schedule, role.groups, role.genders)


class OpenAt:
    """`is_open(role)` at one minute: routing.open_state's "open now", remembered per
    opening key."""

    __slots__ = ("_d", "_memo", "at")

    def __init__(self, d: Directory, at: dt.datetime) -> None:
        self._d, self.at, self._memo = d, at, {-1: False}

    def __call__(self, role: Role) -> bool:
        return self.key(self._d.open_key(role))

    def key(self, k: int) -> bool:
        found = self._memo.get(k)
        if found is None:
            found = self._memo[k] = self._d._schedule_list[k].is_open(self.at)
        return found
