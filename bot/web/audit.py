"""The audit log for admins: who did what and when, in Swedish, with links to the entry and
the version; every time in Europe/Stockholm. Also as CSV with the same filters."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass
from urllib.parse import urlencode

from aiohttp import web

from bot.web.core import ROLE_SV, add_route, q, render, service_of, today
from bot.web.history import diff, summary
from directory.hours import STOCKHOLM
from directory.labels import REPORT_REASON_SV
from directory.service import AuditRow, Directory, Version

CATEGORIES = {
    "inloggning": ("Inloggningar", ("login", "logout")),
    "konton": ("Konton, inbjudningar och API-nycklar", ("user", "invite", "token")),
    "rapporter": ("Rapporter om fel", ("report",)),
    "katalog": ("Ändringar i katalogen", ("role", "path", "verification", "protected",
                                          "organisation", "lexicon", "synonym", "taxonomy",
                                          "scope", "agreement", "sources", "example",
                                          "examples")),
}
# What the log's code words mean, for people.
ACTION_SV = {
    "login": "Loggade in", "login.fail": "Misslyckad inloggning", "logout": "Loggade ut",
    "user.add": "Skapade konto", "user.password": "Bytte lösenord",
    "user.active": "Aktiverade konto", "user.inactive": "Stängde av konto",
    "invite.create": "Skapade inbjudan", "invite.redeem": "Använde inbjudan",
    "token.create": "Skapade API-nyckel", "token.revoke": "Återkallade API-nyckel",
    "report.add": "Rapporterade fel uppgift", "report.resolve": "Åtgärdade rapport",
}
VERB_SV = {"create": "Skapade", "update": "Ändrade", "restore": "Återställde",
           "import": "Läste in", "verify": "Bekräftade"}
NOUN_SV = {"role": "roll", "path": "kontaktväg", "protected": "skyddade uppgifter",
           "verification": "uppgifter som korrekta (Verifierad idag)",
           "organisation": "organisation", "lexicon": "ordlistan", "synonym": "synonym",
           "taxonomy": "ämnen och funktioner",
           "scope": "organisationens område och funktioner",
           "agreement": "överenskommelse om samverkan", "sources": "lagrum",
           "example": "exempelfråga", "examples": "exempelfrågor"}
BY_USER_ID = ("user.password", "user.active", "user.inactive")  # detail is a user id
LIMIT = 500


@dataclass
class Row:
    at: dt.datetime  # Stockholm time
    actor: str
    code: str
    action: str
    detail: str  # what it is about (linked to the entry when there is one)
    link: str | None = None  # the entry
    version: str | None = None  # the version in the entry's history
    changes: str = ""  # what changed, in short

    @property
    def when(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M}"


def local(iso: str) -> dt.datetime:
    moment = dt.datetime.fromisoformat(iso)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(STOCKHOLM)


def _version_row(v: Version, d: Directory) -> Row:
    label = f"{VERB_SV.get(v.action, v.action.capitalize())} {NOUN_SV.get(v.entity, v.entity)}"
    link = version = None
    detail = v.entity_id
    if v.entity in ("role", "verification", "protected"):
        role = d.roles.get(v.entity_id)
        detail = role.name if role else v.entity_id
        link = f"/admin/roles/{q(v.entity_id)}"
        version = f"{link}/historik#version-{v.id}"
    elif v.entity == "path":
        topic, _, municipality = v.entity_id.partition("@")
        name = d.topics[topic].label if topic in d.topics else topic
        if municipality == "regional":
            detail = f"{name} (regional väg)"
        else:
            detail = f"{name} i {municipality}"
            link = f"/admin/vagar/{q(municipality)}/{q(topic)}"
            version = f"{link}#version-{v.id}"
    elif v.entity in ("organisation", "scope") and v.entity_id in d.organisations:
        detail = d.organisations[v.entity_id].name
        link = f"/admin/org/{q(v.entity_id)}"
    elif v.entity == "agreement":
        detail = "regional" if v.entity_id == "regional" else v.entity_id
    elif v.entity == "synonym" and v.after:
        detail = f"{', '.join(v.after.get('terms', []))} → {v.entity_id}"
    changes = ""
    if (v.entity not in ("protected", "synonym", "lexicon", "sources", "example", "examples")
            and v.action != "import" and v.before):
        changes = summary(diff(v.before, v.after), limit=2)
    return Row(local(v.at), v.actor, f"{v.entity}.{v.action}", label, detail, link, version,
               changes)


def _log_row(r: AuditRow, names: dict[int, str], d: Directory) -> Row:
    code, actor, detail, link = r.action, r.actor, r.detail or "", None
    if code == "report.add":
        if actor.isdecimal():
            actor = names.get(int(actor), f"konto {actor}")
        role_id, _, reason = detail.partition(" ")
        role = d.roles.get(role_id)
        detail = f"{role.name if role else role_id}: {REPORT_REASON_SV.get(reason, reason)}"
        link = f"/admin/roles/{q(role_id)}" if role else None
    elif code == "report.resolve":
        detail = f"rapport {detail}"
        link = "/admin/rapporter"
    elif code in BY_USER_ID and detail.isdecimal():
        detail = names.get(int(detail), f"konto {detail}")
    elif code == "invite.create":
        user_role, _, orgs = detail.partition(" ")
        org_names = [d.organisations[o].name if o in d.organisations else o
                     for o in orgs.split(",") if o]
        detail = (ROLE_SV.get(user_role, user_role)
                  + (f" ({', '.join(org_names)})" if org_names else ""))
    elif code == "invite.redeem":
        detail = ROLE_SV.get(detail, detail)
    return Row(local(r.at), actor, code, ACTION_SV.get(code, code), detail, link)


async def audit_rows(request: web.Request, limit: int) -> tuple[list[Row], dict]:
    service = service_of(request)
    d = await service.directory()
    f = {k: request.query.get(k, "").strip() for k in ("vem", "typ", "fran", "till")}
    prefixes = CATEGORIES.get(f["typ"], (None, ()))[1]
    names = {u.id: u.name for u in await service.users()}
    rows = [_log_row(r, names, d) for r in await service.audit_rows(limit=5000)]
    rows += [_version_row(v, d) for v in await service.versions(limit=5000)]
    if f["vem"]:
        rows = [r for r in rows if r.actor == f["vem"]]
    if prefixes:
        rows = [r for r in rows if r.code.split(".")[0] in prefixes]
    for key, keep in (("fran", lambda day, limit_: day >= limit_),
                      ("till", lambda day, limit_: day <= limit_)):
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", f[key]):
            bound = dt.date.fromisoformat(f[key])
            rows = [r for r in rows if keep(r.at.date(), bound)]
    rows.sort(key=lambda r: r.at, reverse=True)
    return rows[:limit], f


async def audit_page(request: web.Request) -> web.Response:
    rows, f = await audit_rows(request, LIMIT)
    query = urlencode({k: v for k, v in f.items() if v})
    return await render(request, "audit.html", {"rows": rows, "filters": f, "limit": LIMIT,
                                                "categories": CATEGORIES, "csv_query": query})


def _cell(value: str) -> str:
    """No spreadsheet formulas from log text."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


async def audit_csv(request: web.Request) -> web.Response:
    rows, _ = await audit_rows(request, 100_000)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["tid (svensk tid)", "vem", "handling", "detalj", "kod"])
    for r in rows:
        detail = f"{r.detail}: {r.changes}" if r.changes else r.detail
        writer.writerow([r.at.isoformat(timespec="seconds"), _cell(r.actor), _cell(r.action),
                         _cell(detail), r.code])
    name = f"kontaktvag-logg-{today().isoformat()}.csv"
    return web.Response(body=("\ufeff" + out.getvalue()).encode(), headers={
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": f'attachment; filename="{name}"'})


def setup(app: web.Application) -> None:
    add_route(app, "GET", "/admin/logg", audit_page, "admin")
    add_route(app, "GET", "/admin/logg.csv", audit_csv, "admin")

