"""Sign-in and sign-out, sign-up with an invite code, login throttling, the account page."""

from __future__ import annotations

import asyncio
import time
from collections import deque
from typing import Any

from aiohttp import web

from bot.passwords import check_password, hash_password, name_problem, password_problem
from bot.web.chat import forget as forget_chat
from bot.web.core import (
    ID,
    ROLE_SV,
    USER_KEY,
    add_route,
    client_ip,
    form_of,
    render,
    safe_next,
    see_other,
    service_of,
    user_of,
)
from bot.web.security import sign_in, sign_out
from directory.service import DirectoryService, NameTaken

# A real Argon2id hash of a random string: unknown names cost as much time as known ones.
_DUMMY_HASH = hash_password("kontaktvag-dummy-" + str(time.time_ns()))


class Throttle:
    """Failed attempts per key in a sliding window; too many and the key waits."""

    def __init__(self, limit: int, window: float) -> None:
        self.limit, self.window = limit, window
        self.failures: dict[str, deque[float]] = {}
        self.clock = time.monotonic

    def _recent(self, key: str) -> deque[float]:
        now = self.clock()
        q = self.failures.setdefault(key, deque())
        while q and now - q[0] > self.window:
            q.popleft()
        return q

    def blocked_for(self, key: str) -> int:
        """Seconds until the key may try again (0: now)."""
        q = self._recent(key)
        if len(q) < self.limit:
            return 0
        return max(1, int(self.window - (self.clock() - q[0])))

    def fail(self, key: str) -> None:
        self._recent(key).append(self.clock())
        if len(self.failures) > 10_000:  # forget the oldest keys rather than grow forever
            for stale in list(self.failures)[:1000]:
                self.failures.pop(stale, None)

    def clear(self, key: str) -> None:
        self.failures.pop(key, None)


class SlowDown(Throttle):
    """Never locks out: after `limit` failures in the window, each attempt must wait a
    delay after the last failure that doubles with every further failure, up to `cap`
    seconds. An account attacked from many addresses is slowed for everyone, its owner
    included, but only by seconds."""

    def __init__(self, limit: int, window: float, cap: float) -> None:
        super().__init__(limit, window)
        self.cap = cap

    def blocked_for(self, key: str) -> int:
        q = self._recent(key)
        if len(q) < self.limit:
            return 0
        delay = min(self.cap, 2.0 ** (len(q) - self.limit))
        left = delay - (self.clock() - q[-1])
        return max(1, int(left + 0.999)) if left > 0 else 0


THROTTLE = web.AppKey("web_throttle", dict)  # name -> Throttle


def throttles() -> dict[str, Throttle]:
    """Sign-in limits in 15 minutes: five wrong passwords for one account from one address
    stop that address for that account; thirty from one address stop the address; an
    account's failures from all addresses together only slow it down (after ten, a delay
    that doubles up to 30 s), so nobody can lock its owner out."""
    return {"pair": Throttle(5, 900), "ip": Throttle(30, 900),
            "account": SlowDown(10, 900, 30), "code": Throttle(10, 900)}


def _minutes(seconds: int) -> str:
    minutes = max(1, (seconds + 59) // 60)
    return "1 minut" if minutes == 1 else f"{minutes} minuter"


async def login_page(request: web.Request) -> web.Response:
    if request.get(USER_KEY) is not None:
        raise see_other(safe_next(request.query.get("next")))
    return await render(request, "login.html", {"next": safe_next(request.query.get("next")),
                                          "name": "", "error": None})


async def login(request: web.Request) -> web.Response:
    form = await form_of(request)
    name = form.get("name", "").strip()[:100]
    password = form.get("password", "")
    target = safe_next(form.get("next"))
    t = request.app[THROTTLE]
    ip = client_ip(request)
    name_key = name.casefold()
    pair_key = f"{name_key}\n{ip}"
    wait = max(t["pair"].blocked_for(pair_key), t["ip"].blocked_for(ip))
    slow = t["account"].blocked_for(name_key)
    if wait or slow:
        text = (f"För många misslyckade inloggningar härifrån. Försök igen om "
                f"{_minutes(wait)}." if wait else
                f"Många misslyckade inloggningar på kontot. Vänta {slow} sekunder och "
                "försök igen.")
        resp = await render(request, "login.html", {"next": target, "name": name,
                                                     "error": text}, status=429)
        resp.headers["Retry-After"] = str(max(wait, slow))
        return resp
    service = service_of(request)
    user = await service.user_by_name(name) if name else None
    stored = user.password_hash if user else _DUMMY_HASH
    ok = await asyncio.to_thread(check_password, stored, password)
    if not ok or user is None or not user.active:
        for key, value in (("pair", pair_key), ("ip", ip), ("account", name_key)):
            t[key].fail(value)
        await service.audit(user.name if user else "okänt konto", "login.fail", "webben")
        return await render(request, "login.html", {
            "next": target, "name": name,
            "error": "Fel kontonamn eller lösenord, eller så är kontot avstängt."}, status=401)
    t["pair"].clear(pair_key)
    await sign_in(request, user)
    await service.audit(user.name, "login", "webben")
    raise see_other(target)


async def logout(request: web.Request) -> web.Response:
    user = user_of(request)
    forget_chat(request.app, user.id)
    await sign_out(request)
    await service_of(request).audit(user.name, "logout", "webben")
    raise see_other("/login?ut=1")


async def signup_page(request: web.Request) -> web.Response:
    code = request.query.get("code", "").strip()[:100]
    invite = await service_of(request).invite(code) if code else None
    return await render(request, "signup.html", {"code": code, "invite": invite, "values": {},
                                           "errors": {}, "role_sv": ROLE_SV})


async def signup(request: web.Request) -> web.Response:
    form = await form_of(request)
    code = form.get("code", "").strip()[:100]
    name = form.get("name", "").strip()
    password, repeat = form.get("password", ""), form.get("repeat", "")
    service = service_of(request)
    t = request.app[THROTTLE]["code"]
    ip = client_ip(request)
    ctx: dict[str, Any] = {"code": code, "values": {"name": name}, "errors": {},
                           "role_sv": ROLE_SV}
    if t.blocked_for(ip):
        ctx["invite"] = None
        ctx["errors"]["code"] = "För många försök med fel kod. Vänta en stund."
        return await render(request, "signup.html", ctx, status=429)
    invite = await service.invite(code) if code else None
    ctx["invite"] = invite
    if invite is None:
        t.fail(ip)
        ctx["errors"]["code"] = "Inbjudan är ogiltig, redan använd eller för gammal."
        return await render(request, "signup.html", ctx, status=400)
    errors = ctx["errors"]
    if problem := name_problem(name):
        errors["name"] = problem
    elif await service.user_by_name(name):
        errors["name"] = "Det kontonamnet är upptaget. Välj ett annat."
    elif await service.name_lookalike(name):
        errors["name"] = ("Kontonamnet liknar ett befintligt konto för mycket (t.ex. samma "
                          "bokstäver i ett annat alfabet). Välj ett annat.")
    problem = password_problem(password)
    if problem:
        errors["password"] = problem
    elif password != repeat:
        errors["repeat"] = "Lösenorden är inte likadana."
    if errors:
        return await render(request, "signup.html", ctx, status=400)
    hashed = await asyncio.to_thread(hash_password, password)
    try:
        user = await service.redeem_invite(code, name, password_hash=hashed)
    except NameTaken:
        errors["name"] = "Det kontonamnet är upptaget eller liknar ett befintligt. Välj ett annat."
        return await render(request, "signup.html", ctx, status=400)
    if user is None:
        errors["code"] = "Inbjudan hann användas eller gå ut. Be om en ny."
        return await render(request, "signup.html", ctx, status=400)
    await sign_in(request, user)
    await service.audit(user.name, "login", "webben, efter registrering")
    raise see_other("/")


async def _account_context(request: web.Request, **extra) -> dict:
    user = user_of(request)
    service = service_of(request)
    d = await service.directory()
    ctx = {"municipalities": d.municipalities, "tokens": await service.tokens_of(user),
           "errors": {}, "new_token": None, "saved": None, "role_sv": ROLE_SV,
           "org_names": {o: d.organisations[o].name for o in user.orgs
                         if o in d.organisations}}
    ctx.update(extra)
    return ctx


async def account_page(request: web.Request) -> web.Response:
    saved = {"pw": "Lösenordet är bytt.", "kommun": "Förvald kommun sparad.",
             "token": "API-nyckeln är återkallad."}.get(request.query.get("sparat", ""))
    return await render(request, "account.html", await _account_context(request, saved=saved))


async def change_password(request: web.Request) -> web.Response:
    user = user_of(request)
    form = await form_of(request)
    errors = {}
    if not await asyncio.to_thread(check_password, user.password_hash, form.get("current", "")):
        errors["current"] = "Nuvarande lösenord stämmer inte."
    problem = password_problem(form.get("new", ""))
    if problem:
        errors["new"] = problem
    elif form.get("new") != form.get("repeat"):
        errors["repeat"] = "Lösenorden är inte likadana."
    if errors:
        return await render(request, "account.html",
                      await _account_context(request, errors=errors), status=400)
    service = service_of(request)
    await service.set_password(user.id, await asyncio.to_thread(hash_password, form["new"]),
                               user.name, keep_tokens=form.get("keep_tokens") == "1")
    signed_in = await service.user(user.id)
    assert signed_in is not None  # the user of this request
    await sign_in(request, signed_in)  # every session ended: a new one here
    raise see_other("/konto?sparat=pw")


async def set_municipality(request: web.Request) -> web.Response:
    user = user_of(request)
    form = await form_of(request)
    service = service_of(request)
    d = await service.directory()
    value = form.get("kommun", "")
    if value and value not in d.municipalities:
        return await render(request, "account.html", await _account_context(
            request, errors={"kommun": "Välj en kommun i listan."}), status=400)
    await service.set_default_municipality(user.id, value or None)
    raise see_other("/konto?sparat=kommun")


async def create_token(request: web.Request) -> web.Response:
    user = user_of(request)
    form = await form_of(request)
    service = service_of(request)
    name = form.get("token_name", "").strip()
    errors = {}
    if not 1 <= len(name) <= 60 or not name.isprintable():
        errors["token_name"] = "Ge nyckeln ett namn (1–60 tecken), t.ex. vad den används till."
    elif DirectoryService.clean(name)[1]:  # kept, and written to the audit log
        errors["token_name"] = "Skriv inget personnummer i nyckelns namn."
    elif await service.count_tokens(user) >= service.MAX_TOKENS:
        errors["token_name"] = (f"Du har redan {service.MAX_TOKENS} nycklar. "
                                "Återkalla en först.")
    if errors:
        return await render(request, "account.html",
                      await _account_context(request, errors=errors), status=400)
    token = await service.create_token(user, name)
    return await render(request, "account.html", await _account_context(request, new_token=token))


async def revoke_token(request: web.Request) -> web.Response:
    user = user_of(request)
    token_id = request.match_info["token_id"]
    if not await service_of(request).revoke_token(user, int(token_id)):
        raise web.HTTPNotFound(text="Den API-nyckeln finns inte.")
    raise see_other("/konto?sparat=token")


def setup(app: web.Application) -> None:
    app[THROTTLE] = throttles()
    add_route(app, "GET", "/login", login_page, "public")
    add_route(app, "POST", "/login", login, "public")
    add_route(app, "GET", "/signup", signup_page, "public")
    add_route(app, "POST", "/signup", signup, "public")
    add_route(app, "POST", "/logout", logout, "staff")
    add_route(app, "GET", "/konto", account_page, "staff")
    add_route(app, "POST", "/konto/losenord", change_password, "staff")
    add_route(app, "POST", "/konto/kommun", set_municipality, "staff")
    add_route(app, "POST", "/konto/nycklar", create_token, "staff")
    add_route(app, "POST", "/konto/nycklar/{token_id:" + ID + "}/aterkalla", revoke_token, "staff")
