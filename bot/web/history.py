"""Version history with a readable diff, and restoring an old version (as a new version)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aiohttp import web

from bot.web.core import ID, add_route, q, render, require_org, see_other, service_of, user_of
from directory.hours import HoursError, WeeklyHours
from directory.labels import (
    CHANNEL_SV,
    HOLIDAYS_SHORT_SV,
    STATUS_SV,
    VISIBILITY_SV,
    WEEKDAYS_SV,
    WHEN_SV,
    local_time,
)
from directory.service import Version

LABELS = {
    "id": "Id", "org_id": "Organisation", "name": "Namn", "kind": "Funktion",
    "status": "Status", "instructions": "Instruktioner", "serves": "Kommuner",
    "groups": "Målgrupper", "concerns": "Gäller", "hours": "Öppettider",
    "on_holidays": "Helgdagar", "exceptions": "Undantag", "notice": "Meddelande",
    "review_interval_days": "Granskningsintervall (dagar)", "verified": "Bekräftad",
    "contacts": "Kontaktväg", "channel": "kanal", "value": "uppgift", "label": "etikett",
    "visibility": "synlig för", "text": "text", "from": "från", "to": "till", "at": "datum",
    "by": "av", "date": "datum", "closed": "stängt", "note": "anteckning", "steps": "Steg",
    "when": "när", "why": "varför", "role": "roll", "topic": "Ämne",
    "municipality": "Kommun", "type": "Typ", "municipalities": "Kommuner", "demo": "Demo",
    "genders": "Kön", "aliases": "Andra namn", "before_holidays": "Dag före helgdag",
    "sources": "Lagrum", "for": "bara för", "kinds": "Funktioner",
}
# Values as words in a diff: "kanal telefon → säker e-post".
VALUES_SV: dict[str, dict[str, str]] = {
    "channel": {k: v.lower() for k, v in CHANNEL_SV.items()},
    "visibility": {k: v.lower() for k, v in VISIBILITY_SV.items()},
    "status": dict(STATUS_SV), "on_holidays": dict(HOLIDAYS_SHORT_SV), "when": dict(WHEN_SV),
}
ACTIONS = {"create": "Skapad", "update": "Ändrad", "restore": "Återställd",
           "verify": "Bekräftad som korrekt", "import": "Inläst från filer"}
ENTITY_SV = {"role": "Rolluppgifter", "verification": "Bekräftelse",
             "protected": "Skyddade uppgifter", "path": "Kontaktväg"}


DAY_WORDS = tuple(day.lower() for day in WEEKDAYS_SV)
FOLD_OVER = 12  # a whole document (created, imported, restored) with more rows is folded


@dataclass
class Change:
    field: str
    before: str
    after: str


def _hours_by_day(spec: Any) -> Any:
    """Weekly hours, however they were grouped ('mon-fri' or 'mon-thu' + 'fri'), as one
    entry per day in words, so that a diff says 'fredag 08:00–16:30 → 08:00–15:00'."""
    try:
        weekly = WeeklyHours.parse(spec)
    except HoursError:
        return spec
    return {day: ", ".join(f"{a // 60:02d}:{a % 60:02d}–{b // 60:02d}:{b % 60:02d}"
                           for a, b in intervals) or "stängt"
            for day, intervals in zip(DAY_WORDS, weekly.days, strict=True)}


def _flatten(doc: Any, prefix: str = "", out: dict[str, str] | None = None) -> dict[str, str]:
    out = {} if out is None else out
    if isinstance(doc, dict):
        for key, value in doc.items():
            if key == "hours" and isinstance(value, dict | str):
                value = _hours_by_day(value)
            _flatten(value, f"{prefix}.{key}" if prefix else str(key), out)
    elif isinstance(doc, list) and any(isinstance(x, dict | list) for x in doc):
        for i, value in enumerate(doc, 1):
            _flatten(value, f"{prefix}[{i}]", out)
    elif isinstance(doc, list):
        out[prefix] = ", ".join(str(x) for x in doc)
    elif isinstance(doc, bool):
        out[prefix] = "ja" if doc else "nej"
    elif doc is not None:
        key = prefix.rsplit(".", 1)[-1].split("[")[0]
        out[prefix] = VALUES_SV.get(key, {}).get(str(doc), str(doc))
    return out


def _label(path: str) -> str:
    parts = []
    for piece in path.split("."):
        name, _, index = piece.partition("[")
        text = LABELS.get(name, name)
        if index:
            text += " " + index.rstrip("]")
        parts.append(text)
    return " › ".join(parts).replace("Öppettider › ", "Öppettider ").replace(
        "öppettider › ", "öppettider ")


def diff(before: dict | None, after: dict | None) -> list[Change]:
    """Field-by-field changes between two documents, in Swedish field names."""
    a, b = _flatten(before or {}), _flatten(after or {})
    keys = list(dict.fromkeys([*a, *b]))
    return [Change(_label(k), a.get(k, "–"), b.get(k, "–")) for k in keys if a.get(k) != b.get(k)]


def entries(versions: list[Version], restorable: set[str]) -> list[dict]:
    """Newest first; protected values are never shown, only that they changed."""
    newest: set[str] = set()
    out = []
    for v in versions:
        hidden = v.entity == "protected"
        changes = [] if hidden else diff(v.before, v.after)
        can_restore = (v.entity in restorable and v.after is not None
                       and v.entity in newest)
        newest.add(v.entity)
        whole = v.before is None or v.action in ("import", "restore")
        out.append({"version": v, "when": local_time(v.at), "action": ACTIONS.get(v.action,
                                                                               v.action),
                    "entity": ENTITY_SV.get(v.entity, v.entity), "changes": changes,
                    "summary": summary(changes), "fold": whole and len(changes) > FOLD_OVER,
                    "hidden": hidden, "restore": can_restore})
    return out


def summary(changes: list[Change], limit: int = 3) -> str:
    """'Öppettider fredag: 08:00–16:30 → 08:00–15:00' for a quick read of an edit."""
    parts = [f"{c.field}: {c.before} → {c.after}" for c in changes[:limit]]
    if len(changes) > limit:
        parts.append(f"och {len(changes) - limit} fält till")
    return "; ".join(parts)


async def role_history(request: web.Request) -> web.Response:
    service = service_of(request)
    role = await service.role(request.match_info["role_id"])
    if role is None:
        raise web.HTTPNotFound(text="Den rollen finns inte.")
    require_org(user_of(request), role.org_id)
    versions = []
    for entity in ("role", "verification", "protected"):
        versions += await service.versions(entity, role.id)
    versions.sort(key=lambda v: v.id, reverse=True)
    return await render(request, "history.html", {
        "title": role.name, "back": f"/admin/roles/{q(role.id)}",
        "entries": entries(versions, {"role"}),
        "restored": request.query.get("aterstalld") == "1"})


async def restore(request: web.Request) -> web.Response:
    service = service_of(request)
    user = user_of(request)
    version_id = request.match_info["version_id"]
    version = await service.version(int(version_id))
    if version is None or version.entity not in ("role", "path") or version.after is None:
        raise web.HTTPNotFound(text="Den versionen kan inte återställas.")
    if version.entity == "role":
        role = await service.role(version.entity_id)
        require_org(user, role.org_id if role else version.after.get("org_id", ""))
        target = f"/admin/roles/{q(version.entity_id)}/historik?aterstalld=1"
    else:
        topic, _, municipality = version.entity_id.partition("@")
        d = await service.directory()
        if not user.may_edit_municipality(municipality, d.organisations):
            raise web.HTTPForbidden(text="Du får bara ändra din kommuns kontaktvägar.")
        target = f"/admin/vagar/{q(municipality)}/{q(topic)}?aterstalld=1"
    try:
        await service.restore(version.id, user.name)
    except ValueError as e:
        raise web.HTTPBadRequest(text=f"Versionen kunde inte återställas: {e}") from None
    raise see_other(target)


def setup(app: web.Application) -> None:
    add_route(app, "GET", "/admin/roles/{role_id}/historik", role_history, "coordinator")
    add_route(app, "POST", "/admin/versioner/{version_id:" + ID + "}/aterstall", restore,
              "coordinator")
