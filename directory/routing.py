"""(topic, municipality, moment) -> the ordered route of roles to contact.

The policy is the data: a municipality's local path, else the regional one. This module
only applies the rules of docs/data-format.md ("How a route is built").
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from itertools import islice

from directory.freshness import Freshness, freshness
from directory.hours import STOCKHOLM
from directory.model import DANGER_KIND as DANGER_KIND  # re-exported: 112 first is routing's
from directory.model import PERSON_TAGS, Contact, NamedUnit, Person, Role, Step
from directory.snapshot import Directory, OpenAt
from directory.vocabulary import PERPETRATOR_TAG, Status

PERSON_TAG_SET = frozenset(PERSON_TAGS)
DANGER_WHY = "Akut fara: ring 112 först, sedan vidare enligt kontaktvägen nedan."
NAMED_WHY = "Den verksamhet du frågade efter."
REGION_MOST = 10  # units of a kind listed for "the whole region" (the answer's cap too)
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
    more: int = 0  # roles of the same path step after this one that the route leaves out


@dataclass(frozen=True)
class Cap:
    """How much of a route an answer lists: at most `per_step` roles for one path step
    (the nearest first), at most `total` steps in all. The first step and the first open
    one are always listed; what is left out is counted (`RouteStep.more`, `Route.hidden`)."""

    per_step: int = 3
    total: int = 10


ANSWER_CAP = Cap()


@dataclass(frozen=True)
class Pick:
    """A role chosen for the route, before its step is built: ordering a route costs
    lookups, building a step (next opening, contacts, freshness) costs more."""

    role: Role
    why: str
    open_now: bool
    sources: tuple[str, ...] = ()
    group: int = field(default=-1, compare=False)  # the path step it came from; -1: none


@dataclass
class Route:
    steps: list[RouteStep] = field(default_factory=list)
    needs_municipality: bool = False
    local: bool = False  # the municipality's own local path was used
    hidden: list[Pick] = field(default_factory=list)  # left out by the cap, in route order


@dataclass(frozen=True)
class _Plan:
    """What a route follows in one municipality: the path's steps for this person and the
    person roles are chosen for. The same for every municipality on the same path."""

    steps: tuple[Step, ...]
    person: Person | None
    local: bool
    urgent: bool


def _resolve(d: Directory, step: Step, municipality: str | None,
             person: Person | None = None, is_open: OpenAt | None = None
             ) -> tuple[list[Role], bool]:
    """Roles for one step that serve the person, nearest first, and whether the answer
    depends on a municipality not given. With `is_open`, of a kind's roles in a
    municipality only the first and the first open one (Directory.brief)."""
    if step.role:
        role = d.roles.get(step.role)
        ok = role is not None and role.status != Status.INACTIVE and role.serves_person(person)
        return ([role] if ok and role else []), False
    if municipality is not None:
        if is_open is not None:
            return d.brief(step.kind or "", municipality, person, is_open), False
        roles = d.nearest(step.kind or "", municipality)
        if person is None:
            return list(roles), False
        return [r for r in roles if r.serves_person(person)], False
    everywhere = d.everywhere.get(step.kind or "", [])
    if everywhere:
        return [r for r in everywhere if r.serves_person(person)], False
    return [], step.kind in d.kinds_in_use


def open_state(role: Role, at: dt.datetime) -> tuple[bool, dt.datetime | None, dt.datetime | None]:
    """(open now, next opening, closing time) with temporary closures honoured."""
    at = at.astimezone(STOCKHOLM)
    local_day = at.date()
    if role.status == Status.TEMPORARILY_CLOSED:
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
               sources: tuple[str, ...] = (), more: int = 0) -> RouteStep:
    at = at.astimezone(STOCKHOLM)
    open_now, opens, closes = open_state(role, at)
    contacts = tuple(
        (c, c.schedule.is_open(at) if c.schedule is not None else None)
        for c in role.contacts if c.visibility in ("staff", "public"))
    notice = role.notice.text if role.notice and role.notice.shown_on(at.date()) else None
    org = d.organisations.get(role.org_id)
    return RouteStep(role, why, open_now, opens, closes, contacts,
                     freshness(role, at.date()), notice, org.name if org else "",
                     bool(org and org.demo), sources, more)


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


def _plan(d: Directory, topic: str, municipality: str | None, person: Person | None,
          said: frozenset[str]) -> _Plan | None:
    path = d.path_for(topic, municipality)
    if path is None:
        return None
    who = person.tags() if person else frozenset()
    said = said - PERSON_TAG_SET  # "barnen" said is not the person being a child
    topic_obj = d.topics.get(topic)
    # "pappa som slår sin son vill ha hjälp": the report about the child comes first, and
    # the route is the child's, whoever the question is about (kinds swapped for the child)
    about = topic_obj.about if topic_obj and person is not None and person.uses_violence \
        and topic_obj.about and topic_obj.about != PERPETRATOR_TAG else None
    swaps = frozenset({about}) if about else who
    # A step written "for:" a person or situation is taken as written: it may be for
    # someone else than the person ("barn-drabbat": the child the asker's patient harms).
    steps = tuple(x for s in path.steps if s.applies(who | said)
                  for x in ([s] if s.only_for else _for_person(d, s, swaps)))
    if about:
        person = Person(group=about)
    if topic_obj and topic_obj.assume and (person is None or person.group is None):
        # the roles for whom the topic is meant when the question does not say (BRIS is not
        # in an adult's route); swaps and "for:" still need the question to say it
        person = replace(person or Person(), group=topic_obj.assume)
    return _Plan(steps, person, bool(path.municipality), bool(topic_obj and topic_obj.urgent))


def route(d: Directory, topic: str, municipality: str | None, at: dt.datetime,
          danger: bool = False, person: Person | None = None,
          said: frozenset[str] = frozenset(), named: tuple[NamedUnit, ...] = (),
          named_first: bool = True, cap: Cap | None = ANSWER_CAP) -> Route:
    """The ordered route (docs/data-format.md, "How a route is built").

    `person` drops steps and roles that are not for them; `said` holds the lexicon concepts
    the question showed (a step "for: [skada]" counts only then); `named` are kinds asked
    for by name: first when `named_first`, else only made sure to be in the route. `cap`
    limits what is listed (None: everything, as the coverage sweep needs).
    """
    at = at.astimezone(STOCKHOLM)
    plan = _plan(d, topic, municipality, person, said)
    out = Route(local=bool(plan and plan.local))
    if plan is None:
        return out
    picks, out.needs_municipality = _order(d, plan, municipality, d.open_at(at), danger,
                                           named, named_first)
    listed, out.hidden = _capped(picks, cap)
    more = {}
    for i, p in enumerate(listed):
        if p.group >= 0:
            more[p.group] = i  # the last listed step of each path step
    left = dict.fromkeys(more, 0)
    for p in out.hidden:
        if p.group in left:
            left[p.group] += 1
    out.steps = [build_step(d, p.role, p.why, at, p.sources,
                            left[p.group] if p.group >= 0 and more[p.group] == i else 0)
                 for i, p in enumerate(listed)]
    return out


def _order(d: Directory, plan: _Plan, municipality: str | None, is_open: OpenAt,
           danger: bool, named: tuple[NamedUnit, ...], named_first: bool,
           brief: bool = False) -> tuple[list[Pick], bool]:
    """The route's roles in order, and whether it needs a municipality. With `brief`, only
    the first pick is right (the rest is left short): see `first_differs`."""
    person = plan.person
    resolved: list[tuple[int, Step, Role]] = []
    needs = False
    # the people ("for:") whose office step is open now: an after-hours step stands in for
    # the closed offices of its own people ("socialjour for: [barn-drabbat]" when the
    # children's unit is closed, though a national line for the one who uses violence is open)
    office_open: set[tuple[str, ...]] = set()
    for index, step in enumerate(plan.steps):
        roles, needs_m = _resolve(d, step, municipality, None if step.only_for else person,
                                  is_open if brief else None)
        if needs_m and step.when != "after":
            needs = True
        for role in roles:
            resolved.append((index, step, role))
            if step.when == "office" and is_open(role):
                office_open.add(step.only_for)
    chosen: list[Pick] = []
    seen: set[str] = set()
    stand_in = 0  # after hours, the duty stands in front of the closed offices it covers
    for index, step, role in resolved:
        if step.when == "after" and step.only_for in office_open:
            continue
        if role.id in seen:
            continue
        seen.add(role.id)
        pick = Pick(role, step.why, is_open(role), step.sources, index)
        if step.when == "after":
            chosen.insert(stand_in, pick)
            stand_in += 1
        else:
            if step.when != "office" and stand_in == len(chosen):
                stand_in += 1
            chosen.append(pick)
    if not office_open and municipality is None and any(
            _resolve(d, s, None, person)[1] for s in plan.steps if s.when == "after"):
        needs = True
    if plan.urgent:
        chosen.sort(key=lambda p: not p.open_now)  # stable: path order within each group
    if named:
        chosen = _with_named(d, chosen, named, municipality, is_open, person, named_first,
                             brief)
    if danger:
        alarm, _ = _resolve(d, Step("always", DANGER_WHY, kind=DANGER_KIND), municipality)
        first = [Pick(r, DANGER_WHY, is_open(r)) for r in alarm[:1]]
        chosen = first + [p for p in chosen if p.role.kind != DANGER_KIND]
    return chosen, needs


def _capped(picks: list[Pick], cap: Cap | None) -> tuple[list[Pick], list[Pick]]:
    """(listed, left out): per path step the first `cap.per_step` roles, at most
    `cap.total` in all; the first pick and the first open one (112 aside) always listed,
    so that what to call now is never left out."""
    if cap is None or len(picks) <= 1:
        return picks, []
    first_open = next((i for i, p in enumerate(picks)
                       if p.open_now and p.role.kind != DANGER_KIND), None)
    per: dict[int, int] = {}
    keep: list[int] = []
    for i, p in enumerate(picks):
        n = per.get(p.group, 0)
        if i == 0 or i == first_open or p.group < 0 or n < cap.per_step:
            keep.append(i)
            per[p.group] = n + 1
    if len(keep) > cap.total:
        head = keep[:cap.total]
        if first_open is not None and first_open not in head:
            head = keep[:cap.total - 1] + [first_open]
        keep = head
    kept = set(keep)
    return [picks[i] for i in keep], [p for i, p in enumerate(picks) if i not in kept]


def first_differs(d: Directory, topic: str, at: dt.datetime, person: Person | None = None,
                  said: frozenset[str] = frozenset(), named: tuple[NamedUnit, ...] = (),
                  named_first: bool = True) -> bool:
    """Would route[0] differ between municipalities at `at`? Exactly what routing every
    municipality and comparing the first roles would say, at a few lookups per
    municipality: on one path, the first pick depends only on each step's first role and
    first open role (`Directory.brief`) when no role can come from two steps (else the
    steps' whole lists are used)."""
    named_role = d.roles.get(named[0].role) if named_first and named and named[0].role \
        else None
    if named_role is not None and named_role.status != Status.INACTIVE and (
            named_role.serves_person(_gender_only(person))):
        # "Kvinnofridslinjen nummer?": the unit asked for comes first wherever the topic
        # has a path (`_with_named`), so only having a path can differ
        return len({d.path_for(topic, m) is None for m in d.municipalities}) > 1
    at = at.astimezone(STOCKHOLM)
    is_open = d.open_at(at)
    plans: dict[int, tuple[_Plan | None, bool]] = {}
    firsts: set[str | None] = set()
    for m in d.municipalities:
        path = d.path_for(topic, m)
        known = plans.get(id(path))
        if known is None:
            plan = _plan(d, topic, m, person, said)
            known = plans[id(path)] = (plan, plan is not None and _disjoint(d, plan))
        plan, brief = known
        if plan is None:
            firsts.add(None)
        else:
            picks, _ = _order(d, plan, m, is_open, False, named, named_first, brief)
            firsts.add(picks[0].role.id if picks else None)
        if len(firsts) > 1:
            return True
    return False


def _disjoint(d: Directory, plan: _Plan) -> bool:
    """Can no role come from two steps of the plan? (Then a step's first role and first
    open one decide its part in the first pick; duplicates would be skipped.)"""
    kinds = [s.kind for s in plan.steps if not s.role]
    fixed = [s.role for s in plan.steps if s.role]
    fixed_kinds = {d.roles[r].kind for r in fixed if r in d.roles}
    return (len(set(kinds)) == len(kinds) and len(set(fixed)) == len(fixed)
            and not fixed_kinds & set(kinds))


def of_kind(kind: str, named: str) -> bool:
    """Is a role of this kind the unit named? A name may stand for a family of kinds:
    "soc" (kind-socialtjanst) for socialtjanst-barn and socialtjanst-vuxen alike."""
    return kind == named or kind.startswith(named + "-")


def _gender_only(person: Person | None) -> Person | None:
    """Whom a unit asked for by name must serve: any age, but the person's gender."""
    return Person(gender=person.gender) if person is not None else None


def _named_steps(d: Directory, unit: NamedUnit, steps: list[Pick],
                 municipality: str | None, is_open: OpenAt, person: Person | None,
                 brief: bool) -> list[Pick]:
    """The picks for one unit asked for by name: the one role, or the nearest of the kind
    (for this person if there is one, else the one asked for anyway, whatever the person's
    age, but never a unit that is not for their gender: no women's shelter for a man)."""
    anyone = _gender_only(person)
    if unit.role:
        present = [s for s in steps if s.role.id == unit.role]
        role = d.roles.get(unit.role)
        if present or role is None or role.status == Status.INACTIVE or not (
                role.serves_person(anyone)):
            return present
        return [Pick(role, NAMED_WHY, is_open(role))]
    present = [s for s in steps if of_kind(s.role.kind, unit.kind)]
    if present or unit.kind not in d.kinds:
        return present  # a family of kinds ("soc"): the one the person's route holds
    ask = Step("always", NAMED_WHY, kind=unit.kind)
    opened = is_open if brief else None
    roles = (_resolve(d, ask, municipality, person, opened)[0]
             or _resolve(d, ask, municipality, anyone, opened)[0])
    if roles or not (unit.region and municipality is None):
        return [Pick(role, NAMED_WHY, is_open(role)) for role in roles[:1]]
    # asked for the whole region, which has no unit of its own: each one in the region
    serving = list(islice((r for r in d.across(unit.kind) if r.serves_person(person)),
                          REGION_MOST)) or list(islice(
        (r for r in d.across(unit.kind) if r.serves_person(anyone)), REGION_MOST))
    return [Pick(role, NAMED_WHY, is_open(role)) for role in serving]


def _with_named(d: Directory, steps: list[Pick], named: tuple[NamedUnit, ...],
                municipality: str | None, is_open: OpenAt, person: Person | None,
                first: bool, brief: bool = False) -> list[Pick]:
    """A unit asked for by name comes first; when it is closed, what is open now for the
    same need comes right after it: another unit of its kind, else the route's first open
    step. Mentioned in passing, it is only made sure to be in the route."""
    head: list[Pick] = []
    for unit in named:
        present = _named_steps(d, unit, steps, municipality, is_open, person, brief)
        if not first:
            steps = steps + [s for s in present if s not in steps]
            continue
        head += [s for s in present[:len(present) if unit.region else 1] if s not in head]
    if not head:
        return steps
    rest = [s for s in steps if s not in head]
    if not any(s.open_now for s in head):
        taken = {s.role.id for s in head}
        roles = [r for s in head for r in _resolve(
            d, Step("always", "", kind=s.role.kind), municipality, person,
            is_open if brief else None)[0]]
        same = [Pick(r, OPEN_INSTEAD_WHY, True) for r in roles
                if r.id not in taken and is_open(r)]
        alternative = same[:1] or [s for s in rest if s.open_now][:1]
        rest = alternative + [s for s in rest if s not in alternative]
    return head + rest
