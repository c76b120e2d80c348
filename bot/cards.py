"""Answer cards for chat: short HTML (Telegram's subset, also used by the web chat)."""

from __future__ import annotations

import datetime as dt
from html import escape

from bot.render import (
    agreement_lines,
    contact_lines,
    freshness_line,
    open_line,
    sources_line,
    understood_parts,
)
from directory.ask import Answer
from directory.routing import RouteStep
from directory.snapshot import Directory

DEMO_LINE = "<i>Demodata – påhittade nummer och verksamheter, inte för verkliga ärenden.</i>"
PRIVACY_LINE = ("⚠ Skicka inte personnummer eller andra patientuppgifter här – "
                "numret togs bort innan frågan behandlades.")
NO_MATCH = ("Jag hittar inget i katalogen som passar. Beskriv situationen kort, t.ex. "
            "\"orosanmälan Mora\" eller \"våldsutsatt kvinna Falun\". Vid akut fara: ring 112.")


def step_card(n: int, step: RouteStep, now: dt.datetime, reported: bool) -> list[str]:
    icon = "🟢" if step.open_now else "🔴"
    lines = [f"<b>{n}. {escape(step.role.name)}</b>", f"{icon} {escape(open_line(step, now))}"]
    lines += [f"📞 {escape(c)}" if c.startswith("Telefon") else escape(c)
              for c in contact_lines(step)]
    lines.append(f"Varför: {escape(step.why)}")
    if step.notice:
        lines.append(f"📣 {escape(step.notice)}")
    lines.append(escape(freshness_line(step)))
    if reported:
        lines.append("⚠ Rapporterad som felaktig – en samordnare kontrollerar uppgiften.")
    return lines


def header(d: Directory, answer: Answer) -> str:
    topic, place = understood_parts(d, answer, "hela länet")
    return f"<b>{escape(topic)}</b> · {escape(place)}"


def first_card(d: Directory, answer: Answer, reported: set[str]) -> str:
    u = answer.understanding
    lines = []
    if u.redacted:
        lines.append(PRIVACY_LINE)
    lines.append(header(d, answer))
    if u.danger:
        lines.append("<b>AKUT FARA – ring 112 först.</b>")
    lines += [f"📄 {escape(x)}" for x in agreement_lines(answer)]
    lines.append("")
    step = answer.route[0]
    lines += step_card(1, step, answer.at, step.role.id in reported)
    if len(answer.route) > 1:
        more = len(answer.route) - 1
        lines.append(f"\n{more} {'väg' if more == 1 else 'vägar'} till: tryck <i>Fler vägar</i>.")
    if answer.demo:
        lines += ["", DEMO_LINE]
    return "\n".join(lines)


def rest_card(d: Directory, answer: Answer, reported: set[str]) -> str:
    lines = [header(d, answer), ""]
    for i, step in enumerate(answer.route[1:], 2):
        lines += step_card(i, step, answer.at, step.role.id in reported) + [""]
    if len(answer.route) < 2:
        lines.append("Inga fler vägar för den här situationen.")
    if answer.demo:
        lines.append(DEMO_LINE)
    return "\n".join(lines).strip()


def checklist_card(d: Directory, answer: Answer) -> str:
    """The checklist for whoever asks, each line with its sources in brackets, and below
    the sources with the day each was checked."""
    topic = d.topics[answer.understanding.topic]
    lines = [f"<b>Vad ska jag göra?</b> – {escape(topic.label)}"]
    lines += [f"• {escape(item)}" for item in answer.checklist]
    footer = sources_line(answer)
    if footer:
        lines += ["", f"<i>{escape(footer)}</i>"]
    return "\n".join(lines)


def deviations_line(answer: Answer) -> str | None:
    """Beside "Fel uppgift?": where problems with the cooperation itself are reported."""
    where = answer.guidance.deviations
    return f"Problem i samverkan, inte en fel uppgift? {where}" if where else None


def clarify_card(d: Directory, answer: Answer) -> str:
    lines = []
    if answer.understanding.redacted:
        lines.append(PRIVACY_LINE)
    if answer.understanding.topic:
        lines.append(header(d, answer))
    lines.append(escape(answer.clarify["question"]))
    return "\n".join(lines)


def no_match_card(answer: Answer) -> str:
    return (PRIVACY_LINE + "\n" if answer.understanding.redacted else "") + escape(NO_MATCH)
