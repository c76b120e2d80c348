"""The JSON API: ask (the `ask` contract), entries, reports; described at /api/openapi.json.

Authentication (see openapi.py): a signed-in session cookie, with the header X-CSRF-Token
on POST (the token is in GET /api/me), or a personal API token made on /konto and sent as
`Authorization: Bearer kv_…` (no CSRF header needed: nothing ambient is sent). Both act
as the user they belong to, with the same permissions as the web pages. Protected fields
are never part of any answer.
"""

from __future__ import annotations

import re
from typing import Any

from aiohttp import web

from bot.web import jsonbody, limits
from bot.web.core import (
    VIA_TOKEN,
    add_route,
    csrf_token,
    json_error,
    json_response,
    now,
    service_of,
    today,
    user_of,
)
from bot.web.openapi import document
from directory.ask import canonical_municipality, parse_moment
from directory.freshness import freshness
from directory.model import Role
from directory.service import Conflict, Directory, DirectoryService, Refused, Report
from directory.vocabulary import ReportReason, values

MAX_QUESTION = 2000


class BadRequest(Exception):
    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


async def _body(request: web.Request) -> dict[str, Any]:
    """The JSON object of the request (bot.web.jsonbody: limits, never a 500)."""
    try:
        return await jsonbody.read(request)
    except jsonbody.BadBody as e:
        raise BadRequest(str(e), e.status) from None


def _shown(value: str) -> str:
    """What the caller sent, as an error quotes it: redacted, and cut short."""
    return DirectoryService.clean(value[:200])[0][:100]


def _iso(moment) -> str | None:
    return moment.isoformat(timespec="minutes") if moment else None


async def ask(request: web.Request) -> web.Response:
    service = service_of(request)
    wait = limits.wait_for(request, "ask")
    if wait:
        return limits.refused("ask", wait)
    try:
        body = await _body(request)
        question = body.get("q")
        if not isinstance(question, str) or not question.strip():
            raise BadRequest("\"q\" saknas: frågan som text.")
        if len(question) > MAX_QUESTION:
            raise BadRequest(f"\"q\" får vara högst {MAX_QUESTION} tecken.")
        at_raw, kommun_raw = body.get("at"), body.get("kommun")
        if at_raw is not None and not isinstance(at_raw, str):
            raise BadRequest("\"at\" ska vara en tidpunkt i ISO 8601.")
        try:
            at = parse_moment(at_raw)
        except ValueError:
            raise BadRequest(f"\"at\": '{_shown(at_raw or '')}' är ingen tidpunkt i ISO 8601, "
                             "t.ex. 2026-11-24T23:30:00+01:00") from None
        kommun = None
        if kommun_raw is not None and kommun_raw != "":
            if not isinstance(kommun_raw, str):
                raise BadRequest("\"kommun\" ska vara ett kommunnamn.")
            kommun = canonical_municipality(await service.directory(), kommun_raw)
            if kommun is None:
                raise BadRequest(f"\"kommun\": okänd kommun '{_shown(kommun_raw)}'")
        asker_raw = body.get("asker")
        if asker_raw is not None and not isinstance(asker_raw, str):
            raise BadRequest("\"asker\" ska vara vard, socialtjanst eller myndighet.")
        try:
            asker = DirectoryService.asker(asker_raw)
        except ValueError as e:
            raise BadRequest(f"\"asker\": {_shown(str(e))}") from None
    except BadRequest as e:
        return json_error(e.status, str(e))
    answer = await service.ask(question, at, kommun, record=True, asker=asker)
    return web.Response(body=answer.encoded(), content_type="application/json",
                        charset="utf-8")


def _summary(d: Directory, role: Role, reported: set[str]) -> dict[str, Any]:
    open_now, opens, closes = DirectoryService.open_state(role, now())
    f = freshness(role, today())
    org = d.organisations.get(role.org_id)
    return {
        "id": role.id, "name": role.name, "kind": role.kind,
        "organisation": {"id": role.org_id, "name": org.name if org else ""},
        "status": role.status, "serves": sorted(d.areas.get(role.id, ())),
        "open_now": open_now, "opens": _iso(opens), "closes": _iso(closes),
        "freshness": f.state, "verified": f.verified.isoformat() if f.verified else None,
        "reported": role.id in reported, "demo": d.is_demo(role),
    }


async def list_roles(request: web.Request) -> web.Response:
    service = service_of(request)
    d = await service.directory()
    kommun, kind, org = (request.query.get(k) for k in ("kommun", "kind", "org"))
    if kommun:
        name = canonical_municipality(d, kommun)
        if name is None:
            return json_error(400, f"okänd kommun '{_shown(kommun)}'")
        kommun = name
    reported = await service.reported_roles()
    roles = [r for r in d.roles.values()
             if (not kommun or kommun in d.areas.get(r.id, ()))
             and (not kind or r.kind == kind) and (not org or r.org_id == org)]
    return json_response({"roles": [_summary(d, r, reported) for r in roles]})


async def get_role(request: web.Request) -> web.Response:
    service = service_of(request)
    role_id = request.match_info["role_id"]
    # The version first: the snapshot read after it is at least as new, so a PATCH with
    # this ETag can only be refused too often, never accepted over a change unseen.
    version = await service.role_version(role_id)
    d = await service.directory()
    role = d.roles.get(role_id)  # the snapshot has no protected fields
    if role is None:
        return json_error(404, "Den rollen finns inte.")
    reported = await service.reported_roles()
    out = _summary(d, role, reported)
    out["document"] = DirectoryService.role_document(role, with_protected=False)
    out["version"] = version
    resp = json_response(out)
    resp.headers["ETag"] = etag(version)
    return resp


def _report_json(r: Report) -> dict[str, Any]:
    return {"id": r.id, "role_id": r.role_id, "reason": r.reason, "note": r.note,
            "created_at": r.created_at, "status": r.status}


async def add_report(request: web.Request) -> web.Response:
    service = service_of(request)
    wait = limits.wait_for(request, "report")
    if wait:
        return limits.refused("report", wait)
    try:
        body = await _body(request)
    except BadRequest as e:
        return json_error(e.status, str(e))
    d = await service.directory()
    role_id, reason, note = body.get("role_id"), body.get("reason"), body.get("note", "")
    if not isinstance(role_id, str) or role_id not in d.roles:
        return json_error(400, "\"role_id\" ska vara id för en roll i katalogen.")
    if reason not in values(ReportReason):
        return json_error(400, f"\"reason\" ska vara en av: {', '.join(values(ReportReason))}.")
    if not isinstance(note, str) or len(note) > 1000:
        return json_error(400, "\"note\" ska vara text, högst 1000 tecken.")
    report, _ = await service.report_entry(role_id, reason, note, user_of(request).id)
    return json_response(_report_json(report), status=201)


async def list_reports(request: web.Request) -> web.Response:
    user = user_of(request)
    orgs = user.orgs_in_charge()
    reports = await service_of(request).open_reports(orgs)
    return json_response({"reports": [_report_json(r) for r in reports]})


async def _own_role(request: web.Request) -> Role | web.Response:
    """The role in the URL if the user may change it, else the error response."""
    role = await service_of(request).role(request.match_info["role_id"])
    if role is None:
        return json_error(404, "Den rollen finns inte.")
    if not user_of(request).may_edit_role(role):
        return json_error(403, "Du får bara ändra din egen organisations uppgifter.")
    return role


async def verify(request: web.Request) -> web.Response:
    service = service_of(request)
    user = user_of(request)
    role = await _own_role(request)
    if isinstance(role, web.Response):
        return role
    day = today()
    await service.verify(role.id, user.name, day, via="API")
    return json_response({"role_id": role.id, "verified": day.isoformat(), "by": user.name})


EDITABLE = ("name", "instructions", "status", "notice", "hours", "on_holidays", "exceptions",
            "contacts", "serves", "groups", "concerns", "review_interval_days")
_ETAG = re.compile(r'(?:W/)?"v([0-9]{1,18})"')


def etag(version: int) -> str:
    """A role's entity tag: its newest version id (role or protected fields)."""
    return f'"v{version}"'


def _expected(request: web.Request) -> set[int] | web.Response:
    """The versions If-Match names, or the 428/412 answer when it names none."""
    value = request.headers.get("If-Match")
    if value is None or not value.strip():
        return json_error(428, "If-Match saknas: hämta rollen med GET /api/roles/{id} och "
                               "skicka dess ETag som If-Match, så skriver ingen över någon "
                               "annans ändring.")
    tags = [t.strip() for t in value.split(",")]
    if "*" in tags:
        return json_error(428, "If-Match: * räcker inte: skicka rollens ETag från GET.")
    found = {int(m.group(1)) for t in tags if (m := _ETAG.fullmatch(t))}
    return found or {-1}  # a tag that is not ours matches no version: 412


async def edit_role(request: web.Request) -> web.Response:
    """Change fields of a role: a JSON merge onto its document, read, merged, checked and
    written in one transaction, and only if If-Match still names the newest version (no
    silent lost updates). Answered after the commit, so an acknowledged edit survives a
    crash. Verification is never changed here."""
    service = service_of(request)
    user = user_of(request)
    role = await _own_role(request)
    if isinstance(role, web.Response):
        return role
    expected = _expected(request)
    if isinstance(expected, web.Response):
        return expected
    try:
        body = await _body(request)
    except BadRequest as e:
        return json_error(e.status, str(e))
    unknown = sorted(set(body) - set(EDITABLE))
    if unknown:
        return json_error(400, f"Fält som inte kan ändras här: {', '.join(unknown)}.")
    try:
        _, version = await service.patch_role(role.id, body, expected, user.name)
    except Conflict as c:
        current = await service.role(role.id)
        assert current is not None  # nothing is hard-deleted
        resp = json_response({
            "error": "Rollen har ändrats sedan du hämtade den (If-Match stämmer inte). "
                     "Hämta den igen, gör om ändringen och skicka den nya ETag.",
            "version": c.current,
            "document": DirectoryService.role_document(current)}, status=412)
        resp.headers["ETag"] = etag(c.current)
        return resp
    except Refused as r:
        return json_error(400, DirectoryService.issues_text(r.issues))
    except KeyError:
        return json_error(404, "Den rollen finns inte.")
    saved = await service.role(role.id)
    assert saved is not None  # just saved
    resp = json_response({"role_id": role.id, "version": version,
                          "document": DirectoryService.role_document(saved)})
    resp.headers["ETag"] = etag(version)
    return resp


async def me(request: web.Request) -> web.Response:
    user = user_of(request)
    out: dict[str, Any] = {"name": user.name, "role": user.role, "orgs": list(user.orgs),
                           "default_municipality": user.default_municipality}
    if not request.get(VIA_TOKEN):
        out["csrf_token"] = await csrf_token(request)
    return json_response(out)


async def openapi(request: web.Request) -> web.Response:
    return json_response(document())


def setup(app: web.Application) -> None:
    add_route(app, "GET", "/api/openapi.json", openapi, "staff")
    add_route(app, "GET", "/api/me", me, "staff")
    add_route(app, "POST", "/api/ask", ask, "staff")
    add_route(app, "GET", "/api/roles", list_roles, "staff")
    add_route(app, "GET", "/api/roles/{role_id}", get_role, "staff")
    add_route(app, "PATCH", "/api/roles/{role_id}", edit_role, "coordinator")
    add_route(app, "POST", "/api/roles/{role_id}/verify", verify, "coordinator")
    add_route(app, "GET", "/api/reports", list_reports, "coordinator")
    add_route(app, "POST", "/api/reports", add_report, "staff")
