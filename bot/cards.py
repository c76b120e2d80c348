"""Answer cards for chat: short HTML (Telegram's subset, also used by the web chat).

Every phone number is a `tel:` link (the Telegram adapter rewrites those into a form the
Telegram clients link themselves). The first card always says what to call now: after a
closed first step it shows the first open one, after 112 the next step.
"""

from __future__ import annotations

import datetime as dt
from html import escape

from bot.render import (
    agreement_lines,
    freshness_line,
    open_line,
    sources_line,
    understood_parts,
)
from directory.ask import Answer
from directory.labels import CHANNEL_SV, DEMO_LINE
from directory.model import DANGER_KIND
from directory.phones import dial_string, find_numbers
from directory.service import Directory, DirectoryService, RouteStep

DEMO_HTML = f"<i>{DEMO_LINE}</i>"
PRIVACY_LINE = ("⚠ Skicka inte personnummer eller andra patientuppgifter här – "
                "numret togs bort innan frågan behandlades.")
NO_MATCH = ("Jag hittar inget i katalogen som passar. Beskriv situationen kort, t.ex. "
            "\"orosanmälan Mora\" eller \"våldsutsatt kvinna Falun\". Vid akut fara: ring 112.")
OPEN_INSTEAD = "<b>Öppet nu i stället:</b>"
THEN = "<b>Sedan:</b>"
SHOW_ALL = "Visa alla"
SHOWN_AT_MOST = 40  # roles in the "show all" card; the directory pages list every one


def tel(number: str, dial: str | None = None) -> str:
    """A phone number as a link that calls it."""
    return f'<a href="tel:{escape(dial or dial_string(number))}">{escape(number)}</a>'


def linked(text: str) -> str:
    """Plain text as HTML with every phone number in it a tel: link."""
    out, at = [], 0
    for start, end, dial in find_numbers(text):
        out += [escape(text[at:start]), tel(text[start:end], dial)]
        at = end
    out.append(escape(text[at:]))
    return "".join(out)


def contact_line(contact, open_: bool | None) -> str:
    channel = CHANNEL_SV.get(contact.channel, contact.channel)
    value = tel(contact.value) if contact.channel == "phone" else escape(contact.value)
    label = f" – {escape(contact.label)}" if contact.label else ""
    state = "" if open_ is None else (" (öppet nu)" if open_ else " (stängt nu)")
    return f"{'📞 ' if contact.channel == 'phone' else ''}{channel}: {value}{label}{state}"


def step_card(n: int | None, step: RouteStep, now: dt.datetime, reported: bool) -> list[str]:
    icon = "🟢" if step.open_now else "🔴"
    number = f"{n}. " if n is not None else ""
    lines = [f"<b>{number}{linked(step.role.name)}</b>", f"{icon} {escape(open_line(step, now))}"]
    lines += [contact_line(c, open_) for c, open_ in step.contacts]
    lines.append(f"Varför: {linked(step.why)}")
    if step.notice:
        lines.append(f"📣 {linked(step.notice)}")
    lines.append(escape(freshness_line(step)))
    if reported:
        lines.append("⚠ Rapporterad som felaktig – en samordnare kontrollerar uppgiften.")
    if step.more:
        lines.append(f"<i>… och {step.more} till av samma slag: tryck {SHOW_ALL}.</i>")
    return lines


def header(d: Directory, answer: Answer) -> str:
    topic, place = understood_parts(d, answer, "hela länet")
    return f"<b>{escape(topic)}</b> · {escape(place)}"


def first_steps(answer: Answer) -> list[int]:
    """Which steps of the route the first card shows (indexes, in route order): the first;
    after the alarm number the next one too; and when none of those is open (112 aside),
    the first open step - so that what to call now is never behind a button."""
    route = answer.route
    shown = [0]
    if route[0].role.kind == DANGER_KIND and len(route) > 1:
        shown.append(1)
    if not any(route[i].open_now for i in shown if route[i].role.kind != DANGER_KIND):
        first_open = next((i for i, s in enumerate(route) if i not in shown and s.open_now
                           and s.role.kind != DANGER_KIND), None)
        if first_open is not None:
            shown.append(first_open)
    return shown


def first_card(d: Directory, answer: Answer, reported: set[str]) -> str:
    u = answer.understanding
    lines = []
    if u.redacted:
        lines.append(PRIVACY_LINE)
    lines.append(header(d, answer))
    if u.danger:
        lines.append(f"<b>AKUT FARA – ring {tel('112')} först.</b>")
    lines += [f"⚠ {linked(note)}" for note in u.risks]
    lines += [f"📄 {linked(x)}" for x in agreement_lines(answer)]
    shown = first_steps(answer)
    for position, i in enumerate(shown):
        step = answer.route[i]
        lines.append("")
        if position > 0:
            after_alarm = i == 1 and answer.route[0].role.kind == DANGER_KIND
            lines.append(THEN if after_alarm else OPEN_INSTEAD)
        lines += step_card(i + 1, step, answer.at, step.role.id in reported)
    more = len(answer.route) - len(shown)
    if more:
        lines.append(f"\n{more} {'väg' if more == 1 else 'vägar'} till: tryck <i>Fler vägar</i>.")
    elif answer.hidden:
        lines.append(f"\n{len(answer.hidden)} till av samma slag: tryck <i>Fler vägar</i>.")
    if answer.demo:
        lines += ["", DEMO_HTML]
    return "\n".join(lines)


def rest_card(d: Directory, answer: Answer, reported: set[str]) -> str:
    lines = [header(d, answer), ""]
    shown = set(first_steps(answer)) if answer.route else set()
    rest = [(i, s) for i, s in enumerate(answer.route) if i not in shown]
    for i, step in rest:
        lines += step_card(i + 1, step, answer.at, step.role.id in reported) + [""]
    if not rest and not answer.hidden:
        lines.append("Inga fler vägar för den här situationen.")
    if answer.hidden:
        lines.append(f"<i>Och {len(answer.hidden)} till som inte visas här: tryck "
                     f"{SHOW_ALL}.</i>\n")
    if answer.demo:
        lines.append(DEMO_HTML)
    return "\n".join(lines).strip()


def hidden_card(d: Directory, answer: Answer, reported: set[str]) -> str:
    """The roles an answer left out (Answer.hidden), as cards without numbers."""
    lines = [header(d, answer), f"<b>Alla {len(answer.hidden)} som inte visades:</b>", ""]
    for pick in answer.hidden[:SHOWN_AT_MOST]:
        step = DirectoryService.step(d, pick.role, pick.why, answer.at, pick.sources)
        lines += step_card(None, step, answer.at, step.role.id in reported) + [""]
    left = len(answer.hidden) - SHOWN_AT_MOST
    if left > 0:
        lines.append(f"<i>… och {left} till: se katalogen på webben, per kommun.</i>")
    if answer.demo:
        lines.append(DEMO_HTML)
    return "\n".join(lines).strip()


def checklist_card(d: Directory, answer: Answer) -> str:
    """The checklist for whoever asks, each line with its sources in brackets, and below
    the sources with the day each was checked."""
    assert answer.understanding.topic is not None  # the engine asks only with a topic
    topic = d.topics[answer.understanding.topic]
    lines = [f"<b>Vad ska jag göra?</b> – {escape(topic.label)}"]
    lines += [f"• {linked(item)}" for item in answer.checklist]
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
    assert answer.clarify is not None  # the engine shows this card only for a clarification
    lines.append(escape(answer.clarify.question))
    return "\n".join(lines)


def no_match_card(answer: Answer) -> str:
    return (PRIVACY_LINE + "\n" if answer.understanding.redacted else "") + linked(NO_MATCH)
