"""Coverage over time: for every topic in every municipality, is there a way to reach
someone at every moment - in an ordinary week, on holidays and on the days before them?

The week is swept every 15 minutes with the core's own routing (`routing.route`), so a gap
here is exactly a moment at which an answer would have no open step. To keep that cheap
enough for a page, route() is called once per distinct *state* of a municipality: the
open/closed bits of the roles that can appear in its routes. The bits change only where an
opening hour starts or ends, so a day has a handful of states and a week a few dozen.

A gap is reported as a Swedish sentence: "Fredag 15:00–16:00: ingen öppen väg för oro för
att ett barn far illa (orosanmälan) i Mora". Urgent topics need an open step at every
moment; for the others a step that opens later is a way (nothing at all is a gap).
"""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass, field

from directory.freshness import freshness
from directory.hours import STOCKHOLM, closed_days
from directory.labels import WEEKDAYS_SV
from directory.model import ALL, ContactPath, Role
from directory.routing import route
from directory.snapshot import Directory
from directory.vocabulary import Status

SLOT_MINUTES = 15
SLOTS = 24 * 60 // SLOT_MINUTES
HORIZON_DAYS = 366  # holidays, the days before them and dated exceptions this far ahead
NO_OPEN = "no-open"  # urgent topic: no step open
NO_WAY = "no-way"  # any topic: no step at all (nor one that opens later)
ONLY_STALE = "only-stale"  # the steps there are rest only on entries past their review
PROBLEM_SV = {NO_OPEN: "ingen öppen väg", NO_WAY: "ingen väg",
              ONLY_STALE: "bara inaktuella uppgifter"}


@dataclass(frozen=True)
class SweepDay:
    """One day of the sweep: a typical weekday, a holiday, the day before one, or a date
    with an exception in someone's hours."""

    date: dt.date
    label: str
    kind: str  # week | holiday | before-holiday | exception


@dataclass(frozen=True)
class Gap:
    topic: str
    topic_label: str
    municipality: str
    day: SweepDay
    start: int  # minutes from midnight
    end: int  # exclusive; 1440 is midnight
    problem: str  # NO_OPEN | NO_WAY | ONLY_STALE

    @property
    def when(self) -> str:
        if self.start == 0 and self.end == 24 * 60:
            return f"{self.day.label} hela dygnet"
        return f"{self.day.label} {_clock(self.start)}–{_clock(self.end)}"

    @property
    def sentence(self) -> str:
        """'Fredag 15:00–16:00: ingen öppen väg för orosanmälan i Mora'."""
        return self.sentence_for(self.when)

    def sentence_for(self, when: str) -> str:
        return (f"{when}: {PROBLEM_SV[self.problem]} för {_lower_first(self.topic_label)}"
                f" i {self.municipality}")


@dataclass
class Coverage:
    today: dt.date
    days: list[SweepDay]
    cells: dict[tuple[str, str], list[Gap]] = field(default_factory=dict)

    def gaps(self, topic: str, municipality: str) -> list[Gap]:
        return self.cells.get((topic, municipality), [])

    def state(self, topic: str, municipality: str) -> str:
        """ok | stale (somewhere only stale entries) | missing (a moment without a way)."""
        problems = {g.problem for g in self.gaps(topic, municipality)}
        if problems - {ONLY_STALE}:
            return "missing"
        return "stale" if problems else "ok"

    def all_gaps(self) -> list[Gap]:
        return [g for gaps in self.cells.values() for g in gaps]

    def sentences(self, topic: str, municipality: str) -> list[str]:
        """The cell's gaps as sentences, worst first (`sentences`)."""
        return sentences(self.gaps(topic, municipality))


def sentences(gaps: list[Gap]) -> list[str]:
    """The gaps as sentences, worst first; weekdays with the same gap share one sentence
    ("Måndag–fredag 08:00–16:30: …", "Tisdag, torsdag 12:00–13:00: …")."""
    week: dict[tuple[str, str, int, int, str], list[Gap]] = {}
    for g in gaps:
        if g.day.kind == "week":
            week.setdefault((g.topic, g.municipality, g.start, g.end, g.problem), []).append(g)
    out: list[tuple[tuple[int, int, dt.date], str]] = []
    for group in week.values():
        numbers = sorted(WEEKDAYS_SV.index(g.day.label) for g in group)
        first = group[0]
        when = first.when.replace(first.day.label, _days_label(numbers), 1)
        out.append(((_rank(first), 0, dt.date.min), first.sentence_for(when)))
    out += [((_rank(g), 1, g.day.date), g.sentence) for g in gaps if g.day.kind != "week"]
    return [text for _, text in sorted(out, key=lambda x: x[0])]


def _rank(gap: Gap) -> int:
    return 0 if gap.problem != ONLY_STALE else 1


def _days_label(numbers: list[int]) -> str:
    """[0, 1, 2, 3, 4] -> 'Måndag–fredag'; [1, 3] -> 'Tisdag, torsdag'."""
    runs: list[list[int]] = []
    for n in numbers:
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    parts = [WEEKDAYS_SV[r[0]] if len(r) == 1 else
             f"{WEEKDAYS_SV[r[0]]}–{WEEKDAYS_SV[r[-1]].lower()}" if len(r) > 2 else
             f"{WEEKDAYS_SV[r[0]]}, {WEEKDAYS_SV[r[1]].lower()}" for r in runs]
    text = ", ".join(parts)
    return text[0] + text[1:].lower()


def _clock(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def _lower_first(label: str) -> str:
    """'Oro för att …' -> 'oro för att …' inside a sentence (not 'BUP' or 'Sveriges …')."""
    if len(label) > 1 and label[1].islower() and not label.startswith("Sveriges"):
        return label[0].lower() + label[1:]
    return label


def _short_date(day: dt.date) -> str:
    return f"{day.day}/{day.month}"


def sweep_days(d: Directory, today: dt.date) -> list[SweepDay]:
    """A typical week (the next date of each weekday that is neither a holiday, the day
    before one, nor a date with an exception), then every holiday and the day before it,
    and every date with an exception, in the coming year."""
    end = today + dt.timedelta(days=HORIZON_DAYS)
    closed: dict[dt.date, str] = {}
    for year in range(today.year, end.year + 1):
        closed.update({k: v for k, v in closed_days(year).items() if today <= k <= end})
    exceptions = {ex.date for r in d.roles.values() if r.status != Status.INACTIVE
                  for ex in r.schedule.exceptions if today <= ex.date <= end}

    def ordinary(day: dt.date) -> bool:
        return (day not in closed and day + dt.timedelta(days=1) not in closed
                and day not in exceptions)

    days: list[SweepDay] = []
    for weekday in range(7):
        first = today + dt.timedelta(days=(weekday - today.weekday()) % 7 or 7)
        day = first
        while not ordinary(day) and day < first + dt.timedelta(weeks=8):
            day += dt.timedelta(weeks=1)
        days.append(SweepDay(day if ordinary(day) else first, WEEKDAYS_SV[weekday], "week"))
    special: dict[dt.date, SweepDay] = {}
    for day, name in sorted(closed.items()):
        special[day] = SweepDay(day, f"{name} {_short_date(day)}", "holiday")
        before = day - dt.timedelta(days=1)
        if before not in closed and before >= today:
            special.setdefault(before, SweepDay(
                before, f"{WEEKDAYS_SV[before.weekday()]} {_short_date(before)}, dagen före "
                        f"{_lower_first(name)}", "before-holiday"))
    for day in sorted(exceptions):
        special.setdefault(day, SweepDay(
            day, f"{WEEKDAYS_SV[day.weekday()]} {_short_date(day)}", "exception"))
    return days + [special[k] for k in sorted(special)]


# ---- the sweep -------------------------------------------------------------------------


def _relevant_roles(d: Directory, municipality: str) -> list[Role]:
    """Every role that a route in this municipality can contain."""
    seen: dict[str, Role] = {}
    for kind in d.kinds:
        for role in d.by_kind_area.get((kind, municipality), ()):
            seen.setdefault(role.id, role)
    paths = list(d.regional_paths.values()) + [p for (_, m), p in d.local_paths.items()
                                               if m == municipality]
    for path in paths:
        for step in path.steps:
            if step.role and step.role in d.roles:
                seen.setdefault(step.role, d.roles[step.role])
    return [seen[k] for k in sorted(seen)]


def _open_slots(role: Role, day: dt.date) -> int:
    """The role's open 15-minute slots that day as a bit mask (bit i: slot i open), with the
    same rule as routing.open_state: a temporarily closed role is closed."""
    if role.status == Status.TEMPORARILY_CLOSED:
        return 0
    mask = 0
    for start, end in role.schedule.intervals_on(day):
        first = -(-start // SLOT_MINUTES)  # a slot counts as open when its start is
        last = -(-end // SLOT_MINUTES)
        mask |= ((1 << last) - 1) ^ ((1 << first) - 1)
    return mask


def _judge(d: Directory, topic: str, municipality: str, at: dt.datetime, urgent: bool,
           today: dt.date) -> str | None:
    """The problem at one moment (None: fine), from the real route."""
    steps = route(d, topic, municipality, at, cap=None).steps  # every role counts
    covering = [s for s in steps if s.open_now] if urgent else [
        s for s in steps if s.open_now or s.opens is not None]
    if not covering:
        return NO_OPEN if urgent and steps else NO_WAY
    if all(freshness(s.role, today).stale for s in covering):
        return ONLY_STALE
    return None


def sweep(d: Directory, today: dt.date, municipalities: list[str] | None = None,
          topics: list[str] | None = None, days: list[SweepDay] | None = None) -> Coverage:
    """Every topic x municipality over the sweep days, every 15 minutes."""
    days = days if days is not None else sweep_days(d, today)
    out = Coverage(today, days)
    topic_list = [d.topics[t] for t in (topics or list(d.topics)) if t in d.topics]
    for municipality in municipalities if municipalities is not None else d.municipalities:
        roles = _relevant_roles(d, municipality)
        judged: dict[tuple[bool, ...], dict[str, str | None]] = {}
        found: dict[str, list[Gap]] = {t.slug: [] for t in topic_list}
        for day in days:
            masks = [_open_slots(r, day.date) for r in roles]
            runs: dict[str, tuple[str, int] | None] = dict.fromkeys(found)
            for slot in range(SLOTS + 1):
                if slot < SLOTS:
                    state = tuple(bool(m >> slot & 1) for m in masks)
                    verdicts = judged.get(state)
                    if verdicts is None:
                        at = dt.datetime.combine(day.date, dt.time(*divmod(
                            slot * SLOT_MINUTES, 60)), tzinfo=STOCKHOLM)
                        verdicts = judged[state] = {
                            t.slug: _judge(d, t.slug, municipality, at, t.urgent, today)
                            for t in topic_list}
                for t in topic_list:
                    problem = (verdicts.get(t.slug)
                               if slot < SLOTS and verdicts is not None else None)
                    run = runs[t.slug]
                    if run is not None and run[0] != problem:
                        found[t.slug].append(Gap(t.slug, t.label, municipality, day, run[1],
                                                 slot * SLOT_MINUTES, run[0]))
                        run = None
                    if run is None and problem is not None:
                        run = (problem, slot * SLOT_MINUTES)
                    runs[t.slug] = run
        for slug, gaps in found.items():
            out.cells[(slug, municipality)] = gaps
    return out


# ---- what an edit would do --------------------------------------------------------------


def area_of(d: Directory, role: Role) -> frozenset[str]:
    """The municipalities a role serves: its own list, else its organisation's."""
    serves = role.serves
    if not serves:
        org = d.organisations.get(role.org_id)
        serves = org.municipalities if org else ()
    if ALL in serves:
        return frozenset(d.municipalities)
    return frozenset(m for m in serves if m in d.municipalities)


def _trial(d: Directory) -> Directory:
    """A copy of the snapshot whose indexes can be changed without touching the original."""
    trial = copy.copy(d)
    trial.roles = dict(d.roles)
    trial.areas = dict(d.areas)
    trial.by_kind_area = {k: list(v) for k, v in d.by_kind_area.items()}
    trial.everywhere = {k: list(v) for k, v in d.everywhere.items()}
    trial.kinds_in_use = set(d.kinds_in_use)
    trial.local_paths = dict(d.local_paths)
    trial.forget_derived()
    return trial


def _new_gaps(before: Coverage, after: Coverage) -> list[Gap]:
    """Gaps of `after` (or parts of them) at moments that had no gap in `before`."""
    def slots(cov: Coverage) -> set[tuple[str, str, dt.date, int, str]]:
        return {(g.topic, g.municipality, g.day.date, s, g.problem)
                for g in cov.all_gaps() for s in range(g.start, g.end, SLOT_MINUTES)}

    new = slots(after) - slots(before)
    out = []
    for g in after.all_gaps():
        fresh = [s for s in range(g.start, g.end, SLOT_MINUTES)
                 if (g.topic, g.municipality, g.day.date, s, g.problem) in new]
        start = None
        for i, s in enumerate(fresh):
            if start is None:
                start = s
            if i + 1 == len(fresh) or fresh[i + 1] != s + SLOT_MINUTES:
                out.append(Gap(g.topic, g.topic_label, g.municipality, g.day, start,
                               s + SLOT_MINUTES, g.problem))
                start = None
    return out


def gaps_opened_by_role(d: Directory, role: Role, today: dt.date) -> list[Gap]:
    """The gaps that saving `role` (new or changed) would open, worst first; stale entries
    are not counted (saving never changes freshness)."""
    old = d.roles.get(role.id)
    area = area_of(d, role)
    if old is not None and (old.schedule, old.status, old.kind, d.areas.get(role.id)) == (
            role.schedule, role.status, role.kind, area):
        return []  # nothing that decides when it is open, or where, has changed
    places = area | (d.areas.get(role.id, frozenset()) if old else frozenset())
    municipalities = [m for m in d.municipalities if m in places]
    if not municipalities:
        return []
    days = sweep_days(d, today)
    trial = _trial(d)
    trial.update_role(role, area)
    before = sweep(d, today, municipalities, days=days)
    after = sweep(trial, today, municipalities, days=days)
    return [g for g in _new_gaps(before, after) if g.problem != ONLY_STALE]


def gaps_opened_by_path(d: Directory, path: ContactPath, today: dt.date) -> list[Gap]:
    """The gaps that saving a municipality's local path would open."""
    if path.municipality is None:
        return []
    days = sweep_days(d, today)
    trial = _trial(d)
    trial.local_paths[(path.topic, path.municipality)] = path
    before = sweep(d, today, [path.municipality], [path.topic], days)
    after = sweep(trial, today, [path.municipality], [path.topic], days)
    return [g for g in _new_gaps(before, after) if g.problem != ONLY_STALE]
