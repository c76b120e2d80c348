"""`ask`: a staff question at a moment -> the JSON answer of the contract (ask-json.md)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from directory.clarify import Clarification
from directory.guidance import Guidance, guide
from directory.hours import STOCKHOLM
from directory.labels import DEMO_NOTICE
from directory.model import NamedUnit
from directory.recent import Recent
from directory.routing import Pick, Route, RouteStep, first_differs, route
from directory.snapshot import Directory
from directory.understand import Understander, Understanding
from directory.understand.redact import redact
from directory.unit_route import family_kinds, units_route

REDACTED_NOTICE = ("Skicka inte personnummer eller andra patientuppgifter här. "
                   "Numret togs bort innan frågan behandlades.")


@dataclass
class Answer:
    understanding: Understanding
    at: dt.datetime
    route: list[RouteStep] = field(default_factory=list)
    clarify: Clarification | None = None
    checklist: list[str] = field(default_factory=list)
    local_path: bool = False
    guidance: Guidance = field(default_factory=Guidance)
    hidden: list[Pick] = field(default_factory=list)  # roles the route does not list
    _encoded: bytes | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def answered(self) -> bool:
        return bool(self.route)

    @property
    def demo(self) -> bool:
        return any(s.demo for s in self.route)

    def encoded(self) -> bytes:
        """`to_json` as UTF-8 JSON, made once per answer (a remembered answer is sent again
        as it is)."""
        if self._encoded is None:
            self._encoded = json.dumps(self.to_json(), ensure_ascii=False).encode()
        return self._encoded

    def to_json(self) -> dict[str, Any]:
        u = self.understanding
        notices = []
        if self.demo:
            notices.append(DEMO_NOTICE)
        if u.redacted:
            notices.append(REDACTED_NOTICE)
        if self.route:
            notices += u.risks
        return {
            "query": u.query,
            "understood": {
                "topic": u.topic,
                "municipality": u.municipality,
                "at": self.at.isoformat(timespec="seconds"),
                "confidence": u.confidence,
                "person": u.person.to_json(),
                "municipality_from": u.municipality_from,
                "danger": u.danger,
            },
            "clarify": self.clarify.to_json() if self.clarify else None,
            "route": [step_json(i, s) for i, s in enumerate(self.route, 1)],
            "left_out": len(self.hidden),
            "checklist": self.checklist,
            "alternatives": [{"topic": t, "score": s} for t, s in u.runners_up],
            "demo": self.demo,
            "redacted": u.redacted,
            "local_path": self.local_path,
            "notices": notices,
            **self.guidance.to_json(self.at.date()),
        }


def _iso(moment: dt.datetime | None) -> str | None:
    return moment.astimezone(STOCKHOLM).isoformat(timespec="minutes") if moment else None


def step_json(n: int, s: RouteStep) -> dict[str, Any]:
    return {
        "step": n,
        "kind": s.role.kind,
        "role_id": s.role.id,
        "name": s.role.name,
        "organisation": s.organisation,
        "open_now": s.open_now,
        "opens": _iso(s.opens),
        "closes": _iso(s.closes),
        "contacts": [
            {"channel": c.channel, "value": c.value, "label": c.label,
             **({"open_now": open_} if open_ is not None else {})}
            for c, open_ in s.contacts
        ],
        "why": s.why,
        "instructions": s.role.instructions,
        "sources": list(dict.fromkeys(s.sources + s.role.sources)),
        "notice": s.notice,
        "verified": s.freshness.verified.isoformat() if s.freshness.verified else None,
        "stale": s.freshness.stale,
        "freshness": s.freshness.state,
        "demo": s.demo,
        "left_out": s.more,
    }


def parse_moment(value: str | None) -> dt.datetime:
    """ISO 8601 or now; a moment without offset is Stockholm wall-clock time."""
    if not value:
        return dt.datetime.now(STOCKHOLM)
    moment = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=STOCKHOLM)
    return moment


def canonical_municipality(d: Directory, name: str | None) -> str | None:
    """'falun', 'FALU', 'Malung Sälen' -> the canonical name, or None when unknown."""
    if not name:
        return None
    hits = d.places().find(name)
    return hits[0].municipality if len(hits) == 1 else None


def ask(d: Directory, understander: Understander, question: str, at: dt.datetime,
        default_municipality: str | None = None, topic: str | None = None,
        municipality: str | None = None, asker: str | None = None) -> Answer:
    """Understand, decide, route. `topic`/`municipality` are answers to a clarification;
    `asker` (vard, socialtjanst, myndighet) picks the checklist lines for whoever asks."""
    u = understander.understand(question, default_municipality,
                                at.astimezone(STOCKHOLM).date())
    if topic and topic in d.topics:
        u.topic, u.confidence = topic, 1.0
        u.person = understander.person_for(u)
    if municipality and municipality in d.municipalities:
        u.municipality, u.municipality_from, u.municipality_options = municipality, "question", []
    if u.asks_for_named and u.person.gender is None and not u.person.uses_violence:
        # "tjejjouren i Falun, 15-åring som …": a unit for girls asked for, for her
        gender = next((g for n in u.named if (g := d.one_gender(n.kind, n.role))), None)
        u.person = dataclasses.replace(u.person, gender=gender) if gender else u.person
    answer = Answer(u, at.astimezone(STOCKHOLM))
    family = family_kinds(d, u.named) if u.topic is None and u.asks_for_named else []
    if family and not u.danger:  # "soc i Orsa?": the unit asked for, each of its kinds
        if u.municipality is None:
            answer.clarify = Clarification.municipality(
                u.municipality_options or list(d.municipalities))
        else:
            answer.route = units_route(d, family, u.municipality, at)
        return answer
    if u.topic is None:
        if u.vague:  # "Mora, vem ska jag ringa?": ask what it is about rather than guess
            answer.clarify = Clarification.topic(list(d.topics.values()))
        return answer
    topic_obj = d.topics[u.topic]
    answer.guidance = guide(d, u.topic, u.municipality, False, [], asker)
    answer.checklist = answer.guidance.checklist
    # The municipality first: without it, two topics' first contacts can only be compared
    # among regional units; once it is given, a topic too close to call is asked next.
    unknown_place = u.municipality is None and not u.danger
    if unknown_place and u.asks_for_named:
        u.named = _few_listed(d, u.named)
    # A case that belongs to a municipality (a report about a child) is asked for it even
    # when the first contact is the same everywhere, unless a unit was asked for by name.
    belongs = topic_obj.ask_municipality and not u.asks_for_named
    if unknown_place and (u.municipality_options or belongs
                          or _first_depends_on_municipality(d, u, at)) and not (
            _regional_unit_asked(d, u, at)):
        options = u.municipality_options or list(d.municipalities)
        answer.clarify = Clarification.municipality(options)
        return answer
    rival = None if topic else understander.close_runner_up(u)
    r = _route(d, u, u.topic, u.municipality, at)
    if rival and not u.danger and _first_kind_of(_route(d, u, rival, u.municipality, at)) \
            != _first_kind_of(r):
        answer.clarify = Clarification.topic([topic_obj, d.topics[rival]])
        return answer
    answer.route, answer.hidden = r.steps, r.hidden
    answer.local_path = r.local
    answer.guidance = guide(d, u.topic, u.municipality, r.local,
                            [s.sources + s.role.sources for s in answer.route], asker)
    answer.checklist = answer.guidance.checklist
    return answer


def _route(d: Directory, u: Understanding, topic: str, municipality: str | None,
           at: dt.datetime) -> Route:
    return route(d, topic, municipality, at, danger=u.danger, person=u.person, said=u.said,
                 named=tuple(u.named), named_first=u.asks_for_named)


FEW_TO_LIST = 3  # "tjejjouren, …" with no place: the region's few of a kind, listed


def _few_listed(d: Directory, named: list[NamedUnit]) -> list[NamedUnit]:
    """A kind asked for by name with no place, which the region has no unit of its own of
    but only a few local ones ("tjejjouren" - two chat lines): list them all, as for the
    whole region, rather than ask which municipality; many (women's shelters) are asked."""
    return [dataclasses.replace(n, region=True) if not n.role and not n.region and (
        n.kind in d.kinds) and not d.everywhere.get(n.kind) and (
        d.has_few(n.kind, FEW_TO_LIST)) else n for n in named]


def _regional_unit_asked(d: Directory, u: Understanding, at: dt.datetime) -> bool:
    """"Kvinnofridssamordnare i regionen", "tjejjour i Dalarna": a unit asked for by name
    for the whole region is answered by the region's own unit of that kind, when there is
    one, rather than asked which municipality."""
    if not (u.asks_for_named and any(n.region for n in u.named) and u.topic):
        return False
    first = _first_kind_of(_route(d, u, u.topic, None, at))
    return first is not None and first in {n.kind for n in u.named}


_DEPENDS_MAX = 4096


def _first_depends_on_municipality(d: Directory, u: Understanding, at: dt.datetime) -> bool:
    """Would the first recommendation differ between municipalities right now? Only then
    is it worth asking (at night every municipality's first step is the same duty). The
    answer depends only on what routing reads in the directory, the routing facts of the
    question and the minute, so it is remembered for those (hours are minute-grained;
    every change that routing reads moves `route_version`)."""
    key = (d.route_version, u.topic, u.person.tags(), u.said & d.step_conditions,
           tuple(u.named), u.asks_for_named, u.danger,
           at.astimezone(STOCKHOLM).replace(second=0, microsecond=0))
    memo = d.remembered
    known = memo.get(key)
    if known is not None:
        return known
    if len(memo) >= _DEPENDS_MAX:
        memo.clear()
    memo[key] = first_differs(d, u.topic or "", at, person=u.person, said=u.said,
                              named=tuple(u.named), named_first=u.asks_for_named)
    return memo[key]


def _first_kind_of(r: Route) -> str | None:
    return r.steps[0].role.kind if r.steps else None


ANSWERS_REMEMBERED = 4096


class RememberedAnswers:
    """Answers kept for the rest of their minute. An answer is a pure function of the
    question (redacted), what was given with it, the directory's generation (every write
    moves it), the matcher and the minute (opening hours are minute-grained), so the same
    question again in the same minute - a retry, a button, many staff asking the same
    short question - is not routed again. Keys hold only the redacted question."""

    def __init__(self, size: int = ANSWERS_REMEMBERED) -> None:
        self._answers: Recent[tuple[Any, ...], Answer] = Recent(size)

    def answer(self, d: Directory, understander: Understander, question: str,
               at: dt.datetime, default_municipality: str | None = None,
               topic: str | None = None, municipality: str | None = None,
               asker: str | None = None) -> Answer:
        """`ask`, or the answer remembered for the same question this minute (with `at`)."""
        local = at.astimezone(STOCKHOLM)
        key = (*redact(question), default_municipality, topic, municipality, asker,
               local.replace(second=0, microsecond=0), d.generation, d.last_version,
               understander.generation)
        found = self._answers.get(key)
        if found is None:
            found = ask(d, understander, question, at, default_municipality, topic,
                        municipality, asker)
            self._answers.put(key, found)
        return found if found.at == local else dataclasses.replace(found, at=local)
