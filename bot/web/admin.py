"""Admins' pages: freshness dashboard, coverage matrix, audit log, unanswered questions,
users and invites."""

from __future__ import annotations

import datetime as dt
import re

from aiohttp import web

from bot.web import stats
from bot.web.core import (
    ID,
    ROLE_SV,
    SETTINGS,
    add_route,
    form_of,
    rebuild_model_soon,
    render,
    see_other,
    service_of,
    today,
    user_of,
)
from directory.labels import FRESHNESS_SV, INVITE_STATE_SV, local_time
from directory.model import Example
from directory.service import DirectoryService
from directory.vocabulary import FreshnessState, UserRole, values

PAGE = 50  # unanswered questions per page
CELL = {"ok": ("✓", "täckt"), "stale": ("!", "inaktuell"), "missing": ("✗", "saknas")}


async def freshness_page(request: web.Request) -> web.Response:
    service = service_of(request)
    d = await service.directory()
    day = today()
    rows = stats.freshness_by_org(d, day)
    totals = {s: sum(r.counts[s] for r in rows) for s in FreshnessState}
    dates = await service.verification_dates()
    series = stats.share_verified_over_time(d, dates, stats.month_ends(day))
    return await render(request, "freshness.html", {
        "rows": rows, "totals": totals, "total": sum(totals.values()), "series": series,
        "bars": _bars(series), "today": day,
        "states": {s: w.count for s, w in FRESHNESS_SV.items()}})


MONTHS_SV = ("jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec")


def _bars(series: list[tuple[dt.date, int, int, int]]) -> list[dict]:
    """Bar geometry for the SVG chart: plot area x 48..592, y 16..196."""
    slot = 544 / max(1, len(series))
    out = []
    for i, (day, _ok, _total, pct) in enumerate(series):
        height = round(180 * pct / 100, 1)
        x = round(48 + i * slot + slot * 0.15, 1)
        out.append({"x": x, "y": round(196 - height, 1), "w": round(slot * 0.7, 1),
                    "h": height, "pct": pct, "cx": round(x + slot * 0.35, 1),
                    "label": f"{MONTHS_SV[day.month - 1]} {day:%y}"})
    return out


async def coverage_page(request: web.Request) -> web.Response:
    service = service_of(request)
    d = await service.directory()
    day = today()
    cov = await service.coverage(day)
    cells = {(t, m): {"state": cov.state(t, m), "sentences": cov.sentences(t, m)}
             for t in d.topics for m in d.municipalities}
    counts = {s: sum(1 for c in cells.values() if c["state"] == s) for s in CELL}
    problems = [(d.topics[t], m, c) for (t, m), c in cells.items() if c["state"] != "ok"]
    problems.sort(key=lambda p: (p[2]["state"] != "missing", p[1], p[0].label))
    agreements = stats.agreements(d, day)
    return await render(request, "coverage.html", {
        "topics": list(d.topics.values()), "municipalities": d.municipalities,
        "cells": cells, "symbols": CELL, "counts": counts, "problems": problems,
        "days": cov.days, "week": [x for x in cov.days if x.kind == "week"],
        "agreements": agreements, "overdue": [a for a in agreements if a.state == "overdue"]})


async def _unanswered_page(request: web.Request, errors: dict | None = None,
                           values: dict | None = None, status: int = 200,
                           done: str | None = None) -> web.Response:
    service = service_of(request)
    units, words = await service.synonym_targets()
    total = await service.count_unanswered()
    pages = max(1, -(-total // PAGE))
    raw = request.query.get("sida", "1")
    page = min(int(raw), pages) if re.fullmatch(r"[0-9]{1,6}", raw) and int(raw) > 0 else 1
    rows = await service.unanswered(limit=PAGE, offset=(page - 1) * PAGE)
    topics = [(t.slug, t.label) for t in (await service.directory()).topics.values()]
    return await render(request, "unanswered.html", {
        "rows": rows, "units": units, "words": words, "page": page, "pages": pages,
        "topics": topics + [(NOTHING_FITS, "Inget i katalogen passar (utanför ämnet)")],
        "total": total, "errors": errors or {}, "values": values or {}, "done": done},
        status=status)


async def unanswered_page(request: web.Request) -> web.Response:
    done = {"synonym": "Synonymen är tillagd och frågan markerad som hanterad.",
            "namn": "Namnet är tillagt för verksamheten och frågan markerad som hanterad.",
            "hanterad": "Frågan är markerad som hanterad.",
            "amne": "Frågan är sparad som exempel med sin situation; förståelsen byggs om "
                    "inom en minut."}.get(request.query.get("klart", ""))
    return await _unanswered_page(request, done=done)


async def add_synonym(request: web.Request) -> web.Response:
    service = service_of(request)
    item_id = request.match_info["item_id"]
    form = await form_of(request)
    concept, lang, term = form.get("concept", ""), form.get("lang", ""), form.get("term", "")
    term = " ".join(term.split())
    units, words = await service.synonym_targets()
    errors = {}
    if concept not in {value for value, _ in units + words}:
        errors["concept"] = "Välj en verksamhet eller ett ord i listan."
    if lang not in ("sv", "en"):
        errors["lang"] = "Välj språk."
    if not 2 <= len(term) <= 60 or re.search(r"[\[\]{}<>;\"\x00-\x1f]", term):
        errors["term"] = "Ordet ska vara 2–60 tecken, utan hakparenteser eller citattecken."
    elif DirectoryService.clean(term)[1]:
        errors["term"] = "Ett personnummer kan inte bli en synonym."
    if errors:
        return await _unanswered_page(request, {item_id: errors}, {item_id: form}, 400)
    await service.add_terms(concept, lang, [term], user_of(request).name)
    await service.mark_unanswered_handled(int(item_id))
    unit = service.names_unit(concept)
    raise see_other(f"/admin/obesvarade?klart={'namn' if unit else 'synonym'}")


LEARNED_SOURCE = "personalens-fragor"  # data/examples/personalens-fragor.yaml
NOTHING_FITS = "inget"


async def label_question(request: web.Request) -> web.Response:
    """An admin says what a question was about: it becomes a labelled example (redacted
    as it was kept) and the model is built again, so that similar questions are understood."""
    service = service_of(request)
    item_id = request.match_info["item_id"]
    form = await form_of(request)
    topic = form.get("topic", "")
    d = await service.directory()
    item = await service.unanswered_item(int(item_id))
    if item is None:
        raise web.HTTPNotFound(text="Den frågan finns inte.")
    if topic != NOTHING_FITS and topic not in d.topics:
        return await _unanswered_page(request, {item_id: {"topic": "Välj en situation."}},
                                      {item_id: form}, 400)
    example = Example(DirectoryService.clean(item["query"])[0],
                      None if topic == NOTHING_FITS else topic, LEARNED_SOURCE,
                      danger=form.get("danger") == "1")
    await service.add_example(example, user_of(request).name)
    await service.mark_unanswered_handled(int(item_id))
    rebuild_model_soon(request)
    raise see_other("/admin/obesvarade?klart=amne")


async def mark_handled(request: web.Request) -> web.Response:
    item_id = request.match_info["item_id"]
    await service_of(request).mark_unanswered_handled(int(item_id))
    raise see_other("/admin/obesvarade?klart=hanterad")


async def _users_page(request: web.Request, invite: dict | None = None,
                      errors: dict | None = None, status: int = 200) -> web.Response:
    service = service_of(request)
    d = await service.directory()
    now = dt.datetime.now(dt.UTC)
    invites = [{"role": inv.role, "created_by": inv.created_by,
                "state": INVITE_STATE_SV[inv.state(now)], "when": local_time(inv.created_at),
                "expires": local_time(inv.expires_at)}
               for inv in await service.invites()]
    return await render(request, "users.html", {
        "users": await service.users(), "orgs": list(d.organisations.values()),
        "org_names": {o.id: o.name for o in d.organisations.values()},
        "invites": invites, "roles": [(r, ROLE_SV[r]) for r in values(UserRole)],
        "invite": invite, "errors": errors or {}, "me": user_of(request),
        "done": request.query.get("klart")}, status=status)


async def users_page(request: web.Request) -> web.Response:
    return await _users_page(request)


async def set_active(request: web.Request) -> web.Response:
    service = service_of(request)
    user_id = request.match_info["user_id"]
    target = await service.user(int(user_id))
    if target is None:
        raise web.HTTPNotFound(text="Det kontot finns inte.")
    me = user_of(request)
    form = await form_of(request)
    active = form.get("active") == "1"
    if target.id == me.id and not active:
        return await _users_page(request, errors={"users": "Du kan inte stänga av ditt eget "
                                                           "konto."}, status=400)
    await service.set_active(target.id, active, me.name)
    raise see_other("/admin/anvandare?klart=1")


async def create_invite(request: web.Request) -> web.Response:
    service = service_of(request)
    data = await request.post()
    role = str(data.get("role", ""))
    orgs = [str(o) for o in data.getall("orgs", [])]
    known = {o.id for o in await service.organisations()}
    errors = {}
    if role not in values(UserRole):
        errors["role"] = "Välj en roll."
    if any(o not in known for o in orgs):
        errors["orgs"] = "Okänd organisation."
    elif role == "coordinator" and not orgs:
        errors["orgs"] = "En samordnare behöver minst en organisation."
    if errors:
        return await _users_page(request, errors=errors, status=400)
    code, expires = await service.create_invite(role, orgs, user_of(request).name)
    settings = request.app[SETTINGS]
    base = settings.public_url or f"{request.scheme}://{request.host}"
    bot = settings.bot_username
    return await _users_page(request, invite={
        "code": code, "link": f"{base.rstrip('/')}/signup?code={code}",
        "telegram": f"https://t.me/{bot}?start={code}" if bot else None,
        "expires": local_time(expires.isoformat()), "role": ROLE_SV[role]})


def setup(app: web.Application) -> None:
    add_route(app, "GET", "/admin/aktualitet", freshness_page, "admin")
    add_route(app, "GET", "/admin/tackning", coverage_page, "admin")
    add_route(app, "GET", "/admin/obesvarade", unanswered_page, "admin")
    item = "/admin/obesvarade/{item_id:" + ID + "}"
    add_route(app, "POST", item + "/synonym", add_synonym, "admin")
    add_route(app, "POST", item + "/hanterad", mark_handled, "admin")
    add_route(app, "POST", item + "/amne", label_question, "admin")
    add_route(app, "GET", "/admin/anvandare", users_page, "admin")
    add_route(app, "POST", "/admin/anvandare/{user_id:" + ID + "}/aktiv", set_active, "admin")
    add_route(app, "POST", "/admin/inbjudan", create_invite, "admin")
