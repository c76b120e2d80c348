"""(topic, municipality, moment) -> the ordered route of roles to contact.

The policy is the data: a municipality's local path, else the regional one. This module
only applies the rules of docs/data-format.md ("How a route is built").
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from directory.freshness import Freshness, freshness
from directory.hours import STOCKHOLM
from directory.model import Contact, Role, Step
from directory.snapshot import Directory

DANGER_KIND = "larmnummer"
DANGER_WHY = "Akut fara: ring 112 först, sedan vidare enligt kontaktvägen nedan."


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


def _resolve(d: Directory, step: Step, municipality: str | None) -> tuple[list[Role], bool]:
    """Roles for one step, and whether the answer depends on a municipality not given."""
    if step.role:
        role = d.roles.get(step.role)
        return ([role] if role and role.status != "inaktiv" else []), False
    if municipality is not None:
        return list(d.by_kind_area.get((step.kind, municipality), ())), False
    everywhere = d.everywhere.get(step.kind, [])
    if everywhere:
        return list(everywhere), False
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


def route(d: Directory, topic: str, municipality: str | None, at: dt.datetime,
          danger: bool = False) -> Route:
    at = at.astimezone(STOCKHOLM)
    path = d.path_for(topic, municipality)
    out = Route(local=bool(path and path.municipality))
    if path is None:
        return out
    resolved: list[tuple[Step, Role]] = []
    office_open = False
    for step in path.steps:
        roles, needs = _resolve(d, step, municipality)
        if needs and step.when != "after":
            out.needs_municipality = True
        for role in roles:
            resolved.append((step, role))
            if step.when == "office" and open_state(role, at)[0]:
                office_open = True
    chosen: list[RouteStep] = []
    seen: set[str] = set()
    for step, role in resolved:
        if step.when == "after" and office_open:
            continue
        if role.id in seen:
            continue
        seen.add(role.id)
        chosen.append(build_step(d, role, step.why, at, step.sources))
    if not office_open and municipality is None and any(
            _resolve(d, s, None)[1] for s in path.steps if s.when == "after"):
        out.needs_municipality = True
    topic_obj = d.topics.get(topic)
    if topic_obj and topic_obj.urgent:
        chosen.sort(key=lambda s: not s.open_now)  # stable: path order within each group
    if danger:
        alarm, _ = _resolve(d, Step("always", DANGER_WHY, kind=DANGER_KIND), municipality)
        first = [build_step(d, r, DANGER_WHY, at) for r in alarm[:1]]
        chosen = first + [s for s in chosen if s.role.kind != DANGER_KIND]
    out.steps = chosen
    return out
