"""Sessions, sign-in state, permission checks, CSRF tokens and security headers.

- Sessions: kept on the server (table web_sessions, People.start_session): the cookie
  (aiohttp-session's EncryptedCookieStorage, Fernet, HttpOnly, SameSite=Lax, Secure unless
  KONTAKTVAG_INSECURE_COOKIES=1) holds only a random session id and the CSRF token. Every
  request looks the session up with its user, so sign-out, a new password and switching
  an account off end it at once, and a copied cookie stops working with it.
- Permission: every route of ours has a level (core.add_route); checked here each request.
- CSRF: every unsafe request to our routes must carry the session's token, as the form field
  `csrf_token` or the header `X-CSRF-Token`; API requests with a bearer token carry no
  ambient credentials and are exempt.
"""

from __future__ import annotations

import hmac
import logging
import secrets
import time

from aiohttp import web
from aiohttp.typedefs import Middleware
from aiohttp_session import get_session, new_session, session_middleware
from aiohttp_session.cookie_storage import EncryptedCookieStorage
from cryptography.fernet import Fernet

from bot.web.core import (
    ROUTE_LEVELS,
    SERVICE,
    SETTINGS,
    USER_KEY,
    VIA_TOKEN,
    is_api,
    json_error,
    render,
)
from directory.accounts import User

log = logging.getLogger(__name__)

COOKIE_NAME = "kontaktvag"
SESSION_HOURS = 12
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
CSP = ("default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; "
       "object-src 'none'; img-src 'self' data:")
ERROR_TITLES = {400: "Felaktig begäran", 401: "Logga in", 403: "Ingen behörighet",
                404: "Sidan finns inte", 405: "Det går inte att göra så här",
                413: "För mycket data", 429: "För många försök",
                500: "Något gick fel"}


def session_key(settings_key: str | None) -> Fernet:
    """The Fernet key for session cookies; a random one (sessions end at restart) if unset."""
    if settings_key:
        try:
            return Fernet(settings_key.encode())
        except ValueError as e:
            raise SystemExit("KONTAKTVAG_SESSION_KEY är ingen giltig Fernet-nyckel "
                             "(44 tecken base64, skapa med: python -c 'from cryptography."
                             "fernet import Fernet; print(Fernet.generate_key().decode())')"
                             ) from e
    log.warning("KONTAKTVAG_SESSION_KEY saknas: en tillfällig nyckel används, "
                "inloggningar upphör när servern startas om")
    return Fernet(Fernet.generate_key())


def sessions(app: web.Application) -> Middleware:
    settings = app[SETTINGS]
    storage = EncryptedCookieStorage(
        session_key(settings.session_key), cookie_name=COOKIE_NAME, httponly=True,
        secure=settings.secure_cookies, samesite="Lax", max_age=SESSION_HOURS * 3600, path="/")
    return session_middleware(storage)


async def sign_in(request: web.Request, user: User) -> None:
    """A fresh session (no fixation) with a new CSRF token, kept on the server."""
    session = await new_session(request)
    session["sid"] = await request.app[SERVICE].start_session(user.id)
    session["csrf"] = secrets.token_urlsafe(32)
    session["since"] = int(time.time())
    request[USER_KEY] = user


async def sign_out(request: web.Request) -> None:
    """Ends the session on the server too: a copied cookie no longer works."""
    session = await get_session(request)
    sid = session.get("sid")
    if isinstance(sid, str):
        await request.app[SERVICE].end_session(sid, "logout")
    session.invalidate()
    request[USER_KEY] = None


def _level(request: web.Request) -> str | None:
    """Our level for this route, or None for routes that are not ours."""
    route = request.match_info.route
    if isinstance(route.resource, web.StaticResource):
        return "public"
    return request.app[ROUTE_LEVELS].get(route)


async def _session_user(request: web.Request) -> User | None:
    session = await get_session(request)
    sid = session.get("sid")
    if not isinstance(sid, str):
        return None
    user = await request.app[SERVICE].session_user(sid)
    if user is None:  # ended (sign-out, new password, switched off) or expired
        session.invalidate()
    return user


@web.middleware
async def auth_middleware(request: web.Request, handler) -> web.StreamResponse:
    level = _level(request)
    if level is None:  # /healthz, the Telegram webhook: not ours
        return await handler(request)
    user = None
    request[VIA_TOKEN] = False
    bearer = request.headers.get("Authorization", "")
    if is_api(request) and bearer.lower().startswith("bearer "):
        user = await request.app[SERVICE].user_for_token(bearer[7:].strip())
        if user is None:
            return json_error(401, "Ogiltig eller återkallad API-nyckel.")
        request[VIA_TOKEN] = True
    elif level != "public" or request.path in ("/login", "/signup"):
        user = await _session_user(request)
    request[USER_KEY] = user
    if level == "public":
        return await handler(request)
    if user is None:
        if is_api(request):
            return json_error(401, "Logga in eller använd en API-nyckel (Authorization: "
                                   "Bearer).")
        target = request.path_qs if request.method == "GET" else "/"
        raise web.HTTPSeeOther(f"/login?next={_quote(target)}")
    if not user.at_least(level):
        raise web.HTTPForbidden(text="Du har inte behörighet till den här sidan.")
    return await handler(request)


def _quote(value: str) -> str:
    from urllib.parse import quote

    return quote(value, safe="/")


@web.middleware
async def csrf_middleware(request: web.Request, handler) -> web.StreamResponse:
    if request.method not in UNSAFE or _level(request) is None or request.get(VIA_TOKEN):
        return await handler(request)
    session = await get_session(request)
    expected = session.get("csrf")
    sent = request.headers.get(CSRF_HEADER)
    if sent is None and request.content_type in ("application/x-www-form-urlencoded",
                                                 "multipart/form-data"):
        form = await request.post()
        value = form.get(CSRF_FIELD)
        sent = value if isinstance(value, str) else None
    if not expected or not sent or not hmac.compare_digest(str(expected), sent):
        if is_api(request):
            return json_error(403, "CSRF-token saknas eller är fel (skicka X-CSRF-Token).")
        if not expected and cookie_never_sent(request):
            raise web.HTTPForbidden(text=INSECURE_COOKIE_TEXT.format(host=request.host))
        raise web.HTTPForbidden(text="Formuläret har gått ut eller kom inte från den här "
                                     "sidan. Ladda om sidan och försök igen.")
    return await handler(request)


LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1")
INSECURE_COOKIE_TEXT = (
    "Inloggningen kräver https. Kontaktvägs sessionskaka är märkt Secure, och webbläsaren "
    "skickar den inte tillbaka över vanlig http till {host} – därför kan formuläret inte "
    "kontrolleras, hur många gånger sidan än laddas om. Öppna tjänsten via https (se "
    "deploy/nginx.conf.example), eller starta den med KONTAKTVAG_INSECURE_COOKIES=1 för ett "
    "test på ett lokalt nät.")


def cookie_never_sent(request: web.Request) -> bool:
    """Why a form has no session: its Secure cookie was never sent back, because the page
    was opened over plain http under a name that is not localhost (browsers send Secure
    cookies over http to localhost only)."""
    if not request.app[SETTINGS].secure_cookies or COOKIE_NAME in request.cookies:
        return False
    forwarded = request.headers.get("X-Forwarded-Proto", "").lower()
    if request.secure or forwarded == "https":
        return False
    host = request.host.rsplit(":", 1)[0] if not request.host.startswith("[") else (
        request.host[1:].split("]")[0])
    return host not in LOCAL_HOSTS and not host.endswith(".localhost")


def _secure_headers(request: web.Request, response: web.StreamResponse) -> None:
    h = response.headers
    h.setdefault("Content-Security-Policy", CSP)
    h.setdefault("X-Frame-Options", "DENY")
    h.setdefault("X-Content-Type-Options", "nosniff")
    h.setdefault("Referrer-Policy", "no-referrer")
    h.setdefault("Cache-Control", "no-store")
    h.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    h.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    public_url = request.app[SETTINGS].public_url or ""
    if public_url.startswith("https://"):
        h.setdefault("Strict-Transport-Security", "max-age=31536000")


async def _error_page(request: web.Request, status: int, text: str | None
                      ) -> web.StreamResponse:
    message = text if text and not text.startswith(f"{status}:") else None
    if is_api(request):
        return json_error(status, message or ERROR_TITLES.get(status, "Fel"))
    try:
        return await render(request, "error.html", {
            "status": status, "title": ERROR_TITLES.get(status, "Fel"), "message": message},
            status=status)
    except Exception:  # pragma: no cover - never fail while reporting a failure
        log.exception("felsidan kunde inte visas")
        return web.Response(status=status, text=ERROR_TITLES.get(status, "Fel"))


@web.middleware
async def headers_middleware(request: web.Request, handler) -> web.StreamResponse:
    """Security headers on every response, and Swedish error pages for our routes."""
    try:
        response = await handler(request)
    except web.HTTPException as exc:
        if exc.status >= 400 and (_level(request) is not None or exc.status in (404, 405)):
            response = await _error_page(request, exc.status, exc.text)
        else:
            _secure_headers(request, exc)
            raise
    except Exception as exc:
        if isinstance(exc, OSError) and isinstance(request.match_info.route.resource,
                                                   web.StaticResource):
            # A file name the file system refuses (too long): there is no such file.
            response = await _error_page(request, 404, None)
        else:
            # The traceback names code, never the request body or form contents; the
            # path is quoted, so that a newline in it cannot forge a log line.
            log.exception("oväntat fel på %s %r", request.method, request.path)
            response = await _error_page(request, 500, None)
    _secure_headers(request, response)
    return response
