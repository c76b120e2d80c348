"""Answers as Swedish text for people (the CLI, and the base of the chat cards)."""

from __future__ import annotations

import datetime as dt

from directory.ask import Answer
from directory.labels import CHANNEL_SV, DEMO_LINE, GROUP_SV, PERSON_GENDER_SV, UNIT_ASKED, when_sv
from directory.model import Person
from directory.service import Directory, RouteStep
from directory.vocabulary import FreshnessState, Group, Status


def open_line(step: RouteStep, now: dt.datetime) -> str:
    if step.open_now:
        if step.closes is None:
            return "Öppet nu (dygnet runt)"
        return f"Öppet nu, till {when_sv(step.closes, now)}"
    base = ("Tillfälligt stängt" if step.role.status == Status.TEMPORARILY_CLOSED
            else "Stängt nu")
    if step.opens:
        return f"{base}, öppnar {when_sv(step.opens, now)}"
    return base


def freshness_line(step: RouteStep) -> str:
    f = step.freshness
    if f.state == FreshnessState.UNVERIFIED or f.verified is None:  # None only if unverified
        return "⚠ Uppgiften har aldrig bekräftats – kontrollera numret."
    text = f"Senast bekräftad {f.verified.isoformat()}"
    if f.state == FreshnessState.STALE:
        return f"⚠ {text} – granskningen är försenad, kontrollera numret."
    return text


def contact_lines(step: RouteStep) -> list[str]:
    out = []
    for c, open_ in step.contacts:
        label = f" – {c.label}" if c.label else ""
        state = "" if open_ is None else (" (öppet nu)" if open_ else " (stängt nu)")
        out.append(f"{CHANNEL_SV.get(c.channel, c.channel)}: {c.value}{label}{state}")
    return out


def step_text(n: int, step: RouteStep, now: dt.datetime) -> list[str]:
    lines = [f"{n}. {step.role.name} ({step.organisation})", f"   {open_line(step, now)}"]
    lines += [f"   {c}" for c in contact_lines(step)]
    lines.append(f"   Varför: {step.why}")
    if step.notice:
        lines.append(f"   Meddelande: {step.notice}")
    lines.append(f"   {freshness_line(step)}")
    if step.more:
        lines.append(f"   … och {step.more} till av samma slag")
    return lines


def agreement_lines(answer: Answer) -> list[str]:
    """Which local agreement the route follows, and what it says about this topic."""
    g, out = answer.guidance, []
    line = g.agreement_line()
    if line:
        overdue = g.agreement is not None and g.agreement.overdue(answer.at.date())
        out.append(line + (" (granskningsdatumet har passerat)" if overdue else ""))
    if g.note:
        out.append(g.note)
    return out


def sources_line(answer: Answer) -> str | None:
    """'Lagrum (kontrollerade 2026-11-29): 10 kap. 28 § OSL; …' – compact, by date."""
    by_day: dict[str, list[str]] = {}
    for source in answer.guidance.sources:
        citations = by_day.setdefault(source.checked.isoformat(), [])
        if source.citation not in citations:
            citations.append(source.citation)
    if not by_day:
        return None
    return "Lagrum " + " · ".join(f"(kontrollerade {day}): {'; '.join(c)}"
                                  for day, c in sorted(by_day.items()))


def person_label(person: Person) -> str:
    """'15 år · barn · flicka', 'man · den som utövar våld': who the answer is for."""
    child = person.group == Group.CHILD or (person.age is not None and person.age < 18)
    parts = [f"{person.age} år" if person.age else "bebis" if person.age == 0 else ""]
    parts.append(GROUP_SV.get(person.group or "", ""))
    if person.gender:
        parts.append(PERSON_GENDER_SV[(person.gender, child)])
    if person.uses_violence:
        parts.append("den som utövar våld")
    return " · ".join(p for p in parts if p)


def understood_parts(d: Directory, answer: Answer, no_place: str) -> tuple[str, str]:
    """(situation label, place and person) as the asker should see what was understood."""
    u = answer.understanding
    topic = d.topics[u.topic].label if u.topic else UNIT_ASKED if answer.route else "–"
    place = u.municipality or no_place
    if u.municipality_from == "default":
        place += " (din förvalda kommun)"
    who = person_label(u.person)
    return topic, f"{place} · {who}" if who else place


def understood_line(d: Directory, answer: Answer) -> str:
    topic, place = understood_parts(d, answer, "ingen kommun angiven")
    return f"Tolkat som: {topic} · {place}"


def answer_text(d: Directory, answer: Answer) -> str:
    u = answer.understanding
    lines: list[str] = []
    if u.redacted:
        lines.append("⚠ Skicka inte personnummer eller patientuppgifter – numret togs bort.")
    if u.topic is None and not answer.route and not answer.clarify:
        lines.append("Jag hittar inget i katalogen som passar frågan. Beskriv situationen "
                     "kort, t.ex. \"orosanmälan Mora\" eller \"våldsutsatt kvinna Falun\".")
        lines.append("Vid akut fara: ring 112.")
        return "\n".join(lines)
    lines.append(understood_line(d, answer))
    if answer.clarify:
        lines.append(answer.clarify.question)
        lines += [f"  – {label}" for label in answer.clarify.shown]
        return "\n".join(lines)
    if u.danger:
        lines.append("AKUT FARA: ring 112 först.")
    lines += [f"⚠ {note}" for note in u.risks]
    lines += agreement_lines(answer)
    lines.append("")
    for i, step in enumerate(answer.route, 1):
        lines += step_text(i, step, answer.at)
    if answer.hidden:
        lines.append(f"({len(answer.hidden)} till listas inte här: katalogen på webben visar "
                     "alla per kommun.)")
    if answer.checklist:
        lines += ["", "Vad ska jag göra?"] + [f"  • {item}" for item in answer.checklist]
        footer = sources_line(answer)
        if footer:
            lines.append(f"  {footer}")
    if answer.guidance.deviations:
        lines += ["", f"Problem i samverkan: {answer.guidance.deviations}"]
    if answer.demo:
        lines += ["", DEMO_LINE]
    return "\n".join(lines)
