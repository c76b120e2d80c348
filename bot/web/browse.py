"""The plain directory browser (by municipality, by topic) and the report form for staff.

Staff see what the chat shows: roles, staff and public contacts, hours, notices and how
fresh an entry is. Protected fields are never read here.
"""

from __future__ import annotations

from dataclasses import dataclass

from aiohttp import web

from bot.render import freshness_line, open_line
from bot.web import limits
from bot.web.core import add_route, form_of, now, q, render, see_other, service_of, user_of
from directory.hours import format_intervals
from directory.labels import CHANNEL_SV, HOLIDAYS_SV, REPORT_REASON_SV, describe_weekly
from directory.phones import dial_string
from directory.service import Directory, DirectoryService, RouteStep


@dataclass
class ContactView:
    channel: str
    value: str
    label: str
    href: str | None
    open_now: bool | None


@dataclass
class RoleView:
    step: RouteStep
    open_text: str
    hours: str
    holidays: str
    freshness_text: str
    contacts: list[ContactView]
    reported: bool
    instructions: str = ""  # with the sources it rests on, in brackets
    why: str = ""  # likewise


def contact_views(step: RouteStep) -> list[ContactView]:
    out = []
    for c, open_ in step.contacts:
        href = None
        if c.channel == "phone":
            href = f"tel:{dial_string(c.value)}"
        elif c.channel in ("email", "secure-email"):
            href = f"mailto:{c.value}"
        elif c.channel == "web" and c.value.startswith(("https://", "http://")):
            href = c.value
        out.append(ContactView(CHANNEL_SV.get(c.channel, c.channel), c.value, c.label, href,
                               open_))
    return out


def role_view(d: Directory, step: RouteStep, reported: set[str]) -> RoleView:
    role, why = step.role, step.why
    hours = describe_weekly(role.schedule.weekly)
    if role.schedule.before_holidays is not None:
        hours += f"; dag före helgdag {format_intervals(role.schedule.before_holidays)}"
    return RoleView(step, open_line(step, now()), hours,
                    HOLIDAYS_SV.get(role.schedule.on_holidays, ""), freshness_line(step),
                    contact_views(step), role.id in reported,
                    DirectoryService.with_citation(d, role.instructions, role.sources),
                    DirectoryService.with_citation(d, why, step.sources) if why else "")


async def index(request: web.Request) -> web.Response:
    d = await service_of(request).directory()
    return await render(request, "browse_index.html", {
        "municipalities": d.municipalities, "topics": list(d.topics.values()),
        "mine": user_of(request).default_municipality})


async def municipality(request: web.Request) -> web.Response:
    service = service_of(request)
    d = await service.directory()
    name = request.match_info["name"]
    if name not in d.municipalities:
        raise web.HTTPNotFound(text="Den kommunen finns inte i katalogen.")
    reported = await service.reported_roles()
    groups = [(kind, [role_view(d, s, reported) for s in steps])
              for kind, steps in await service.municipality_steps(name, now())]
    return await render(request, "browse_municipality.html", {
        "name": name, "groups": groups, "demo": any(d.is_demo(r) for _, vs in groups
                                                     for r in (v.step.role for v in vs))})


async def topic(request: web.Request) -> web.Response:
    service = service_of(request)
    d = await service.directory()
    slug = request.match_info["slug"]
    topic_ = d.topics.get(slug)
    if topic_ is None:
        raise web.HTTPNotFound(text="Det ämnet finns inte i katalogen.")
    chosen = request.query.get("kommun") or user_of(request).default_municipality
    if chosen not in d.municipalities:
        chosen = None
    everything = request.query.get("alla") == "1"  # else what an answer lists (ANSWER_CAP)
    r, g = await service.topic_route(slug, chosen, now(), everything)
    reported = await service.reported_roles()
    views = [role_view(d, s, reported) for s in r.steps]
    return await render(request, "browse_topic.html", {
        "topic": topic_, "municipalities": d.municipalities, "chosen": chosen,
        "needs_municipality": r.needs_municipality and chosen is None, "views": views,
        "local": r.local, "demo": any(v.step.demo for v in views), "guidance": g,
        "left_out": len(r.hidden)})


async def report_page(request: web.Request) -> web.Response:
    d = await service_of(request).directory()
    role = d.roles.get(request.match_info["role_id"])
    if role is None:
        raise web.HTTPNotFound(text="Den uppgiften finns inte.")
    return await render(request, "report.html", {
        "role": role, "reasons": REPORT_REASON_SV, "values": {}, "errors": {},
        "thanks": request.query.get("tack") == "1", "back": request.query.get("fran", "")})


async def report(request: web.Request) -> web.Response:
    service = service_of(request)
    d = await service.directory()
    role = d.roles.get(request.match_info["role_id"])
    if role is None:
        raise web.HTTPNotFound(text="Den uppgiften finns inte.")
    form = await form_of(request)
    wait = limits.wait_for(request, "report")
    if wait:
        return await render(request, "report.html", {
            "role": role, "reasons": REPORT_REASON_SV, "values": {}, "thanks": False,
            "back": "", "errors": {"reason": f"Du har skickat många rapporter. Vänta {wait} "
                                             "sekunder och försök igen."}}, status=429)
    reason = form.get("reason", "")
    # Redacted before anything else: a form sent back with errors never shows the number.
    note, had_number = service.clean(form.get("note", "").strip())
    errors = {}
    if reason not in REPORT_REASON_SV:
        errors["reason"] = "Välj vad som är fel."
    if reason == "annat" and not note:
        errors["note"] = "Beskriv kort vad som är fel."
    if len(note) > 1000:
        errors["note"] = "Högst 1000 tecken."
    if errors:
        if had_number:
            errors["note"] = (errors.get("note", "") + " Personnumret är borttaget: skriv "
                              "inga patientuppgifter här.").strip()
        return await render(request, "report.html", {
            "role": role, "reasons": REPORT_REASON_SV, "values": {"reason": reason, "note": note},
            "errors": errors, "thanks": False, "back": ""}, status=400)
    await service.report_entry(role.id, reason, note, user_of(request).id)
    raise see_other(f"/rapport/{q(role.id)}?tack=1")


def setup(app: web.Application) -> None:
    add_route(app, "GET", "/katalog", index, "staff")
    add_route(app, "GET", "/katalog/kommun/{name}", municipality, "staff")
    add_route(app, "GET", "/katalog/amne/{slug}", topic, "staff")
    add_route(app, "GET", "/rapport/{role_id}", report_page, "staff")
    add_route(app, "POST", "/rapport/{role_id}", report, "staff")
