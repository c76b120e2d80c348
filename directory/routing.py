"""(topic, municipality, moment) -> the ordered route of roles to contact.

The policy is the data: a municipality's local path, else the regional one. This module
only applies the rules of docs/data-format.md ("How a route is built").
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

from directory.freshness import Freshness, freshness
from directory.hours import STOCKHOLM
from directory.model import PERSON_TAGS, Contact, NamedUnit, Person, Role, Step
from directory.snapshot import Directory

DANGER_KIND = "larmnummer"
PERSON_TAG_SET = frozenset(PERSON_TAGS)
DANGER_WHY = "Akut fara: ring 112 först, sedan vidare enligt kontaktvägen nedan."
NAMED_WHY = "Den verksamhet du frågade efter."
OPEN_INSTEAD_WHY = "Öppet nu för samma behov medan verksamheten du frågade efter är stängd."


@dataclass(frozen=True)
class RouteStep:
    role: Role
    why: str
    open_now: bool
    opens: dt.datetime | None
    closes: dt.datetime | None
    contacts: tuple[tuple[Contact, bool | None], ...]  # (contact, open now if own hours)
    freshness: Freshness
    notice: str | None
    organisation: str
    demo: bool
    sources: tuple[str, ...] = ()  # legal sources of the why (the path step's `sources`)


@dataclass
class Route:
    steps: list[RouteStep] = field(default_factory=list)
    needs_municipality: bool = False
    local: bool = False  # the municipality's own local path was used


def _resolve(d: Directory, step: Step, municipality: str | None,
             person: Person | None = None) -> tuple[list[Role], bool]:
    """Roles for one step that serve the person, nearest first, and whether the answer
    depends on a municipality not given."""
    if step.role:
        role = d.roles.get(step.role)
        ok = role is not None and role.status != "inaktiv" and role.serves_person(person)
        return ([role] if ok and role else []), False
    if municipality is not None:
        found = d.by_kind_area.get((step.kind, municipality), ())
        roles = sorted(found, key=lambda r: len(d.areas.get(r.id, ())))  # nearest first
        return [r for r in roles if r.serves_person(person)], False
    everywhere = d.everywhere.get(step.kind, [])
    if everywhere:
        return [r for r in everywhere if r.serves_person(person)], False
    return [], step.kind in d.kinds_in_use


def open_state(role: Role, at: dt.datetime) -> tuple[bool, dt.datetime | None, dt.datetime | None]:
    """(open now, next opening, closing time) with temporary closures honoured."""
    at = at.astimezone(STOCKHOLM)
    local_day = at.date()
    if role.status == "tillfalligt-stangd":
        reopen_from = at
        if role.notice and role.notice.end >= local_day:
            reopen_from = dt.datetime.combine(role.notice.end + dt.timedelta(days=1),
                                              dt.time(0, 0), tzinfo=STOCKHOLM)
            return False, role.schedule.next_opening(reopen_from), None
        return False, None, None
    if role.schedule.is_open(at):
        return True, None, role.schedule.closes(at)
    return False, role.schedule.next_opening(at), None


def build_step(d: Directory, role: Role, why: str, at: dt.datetime,
               sources: tuple[str, ...] = ()) -> RouteStep:
    at = at.astimezone(STOCKHOLM)
    open_now, opens, closes = open_state(role, at)
    contacts = tuple(
        (c, c.schedule.is_open(at) if c.schedule is not None else None)
        for c in role.contacts if c.visibility in ("staff", "public"))
    notice = role.notice.text if role.notice and role.notice.shown_on(at.date()) else None
    org = d.organisations.get(role.org_id)
    return RouteStep(role, why, open_now, opens, closes, contacts,
                     freshness(role, at.date()), notice, org.name if org else "",
                     bool(org and org.demo), sources)


def _for_person(d: Directory, step: Step, who: frozenset[str]) -> list[Step]:
    """A kind that is not for this person is swapped for the one that is ("instead"), and
    some kinds bring another beside them ("also"): both are the kinds' data."""
    kind = d.kinds.get(step.kind or "")
    if kind is None or not who:
        return [step]
    out = [step]
    for swap in kind.instead:
        if swap.for_ in who:
            out = [Step(step.when, swap.why, kind=swap.kind)]
            break
    out += [Step(step.when, swap.why, kind=swap.kind) for swap in kind.also if swap.for_ in who]
    return out


def route(d: Directory, topic: str, municipality: str | None, at: dt.datetime,
          danger: bool = False, person: Person | None = None,
          said: frozenset[str] = frozenset(), named: tuple[NamedUnit, ...] = (),
          named_first: bool = True) -> Route:
    """The ordered route (docs/data-format.md, "How a route is built").

    `person` drops steps and roles that are not for them; `said` holds the lexicon concepts
    the question showed (a step "for: [skada]" counts only then); `named` are kinds asked
    for by name: first when `named_first`, else only made sure to be in the route.
    """
    at = at.astimezone(STOCKHOLM)
    path = d.path_for(topic, municipality)
    out = Route(local=bool(path and path.municipality))
    if path is None:
        return out
    who = person.tags() if person else frozenset()
    said = said - PERSON_TAG_SET  # "barnen" said is not the person being a child
    # A step written "for:" a person or situation is taken as written: it may be for
    # someone else than the person ("barn-drabbat": the child the asker's patient harms).
    steps = [x for s in path.steps if s.applies(who | said)
             for x in ([s] if s.only_for else _for_person(d, s, who))]
    topic_obj = d.topics.get(topic)
    if topic_obj and person is not None and person.uses_violence and topic_obj.about and \
            topic_obj.about != "utovare":
        # "pappa som slår sin son vill ha hjälp": the report about the child comes first,
        # and the route is the child's, whoever the question is about
        person = Person(group=topic_obj.about)
    if topic_obj and topic_obj.assume and (person is None or person.group is None):
        # the roles for whom the topic is meant when the question does not say (BRIS is not
        # in an adult's route); swaps and "for:" still need the question to say it
        person = replace(person or Person(), group=topic_obj.assume)
    resolved: list[tuple[Step, Role]] = []
    office_open = False
    for step in steps:
        roles, needs = _resolve(d, step, municipality, None if step.only_for else person)
        if needs and step.when != "after":
            out.needs_municipality = True
        for role in roles:
            resolved.append((step, role))
            if step.when == "office" and open_state(role, at)[0]:
                office_open = True
    chosen: list[RouteStep] = []
    seen: set[str] = set()
    stand_in = 0  # after hours, the duty stands in front of the closed offices it covers
    for step, role in resolved:
        if step.when == "after" and office_open:
            continue
        if role.id in seen:
            continue
        seen.add(role.id)
        built = build_step(d, role, step.why, at, step.sources)
        if step.when == "after":
            chosen.insert(stand_in, built)
            stand_in += 1
        else:
            if step.when != "office" and stand_in == len(chosen):
                stand_in += 1
            chosen.append(built)
    if not office_open and municipality is None and any(
            _resolve(d, s, None, person)[1] for s in steps if s.when == "after"):
        out.needs_municipality = True
    if topic_obj and topic_obj.urgent:
        chosen.sort(key=lambda s: not s.open_now)  # stable: path order within each group
    if named:
        chosen = _with_named(d, chosen, named, municipality, at, person, named_first)
    if danger:
        alarm, _ = _resolve(d, Step("always", DANGER_WHY, kind=DANGER_KIND), municipality)
        first = [build_step(d, r, DANGER_WHY, at) for r in alarm[:1]]
        chosen = first + [s for s in chosen if s.role.kind != DANGER_KIND]
    out.steps = chosen
    return out


def _named_steps(d: Directory, unit: NamedUnit, steps: list[RouteStep],
                 municipality: str | None, at: dt.datetime, person: Person | None
                 ) -> list[RouteStep]:
    """The steps for one unit asked for by name: the one role, or the nearest of the kind
    (for this person if there is one, else the one asked for anyway)."""
    if unit.role:
        present = [s for s in steps if s.role.id == unit.role]
        role = d.roles.get(unit.role)
        if present or role is None or role.status == "inaktiv":
            return present
        return [build_step(d, role, NAMED_WHY, at)]
    present = [s for s in steps if s.role.kind == unit.kind]
    if present:
        return present
    ask = Step("always", NAMED_WHY, kind=unit.kind)
    roles = _resolve(d, ask, municipality, person)[0] or _resolve(d, ask, municipality)[0]
    return [build_step(d, role, NAMED_WHY, at) for role in roles[:1]]


def _with_named(d: Directory, steps: list[RouteStep], named: tuple[NamedUnit, ...],
                municipality: str | None, at: dt.datetime, person: Person | None,
                first: bool) -> list[RouteStep]:
    """A unit asked for by name comes first; when it is closed, what is open now for the
    same need comes right after it: another unit of its kind, else the route's first open
    step. Mentioned in passing, it is only made sure to be in the route."""
    head: list[RouteStep] = []
    for unit in named:
        present = _named_steps(d, unit, steps, municipality, at, person)
        if not first:
            steps = steps + [s for s in present if s not in steps]
            continue
        head += [s for s in present[:1] if s not in head]
    if not head:
        return steps
    rest = [s for s in steps if s not in head]
    if not any(s.open_now for s in head):
        taken = {s.role.id for s in head}
        roles = [r for s in head for r in _resolve(d, Step("always", "", kind=s.role.kind),
                                                     municipality, person)[0]]
        same = [build_step(d, r, OPEN_INSTEAD_WHY, at) for r in roles
                if r.id not in taken and open_state(r, at)[0]]
        alternative = same[:1] or [s for s in rest if s.open_now][:1]
        rest = alternative + [s for s in rest if s not in alternative]
    return head + rest
