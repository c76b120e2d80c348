"""Shared pieces of the web app: app keys, permission levels, routes and rendering helpers.

Every route of the web app is registered through `add_route` with the lowest account role
that may use it; the auth middleware (security.py) checks that level on every request.
Routes that other parts of the app register (/healthz, the Telegram webhook) are not ours
and pass through untouched.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import secrets
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any
from urllib.parse import quote

import aiohttp_jinja2
from aiohttp import web
from aiohttp_session import get_session

from bot.keys import ENGINE, MODEL_BUILDER, SERVICE, SETTINGS
from directory.accounts import RANK, User
from directory.hours import STOCKHOLM
from directory.labels import USER_ROLE_SV as ROLE_SV
from directory.service import DirectoryService

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

# Lowest account role that may use a route; "public" needs no sign-in.
LEVELS = ("public", "staff", "coordinator", "admin")

# A numeric id in a route: ASCII digits only ("²" is a digit to str.isdigit but not to int)
# and short enough for SQLite's 64-bit integers; anything else is a 404.
ID = "[0-9]{1,18}"

ROUTE_LEVELS = web.AppKey("web_route_levels", dict)  # route -> level
USER_KEY = web.RequestKey("user", object)  # the signed-in User, or None
VIA_TOKEN = web.RequestKey("via_token", bool)  # authenticated by an API bearer token

__all__ = ["ENGINE", "ROLE_SV", "SERVICE", "SETTINGS"]


def add_route(app: web.Application, method: str, path: str, handler: Handler, level: str,
              name: str | None = None) -> None:
    """Register a route of ours together with the level that may use it."""
    if level not in LEVELS:
        raise ValueError(level)
    route = app.router.add_route(method, path, handler, name=name)
    app[ROUTE_LEVELS][route] = level


def user_of(request: web.Request) -> User:
    """The signed-in user; the middleware has already refused anonymous requests."""
    user = request.get(USER_KEY)
    if user is None:  # pragma: no cover - the auth middleware makes this unreachable
        raise web.HTTPUnauthorized()
    return user


def service_of(request: web.Request) -> DirectoryService:
    return request.app[SERVICE]


def rebuild_model_soon(request: web.Request) -> None:
    """What understanding learns from changed: build the model again beside the server."""
    builder = request.app.get(MODEL_BUILDER)
    if builder is not None:
        builder.schedule()


def today() -> dt.date:
    return dt.datetime.now(STOCKHOLM).date()


def now() -> dt.datetime:
    return dt.datetime.now(STOCKHOLM)


def is_api(request: web.Request) -> bool:
    return request.path.startswith("/api/")


def wants_fragment(request: web.Request) -> bool:
    """A fetch() from our own JavaScript asks for an HTML fragment instead of a redirect."""
    return request.headers.get("X-Requested-With") == "fetch"


async def csrf_token(request: web.Request) -> str:
    """The session's CSRF token (made on first use); every form carries it."""
    session = await get_session(request)
    token = session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(32)
        session["csrf"] = token
    return token


SECTIONS = ("/admin/rapporter", "/admin/vagar", "/admin/aktualitet", "/admin/tackning",
            "/admin/logg", "/admin/obesvarade", "/admin/anvandare", "/admin", "/katalog",
            "/konto")


def section(path: str) -> str:
    """Which menu item a page belongs to (for aria-current)."""
    if path.startswith("/rapport/"):
        return "/katalog"
    for prefix in SECTIONS:
        if path == prefix or path.startswith(prefix + "/") or path.startswith(prefix + "."):
            return prefix
    return "/" if path in ("/", "/chatt") else ""


async def render(request: web.Request, template: str, context: dict[str, Any],
                 status: int = 200) -> web.Response:
    """A page: the template with the signed-in user, the CSRF token and the path."""
    user = request.get(USER_KEY)
    full = {"user": user, "rank": RANK.get(user.role, 0) if user else 0, "role_sv": ROLE_SV,
            "csrf_token": await csrf_token(request), "path": request.path,
            "section": section(request.path), "request": request}
    full.update(context)
    return aiohttp_jinja2.render_template(template, request, full, status=status)


def see_other(location: str) -> web.HTTPSeeOther:
    """POST/redirect/GET: raise the returned exception."""
    return web.HTTPSeeOther(location)


def json_response(data: Any, status: int = 200) -> web.Response:
    return web.json_response(data, status=status,
                             dumps=partial(json.dumps, ensure_ascii=False))


def json_error(status: int, message: str) -> web.Response:
    return json_response({"error": message}, status=status)


def q(value: str) -> str:
    """A path segment for a URL (municipality names have å, ä, ö)."""
    return quote(value, safe="")


def _trusted(address: str, proxies: tuple[str, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
        return any(ip in ipaddress.ip_network(p, strict=False) for p in proxies)
    except ValueError:
        return False


def client_ip(request: web.Request) -> str:
    """The client's address. X-Real-IP and X-Forwarded-For are believed only when the
    connection comes from a proxy named in KONTAKTVAG_TRUSTED_PROXIES (none by default):
    anyone else could write them to dodge the per-address limits."""
    remote = request.remote or "?"
    proxies = request.app[SETTINGS].trusted_proxies
    if not proxies or not _trusted(remote, proxies):
        return remote
    hops = [h.strip() for h in request.headers.get("X-Forwarded-For", "").split(",")
            if h.strip()]
    # The nearest hop that is not one of our proxies is the client.
    for hop in reversed(hops):
        if not _trusted(hop, proxies):
            return _valid_ip(hop) or remote
    real = request.headers.get("X-Real-IP", "").strip()
    return _valid_ip(real) or remote


def _valid_ip(text: str) -> str | None:
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        return None


def safe_next(value: str | None) -> str:
    """Only local paths are followed after sign-in (no open redirects). Browsers drop tabs
    and newlines from URLs, so "/<tab>/evil.example" would become "//evil.example": any
    control character, space or backslash makes the path unsafe."""
    if (not value or not value.startswith("/") or len(value) > 2000
            or any(c <= " " or c == "\x7f" or c == "\\" or c.isspace() for c in value)):
        return "/"
    if value.startswith("//") or value.startswith("/\\"):
        return "/"
    return value


async def form_of(request: web.Request) -> dict[str, str]:
    """The posted form as plain strings (the CSRF middleware has read it already)."""
    data = await request.post()
    return {k: v for k, v in data.items() if isinstance(v, str)}


def require_org(user: User, org_id: str) -> None:
    """403 unless the user may edit this organisation's entries."""
    if not user.may_edit(org_id):
        raise web.HTTPForbidden(text="Du får bara ändra din egen organisations uppgifter.")
