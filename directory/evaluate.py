"""`kontaktvag eval`: run a labelled question file and measure understanding and routing.

A question file is YAML in the form of ../shared/eval/questions.yaml. Besides `topic`,
`municipality`, `first`, `includes` and `clarify` a question may say `excludes` (kinds
that must not be anywhere in the route, e.g. a women's shelter for a man), `person`
(what `understood.person` must say) and `lang`.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from directory.ask import parse_moment
from directory.model import DANGER_KIND
from directory.service import DirectoryService

_ENGLISH = frozenset("the a an is are was with her his she he my who whom what how need "
                     "help child woman man lives living police report tonight shelter abuse "
                     "violence beaten husband wife boyfriend girlfriend".split())


def language(question: str) -> str:
    words = question.lower().replace(",", " ").split()
    hits = sum(w in _ENGLISH for w in words)
    return "en" if words and hits >= max(1, len(words) // 4) else "sv"


@dataclass
class Case:
    q: str
    at: dt.datetime
    kommun: str | None
    topic: list[str | None]
    municipality: str | None
    first: list[str]
    includes: list[str]
    clarify: str | None
    municipality_given: bool
    lang: str
    excludes: list[str] = field(default_factory=list)
    person: dict[str, Any] = field(default_factory=dict)
    # False when the question has no `topic` line: a unit asked for by name with no need
    # told, say; its route is judged by `first`, and no topic is expected of it.
    topic_given: bool = True

    @property
    def off_topic(self) -> bool:
        """Nothing in the directory fits: neither a route nor a clarifying question."""
        return self.topic_given and self.topic == [None] and not self.clarify


@dataclass
class Result:
    case: Case
    topic_ok: bool
    municipality_ok: bool
    route_ok: bool
    got: dict[str, Any]
    problems: list[str] = field(default_factory=list)
    excludes_ok: bool = True
    person_ok: bool = True


def load_cases(path: Path) -> list[Case]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    times = data.get("times", {})
    cases = []
    for item in data["questions"]:
        at = item.get("at")
        topic = item.get("topic")
        cases.append(Case(
            q=item["q"], at=parse_moment(times.get(at, at)), kommun=item.get("kommun"),
            topic=topic if isinstance(topic, list) else [topic],
            municipality=item.get("municipality"), first=list(item.get("first") or []),
            includes=list(item.get("includes") or []), clarify=item.get("clarify"),
            municipality_given="municipality" in item,
            lang=item.get("lang") or language(item["q"]),
            excludes=list(item.get("excludes") or []),
            person=dict(item.get("person") or {}),
            topic_given="topic" in item or bool(item.get("clarify")),
        ))
    return cases


def judge(case: Case, answer: dict[str, Any]) -> Result:
    """One answer against its labels."""
    got_topic = answer["understood"]["topic"]
    kinds = [s["kind"] for s in answer["route"]]
    clarify = (answer["clarify"] or {}).get("field")
    problems = []
    topic_ok = got_topic in case.topic or not case.topic_given
    if not topic_ok:
        problems.append(f"ämne {got_topic} (väntat {case.topic})")
    mun_ok = (not case.municipality_given
              or answer["understood"]["municipality"] == case.municipality)
    if not mun_ok:
        problems.append(f"kommun {answer['understood']['municipality']} "
                        f"(väntat {case.municipality})")
    if case.clarify:
        route_ok = clarify == case.clarify
        if not route_ok:
            problems.append(f"ingen motfråga om {case.clarify} (fick {clarify}, {kinds[:1]})")
    elif case.off_topic:
        route_ok = not kinds and clarify is None
        if not route_ok:
            problems.append(f"svarade på en fråga utanför katalogen: {kinds[:1]}")
    else:
        route_ok = bool(kinds) and (not case.first or kinds[0] in case.first) and all(
            k in kinds for k in case.includes)
        if not route_ok:
            problems.append(f"väg {kinds[:4]} clarify={clarify} (väntat först {case.first}"
                            + (f", med {case.includes}" if case.includes else "") + ")")
    forbidden = [k for k in case.excludes if k in kinds]
    if forbidden:
        problems.append(f"vägen har {forbidden}, som inte ska finnas för personen")
    person = answer["understood"].get("person") or {}
    wrong = {k: person.get(k) for k, v in case.person.items() if person.get(k) != v}
    if wrong:
        problems.append(f"personen {wrong} (väntat {case.person})")
    return Result(case, topic_ok, mun_ok, route_ok, answer, problems,
                  excludes_ok=not forbidden, person_ok=not wrong)


async def run(service: DirectoryService, cases: list[Case]) -> list[Result]:
    results = []
    for case in cases:
        answer = (await service.ask(case.q, case.at, case.kommun)).to_json()
        results.append(judge(case, answer))
    return results


def _pct(rs: list[Result], attr: str) -> str:
    if not rs:
        return "   –  "
    ok = sum(getattr(r, attr) for r in rs)
    return f"{100 * ok / len(rs):5.1f} % ({ok}/{len(rs)})"


def figures(results: list[Result]) -> str:
    """The headline figures, with no question text (safe to show for a sealed set)."""
    lines = []
    on_topic = [r for r in results if r.case.topic != [None]]
    groups = {"alla": results, "svenska": [r for r in on_topic if r.case.lang == "sv"],
              "engelska": [r for r in on_topic if r.case.lang == "en"]}
    lines.append(f"{'':10} {'ämne':>18} {'kommun':>18} {'väg (route[0])':>18}")
    for name, rs in groups.items():
        topical = [r for r in rs if r.case.topic_given]
        lines.append(f"{name:10} {_pct(topical, 'topic_ok'):>18} "
                     f"{_pct(rs, 'municipality_ok'):>18} {_pct(rs, 'route_ok'):>18}")
    routed = [r for r in results if not r.case.off_topic and not r.case.clarify]
    lines.append(f"route[0] rätt, frågor med ämne och utan motfråga: {_pct(routed, 'route_ok')}")
    about = [r for r in results if r.case.person or r.case.excludes]
    if about:
        lines.append(f"frågor där personen avgör: väg {_pct(about, 'route_ok')}, "
                     f"inga uteslutna verksamheter {_pct(about, 'excludes_ok')}, "
                     f"personen rätt {_pct([r for r in about if r.case.person], 'person_ok')}")
    danger = [r for r in results if r.case.first == [DANGER_KIND]]
    if danger:
        lines.append(f"akut fara (112 först): {_pct(danger, 'route_ok')}")
    off = [r for r in results if r.case.off_topic]
    answered_off = sum(1 for r in off if r.got["route"] or r.got["understood"]["topic"])
    need = [r for r in results if r.case.clarify]
    asked = sum(1 for r in need if r.route_ok)
    lines.append(f"frågor utanför katalogen som ändå besvarades: {answered_off} av {len(off)}")
    lines.append(f"motfrågor som behövdes och ställdes: {asked} av {len(need)}")
    return "\n".join(lines)


def confusion(results: list[Result]) -> str:
    """Per expected topic: how many right, and what the misses became."""
    lines = [f"{'väntat ämne':28} {'rätt':>11}  blev i stället"]
    by_topic: dict[str, list[Result]] = {}
    for r in results:
        if r.case.topic_given:
            by_topic.setdefault(str(r.case.topic[0]), []).append(r)
    for topic in sorted(by_topic):
        rs = by_topic[topic]
        ok = sum(r.topic_ok for r in rs)
        wrong = Counter(str(r.got["understood"]["topic"]) for r in rs if not r.topic_ok)
        instead = ", ".join(f"{t} {n}" for t, n in wrong.most_common())
        lines.append(f"{topic:28} {ok:>4}/{len(rs):<4}   {instead}")
    return "\n".join(lines)


def report(results: list[Result], misses: bool = True) -> str:
    lines = [figures(results), "", confusion(results)]
    wrong = [r for r in results if r.problems]
    if misses and wrong:
        lines.append("")
        lines.append(f"Missar ({len(wrong)}):")
        for r in wrong:
            lines.append(f"- \"{r.case.q}\" [{r.case.lang}]: " + "; ".join(r.problems))
    return "\n".join(lines)
