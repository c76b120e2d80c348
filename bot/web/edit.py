"""Coordinators' pages: their organisations' roles, the role form, verify, the report queue.

A coordinator may only touch the organisations on their account (User.may_edit); an admin
may touch all. Every handler checks that for the entry it is about, on every request.
"""

from __future__ import annotations

import re

from aiohttp import web

from bot.web import forms
from bot.web.core import (
    ID,
    add_route,
    form_of,
    q,
    render,
    require_org,
    safe_next,
    see_other,
    service_of,
    today,
    user_of,
)
from bot.web.history import entries
from directory.accounts import User
from directory.freshness import freshness
from directory.labels import FRESHNESS_SV, REPORT_REASON_SV
from directory.model import ALL, Organisation, Role
from directory.service import Conflict, OrgScope, Refused
from directory.vocabulary import FreshnessState

FRESH_ICON = {FreshnessState.FRESH: "✓", FreshnessState.DUE: "…", FreshnessState.STALE: "!",
              FreshnessState.UNVERIFIED: "!"}


def visible_orgs(user: User, organisations: dict[str, Organisation]) -> list[Organisation]:
    in_charge = user.orgs_in_charge()
    if in_charge is None:
        return list(organisations.values())
    return [organisations[o] for o in in_charge if o in organisations]


def _rows(roles: list[Role]) -> list[dict]:
    day = today()
    out = []
    for role in roles:
        f = freshness(role, day)
        out.append({"role": role, "state": f.state, "state_sv": FRESHNESS_SV[f.state].badge,
                    "icon": FRESH_ICON[f.state], "next_review": f.next_review})
    return out


def verified_flash(request: web.Request, roles: dict[str, Role]) -> str | None:
    """After 'Verifierad idag' in a list: say which entry was confirmed, and when."""
    role = roles.get(request.query.get("klart", ""))
    if role is None:
        return None
    return f"{role.name} är bekräftad som korrekt i dag ({today().isoformat()})."


async def home(request: web.Request) -> web.Response:
    user = user_of(request)
    service = service_of(request)
    d = await service.directory()
    orgs = visible_orgs(user, d.organisations)
    reports = await service.open_reports(None if user.is_admin else [o.id for o in orgs])
    summary = []
    for org in orgs:
        rows = _rows([r for r in d.roles.values() if r.org_id == org.id])
        attention = [r for r in rows if r["state"] != FreshnessState.FRESH]
        summary.append({"org": org, "count": len(rows), "attention": len(attention),
                        "rows": rows})
    return await render(request, "admin_home.html", {
        "summary": summary, "reports": len(reports), "expand": not user.is_admin,
        "done": verified_flash(request, d.roles), "done_id": request.query.get("klart")})


async def org_page(request: web.Request) -> web.Response:
    user = user_of(request)
    service = service_of(request)
    d = await service.directory()
    org = d.organisations.get(request.match_info["org_id"])
    if org is None:
        raise web.HTTPNotFound(text="Den organisationen finns inte.")
    require_org(user, org.id)
    return await _org_page(request, org)


async def _org_page(request: web.Request, org: Organisation, errors: dict | None = None,
                    chosen: OrgScope | None = None, status: int = 200) -> web.Response:
    service = service_of(request)
    d = await service.directory()
    roles = await service.roles(org.id)
    scope = await service.scope(org, roles)
    klart = request.query.get("klart", "")
    done = ("Organisationens område och funktioner är sparade." if klart == "omfang" else
            verified_flash(request, d.roles))
    return await render(request, "org.html", {
        "org": org, "rows": _rows(roles), "kinds": d.kinds, "done": done,
        "done_id": klart if klart in d.roles else None, "scope": scope,
        "chosen": chosen or scope, "errors": errors or {},
        "scope_kinds": [d.kinds[k].label if k in d.kinds else k for k in scope.kinds],
        "municipality_options": [(ALL, "Alla kommuner")] + [(m, m) for m in d.municipalities],
        "kind_options": [(k.slug, k.label) for k in d.kinds.values()]}, status=status)


async def set_scope(request: web.Request) -> web.Response:
    """Admins: which municipalities an organisation's roles may serve and which kinds of
    role it may have (directory.rules)."""
    service = service_of(request)
    d = await service.directory()
    org = d.organisations.get(request.match_info["org_id"])
    if org is None:
        raise web.HTTPNotFound(text="Den organisationen finns inte.")
    data = await request.post()
    area = [str(m) for m in data.getall("municipalities", [])]
    kinds = [str(k) for k in data.getall("kinds", [])]
    errors = {}
    if not area:
        errors["municipalities"] = "Välj minst en kommun (eller Alla kommuner)."
    elif any(m != ALL and m not in d.municipalities for m in area):
        errors["municipalities"] = "Välj kommuner i listan."
    if any(k not in d.kinds for k in kinds):
        errors["kinds"] = "Välj funktioner i listan."
    scope = OrgScope(org.id, (ALL,) if ALL in area else tuple(area), tuple(kinds))
    if errors:
        return await _org_page(request, org, errors, scope, status=400)
    await service.set_scope(scope, user_of(request).name)
    raise see_other(f"/admin/org/{q(org.id)}?klart=omfang")


async def _role_for_edit(request: web.Request) -> tuple[Role, Organisation, int]:
    """The role (with protected fields), its organisation and its version; the version is
    read first, so the form can only be newer than it says, never older."""
    service = service_of(request)
    version = await service.role_version(request.match_info["role_id"])
    role = await service.role(request.match_info["role_id"], with_protected=True)
    if role is None:
        raise web.HTTPNotFound(text="Den rollen finns inte.")
    require_org(user_of(request), role.org_id)
    org = await service.organisation(role.org_id)
    assert org is not None  # a role's organisation exists (a foreign key)
    return role, org, version


async def _form_page(request: web.Request, form: forms.RoleForm, org: Organisation,
                     role: Role | None, status: int = 200, saved: str | None = None,
                     version: int | None = None, meanwhile: list | None = None,
                     gaps: list[str] | None = None, verifying: bool = False) -> web.Response:
    service = service_of(request)
    d = await service.directory()
    f = freshness(role, today()) if role else None
    return await render(request, "role_form.html", {
        "form": form, "org": org, "role": role, "new": role is None, "saved": saved,
        "kinds": list(d.kinds.values()), "municipalities": d.municipalities,
        "fresh": f, "fresh_sv": FRESHNESS_SV[f.state].badge if f else None, "version": version,
        "meanwhile": meanwhile, "scope": await service.stored_scope(org.id),
        "gaps": gaps or [], "verifying": verifying, **forms.choices()}, status=status)


async def role_form(request: web.Request) -> web.Response:
    role, org, version = await _role_for_edit(request)
    saved = {"1": "Ändringarna är sparade som en ny version.",
             "0": "Inget var ändrat – ingen ny version.",
             "ny": "Rollen är skapad.",
             "ok": "Bekräftad som korrekt i dag.",
             "ok1": "Ändringarna är sparade och uppgifterna bekräftade som korrekta i dag.",
             }.get(request.query.get("sparat", ""))
    return await _form_page(request, forms.from_role(role, with_protected=True), org, role,
                            saved=saved, version=version)


def _posted_version(data) -> int:
    """The version the form was loaded at (0, which never matches, when it is missing)."""
    value = str(data.get("version", ""))
    return int(value) if re.fullmatch(r"[0-9]{1,18}", value) else 0


async def _changes_since(request: web.Request, role_id: str, version: int) -> list[dict]:
    """What others saved after `version`: the history entries, newest first."""
    service = service_of(request)
    found = [v for entity in ("role", "protected")
             for v in await service.versions(entity, role_id, limit=20) if v.id > version]
    return entries(sorted(found, key=lambda v: v.id, reverse=True)[:20], set())


# The role form's submit buttons. "Verifierad idag" on the role page submits the form too:
# what is on screen is saved and confirmed together, never the stored data behind unsaved
# edits. "-gap": the coordinator has seen that the edit opens a gap in coverage and saves.
SAVE_ACTIONS = {"save": (False, False), "verify": (True, False),
                "save-gap": (False, True), "verify-gap": (True, True)}
NOT_VERIFIED = ("Inget är sparat eller bekräftat. Rätta felen och tryck Verifierad idag igen "
                "– då sparas det som står i formuläret och bekräftas som korrekt.")


async def role_save(request: web.Request) -> web.Response:
    role, org, _ = await _role_for_edit(request)
    data = await request.post()
    started = _posted_version(data)
    form = forms.from_post(data)
    form.values["id"] = role.id  # the id of an existing role never changes
    forms.keep_order(form, role)
    if data.get("action") == "rows":
        form.add_blank_rows(2, 2, 1)
        return await _form_page(request, form, org, role, version=started)
    verify, gaps_seen = SAVE_ACTIONS.get(str(data.get("action", "save")), (False, False))
    service = service_of(request)
    user = user_of(request)
    d = await service.directory()
    new = forms.validate(form, org, d, new=False, scope=await service.stored_scope(org.id),
                         before=role)
    if new is None:
        if verify:
            form.general.insert(0, NOT_VERIFIED)
        return await _form_page(request, form, org, role, status=400, version=started,
                                verifying=verify)
    if not gaps_seen:
        gaps = await service.gaps_opened_by_role(new, today())
        if gaps:
            return await _form_page(request, form, org, role, status=409, version=started,
                                    gaps=gaps, verifying=verify)
    try:
        # The form holds every field, protected ones too: emptied there, they are cleared.
        # "Verifierad idag" confirms in the same transaction exactly what is saved.
        changed, _, _ = await service.save_role(new, started, user.name,
                                                verify_on=today() if verify else None)
    except Conflict as c:
        # Someone saved meanwhile: what they changed is shown, what was typed is kept, and
        # the form now carries the newest version, so saving again is a deliberate choice.
        current = await service.role(role.id, with_protected=True)
        return await _form_page(request, form, org, current or role, status=409,
                                version=c.current, verifying=verify,
                                meanwhile=await _changes_since(request, role.id, started))
    except Refused as r:
        forms.report_issues(form, r.issues, [])
        if verify:
            form.general.insert(0, NOT_VERIFIED)
        return await _form_page(request, form, org, role, status=400, version=started,
                                verifying=verify)
    if verify:
        raise see_other(f"/admin/roles/{q(role.id)}?sparat={'ok1' if changed else 'ok'}")
    raise see_other(f"/admin/roles/{q(role.id)}?sparat={'1' if changed else '0'}")


async def new_role_form(request: web.Request) -> web.Response:
    org = await _org_for_new(request)
    return await _form_page(request, forms.new_form(), org, None)


async def _org_for_new(request: web.Request) -> Organisation:
    org = await service_of(request).organisation(request.match_info["org_id"])
    if org is None:
        raise web.HTTPNotFound(text="Den organisationen finns inte.")
    require_org(user_of(request), org.id)
    return org


async def new_role_save(request: web.Request) -> web.Response:
    org = await _org_for_new(request)
    data = await request.post()
    form = forms.from_post(data)
    if data.get("action") == "rows":
        form.add_blank_rows(2, 2, 1)
        return await _form_page(request, form, org, None)
    service = service_of(request)
    d = await service.directory()
    role = forms.validate(form, org, d, new=True, taken=set(d.roles),
                          scope=await service.stored_scope(org.id))
    if role is None:
        return await _form_page(request, form, org, None, status=400)
    try:
        await service.create_role(role, user_of(request).name)
    except Refused as r:
        forms.report_issues(form, r.issues, [])
        return await _form_page(request, form, org, None, status=400)
    raise see_other(f"/admin/roles/{q(role.id)}?sparat=ny")


async def verify(request: web.Request) -> web.Response:
    service = service_of(request)
    role = await service.role(request.match_info["role_id"])
    if role is None:
        raise web.HTTPNotFound(text="Den rollen finns inte.")
    user = user_of(request)
    require_org(user, role.org_id)
    form = await form_of(request)
    await service.verify(role.id, user.name, today(), via="Verifierad idag")
    target = safe_next(form.get("next") or f"/admin/roles/{q(role.id)}?sparat=ok")
    raise see_other(target)


async def reports(request: web.Request) -> web.Response:
    user = user_of(request)
    service = service_of(request)
    d = await service.directory()
    orgs = user.orgs_in_charge()
    rows = [{"report": r, "role": d.roles.get(r.role_id),
             "reason": REPORT_REASON_SV.get(r.reason, r.reason)}
            for r in await service.open_reports(orgs)]
    return await render(request, "reports.html", {"rows": rows, "errors": {},
                                            "done": request.query.get("klart") == "1"})


async def resolve(request: web.Request) -> web.Response:
    user = user_of(request)
    service = service_of(request)
    report_id = request.match_info["report_id"]
    report = await service.report(int(report_id))
    if report is None:
        raise web.HTTPNotFound(text="Den rapporten finns inte.")
    role = await service.role(report.role_id)
    require_org(user, role.org_id if role else "")
    form = await form_of(request)
    if report.status == "open":
        await service.resolve_report(report.id, user.name, form.get("note", ""))
    raise see_other("/admin/rapporter?klart=1")


def setup(app: web.Application) -> None:
    add_route(app, "GET", "/admin", home, "coordinator")
    add_route(app, "GET", "/admin/org/{org_id}", org_page, "coordinator")
    add_route(app, "POST", "/admin/org/{org_id}/omfang", set_scope, "admin")
    add_route(app, "GET", "/admin/org/{org_id}/ny-roll", new_role_form, "coordinator")
    add_route(app, "POST", "/admin/org/{org_id}/ny-roll", new_role_save, "coordinator")
    add_route(app, "GET", "/admin/roles/{role_id}", role_form, "coordinator")
    add_route(app, "POST", "/admin/roles/{role_id}", role_save, "coordinator")
    add_route(app, "POST", "/admin/roles/{role_id}/verifiera", verify, "coordinator")
    add_route(app, "GET", "/admin/rapporter", reports, "coordinator")
    add_route(app, "POST", "/admin/rapporter/{report_id:" + ID + "}", resolve, "coordinator")
