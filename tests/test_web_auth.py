"""Sign-in, sessions, permissions on every route, CSRF and the security headers."""

from __future__ import annotations

import re

from aiohttp import web
from test_web_support import (  # noqa: F401  (web_env_fixture: the web_env fixture)
    OWN_ROLE,
    PASSWORD,
    csrf_of,
    login,
    post,
    token,
    web_env_fixture,
)

from bot.web.core import ROUTE_LEVELS

EXAMPLE = {"role_id": OWN_ROLE, "org_id": "falun-kommun", "name": "Mora",
           "slug": "barn-far-illa", "kommun": "Mora", "topic": "barn-far-illa",
           "token_id": "1", "report_id": "1", "version_id": "1", "item_id": "1",
           "user_id": "1"}


def our_routes(app: web.Application) -> list[tuple[str, str, str]]:
    out = []
    for route, level in app[ROUTE_LEVELS].items():
        path = route.resource.canonical
        for key, value in EXAMPLE.items():
            path = path.replace("{" + key + "}", value)
        out.append((route.method, path, level))
    return out


async def test_every_route_of_ours_has_a_level(web_env):
    ours = set(web_env.app[ROUTE_LEVELS])
    for route in web_env.app.router.routes():
        if route in ours or isinstance(route.resource, web.StaticResource):
            continue
        # Only the routes other parts of the app own (health check, Telegram) are not ours.
        assert route.resource.canonical in ("/healthz",) or "telegram" in str(route.handler)
    levels = {level for _, _, level in our_routes(web_env.app)}
    assert levels <= {"public", "staff", "coordinator", "admin"}
    public = {path for _, path, level in our_routes(web_env.app) if level == "public"}
    assert public == {"/login", "/signup"}


async def test_anonymous_is_sent_to_login_everywhere(web_env):
    client = await web_env.client()
    for method, path, level in our_routes(web_env.app):
        if level == "public":
            continue
        resp = await client.request(method, path, allow_redirects=False)
        if path.startswith("/api/"):
            assert resp.status == 401, (method, path)
            assert "error" in await resp.json()
        else:
            assert resp.status == 303, (method, path, resp.status)
            assert resp.headers["Location"].startswith("/login?next="), path


async def test_public_pages_and_health(web_env):
    client = await web_env.client()
    for path in ("/login", "/signup", "/healthz"):
        resp = await client.get(path)
        assert resp.status == 200, path
    css = await client.get("/static/style.css")
    assert css.status == 200 and "text/css" in css.headers["Content-Type"]


async def test_staff_cannot_reach_coordinator_or_admin_routes(web_env):
    client = await web_env.signed_in("staff")
    for method, path, level in our_routes(web_env.app):
        if level not in ("coordinator", "admin"):
            continue
        data = {"csrf_token": await token(client)} if method == "POST" else None
        resp = await client.request(method, path, data=data, allow_redirects=False)
        assert resp.status == 403, (method, path, resp.status)


async def test_coordinator_cannot_reach_admin_routes(web_env):
    client = await web_env.signed_in("coordinator")
    for method, path, level in our_routes(web_env.app):
        if level != "admin":
            continue
        data = {"csrf_token": await token(client)} if method == "POST" else None
        resp = await client.request(method, path, data=data, allow_redirects=False)
        assert resp.status == 403, (method, path)


async def test_login_logout_and_next(web_env):
    await web_env.user("kim", "staff")
    client = await web_env.client()
    first = await client.get("/katalog", allow_redirects=False)
    assert first.headers["Location"] == "/login?next=/katalog"
    resp = await login(client, "kim", PASSWORD, next_="/katalog")
    assert resp.status == 200 and str(resp.url).endswith("/katalog")
    assert "kim" in await resp.text()
    resp = await post(client, "/logout")
    assert "Du är utloggad" in await resp.text()
    again = await client.get("/", allow_redirects=False)
    assert again.status == 303
    log = await web_env.service.people.audit_log("kim")
    assert [r.action for r in log][:2] == ["logout", "login"]


async def test_no_open_redirect_after_login(web_env):
    await web_env.user("kim", "staff")
    client = await web_env.client()
    resp = await login(client, "kim", PASSWORD, next_="//evil.example/x")
    assert resp.url.host == "127.0.0.1" and resp.url.path == "/"


async def test_wrong_password_is_refused_and_audited(web_env):
    await web_env.user("kim", "staff")
    client = await web_env.client()
    resp = await login(client, "kim", "fel-lösenord-helt-och-hållet")
    assert resp.status == 401
    text = await resp.text()
    assert "Fel kontonamn eller lösenord" in text
    assert 'value="kim"' in text  # the typed name is kept
    assert (await web_env.service.people.audit_log("kim"))[0].action == "login.fail"


async def test_login_throttling(web_env):
    await web_env.user("kim", "staff")
    client = await web_env.client()
    for _ in range(5):
        assert (await login(client, "kim", "fel-fel-fel-fel-fel")).status == 401
    blocked = await login(client, "kim", PASSWORD)  # even the right password waits now
    assert blocked.status == 429
    assert "För många misslyckade inloggningar" in await blocked.text()
    other = await web_env.user("lo", "staff")
    assert (await login(client, other.name, PASSWORD)).status == 200  # others still can


async def test_session_cookie_flags(web_env):
    await web_env.user("kim", "staff")
    client = await web_env.client()
    csrf = await token(client, "/login")
    resp = await client.post("/login", data={"name": "kim", "password": PASSWORD,
                                             "csrf_token": csrf}, allow_redirects=False)
    assert resp.status == 303
    cookie = resp.headers["Set-Cookie"]
    assert cookie.startswith("kontaktvag=")
    for flag in ("HttpOnly", "Secure", "SameSite=Lax", "Path=/"):
        assert flag.lower() in cookie.lower(), flag
    assert "kim" not in cookie  # encrypted


async def test_post_without_or_with_wrong_csrf_token_is_refused(web_env):
    client = await web_env.signed_in("staff")
    resp = await client.post("/chatt", data={"fraga": "orosanmälan Mora"})
    assert resp.status == 403
    assert "Formuläret har gått ut" in await resp.text()
    resp = await client.post("/chatt", data={"fraga": "x", "csrf_token": "fel"})
    assert resp.status == 403
    anonymous = await web_env.client()
    resp = await anonymous.post("/login", data={"name": "kim", "password": PASSWORD})
    assert resp.status == 403  # the sign-in form has a token too
    api = await client.post("/api/ask", json={"q": "orosanmälan Mora"})
    assert api.status == 403 and "CSRF" in (await api.json())["error"]


async def test_security_headers_on_pages_errors_static_and_api(web_env):
    client = await web_env.signed_in("staff")
    for path in ("/", "/login", "/nope", "/static/chat.js", "/api/me", "/katalog/kommun/X"):
        resp = await client.get(path)
        h = resp.headers
        assert "default-src 'self'" in h["Content-Security-Policy"], path
        assert "frame-ancestors 'none'" in h["Content-Security-Policy"]
        assert h["X-Content-Type-Options"] == "nosniff"
        assert h["Referrer-Policy"] == "no-referrer"
        assert h["Cache-Control"] == "no-store"
        assert h["X-Frame-Options"] == "DENY"
        assert h["Strict-Transport-Security"]  # public_url is https in the fixture
    redirect = await (await web_env.client()).get("/", allow_redirects=False)
    assert redirect.headers["Cache-Control"] == "no-store"


async def test_no_inline_scripts_or_styles(web_env):
    client = await web_env.signed_in("admin")
    for path in ("/", "/admin/tackning", "/admin/aktualitet", f"/admin/roles/{OWN_ROLE}"):
        html = await (await client.get(path)).text()
        assert not re.search(r"<script(?![^>]*\bsrc=)", html), path
        assert "style=" not in html and "<style" not in html, path
        assert not re.search(r"\son[a-z]+=", html), path  # no inline event handlers


async def test_signup_with_invite(web_env):
    code, _ = await web_env.service.people.create_invite("staff", [], "test")
    client = await web_env.client()
    page = await client.get(f"/signup?code={code}")
    assert "personal" in await page.text()
    csrf = csrf_of(await page.text())
    bad = await client.post("/signup", data={"code": code, "name": "ny", "password": "kort",
                                             "repeat": "kort", "csrf_token": csrf})
    assert bad.status == 400
    text = await bad.text()
    assert "minst 12 tecken" in text and 'value="ny"' in text
    assert 'aria-describedby="f-password-hint f-password-error"' in text
    good = await client.post("/signup", data={"code": code, "name": "ny.person",
                                              "password": PASSWORD, "repeat": PASSWORD,
                                              "csrf_token": csrf})
    assert good.status == 200 and good.url.path == "/"
    assert (await web_env.service.people.user_by_name("ny.person")).role == "staff"
    other = await web_env.client()
    again = await other.post("/signup", data={"code": code, "name": "tredje",
                                              "password": PASSWORD, "repeat": PASSWORD,
                                              "csrf_token": await token(other, "/signup")})
    assert again.status == 400 and "ogiltig" in await again.text()


async def test_deactivated_user_is_out_at_once(web_env):
    client = await web_env.signed_in("staff", name="kim")
    assert (await client.get("/", allow_redirects=False)).status == 200
    kim = await web_env.service.people.user_by_name("kim")
    await web_env.service.people.set_active(kim.id, False, "test")
    assert (await client.get("/", allow_redirects=False)).status == 303


async def test_password_change_ends_other_sessions(web_env):
    first = await web_env.signed_in("staff", name="kim")
    second = await web_env.client()
    assert (await login(second, "kim", PASSWORD)).status == 200
    new = "ett-helt-nytt-lösenord-2"
    resp = await post(first, "/konto/losenord", {"current": PASSWORD, "new": new,
                                                 "repeat": new}, page="/konto")
    assert "Lösenordet är bytt" in await resp.text()
    assert (await first.get("/", allow_redirects=False)).status == 200
    assert (await second.get("/", allow_redirects=False)).status == 303
    wrong = await post(first, "/konto/losenord", {"current": "fel", "new": new,
                                                  "repeat": new}, page="/konto")
    assert wrong.status == 400 and "Nuvarande lösenord stämmer inte" in await wrong.text()


async def test_account_default_municipality(web_env):
    client = await web_env.signed_in("staff", name="kim")
    resp = await post(client, "/konto/kommun", {"kommun": "Mora"}, page="/konto")
    assert "Förvald kommun sparad" in await resp.text()
    assert (await web_env.service.people.user_by_name("kim")).default_municipality == "Mora"
    bad = await post(client, "/konto/kommun", {"kommun": "Atlantis"}, page="/konto")
    assert bad.status == 400


# -- sessions that really end, redirects, throttling, look-alike names (issue 11) ----------

def copy_cookies(source, target) -> None:
    """What someone who copied the cookie has."""
    for cookie in source.session.cookie_jar:
        target.session.cookie_jar.update_cookies({cookie.key: cookie.value},
                                                 source.make_url("/"))


async def test_a_copied_cookie_dies_with_logout_password_change_and_deactivation(web_env):
    for ending in ("logout", "password", "inactive"):
        name = f"kim-{ending}"
        client = await web_env.signed_in("staff", name=name)
        thief = await web_env.client()
        copy_cookies(client, thief)
        assert (await thief.get("/konto", allow_redirects=False)).status == 200
        if ending == "logout":
            await post(client, "/logout")
        elif ending == "password":
            new = "ett-helt-nytt-lösenord-2"
            await post(client, "/konto/losenord", {"current": PASSWORD, "new": new,
                                                    "repeat": new}, page="/konto")
        else:
            user = await web_env.service.people.user_by_name(name)
            await web_env.service.people.set_active(user.id, False, "test")
        assert (await thief.get("/konto", allow_redirects=False)).status == 303, ending
        user = await web_env.service.people.user_by_name(name)
        if ending != "password":
            assert await web_env.service.people.live_sessions(user.id) == 0


async def test_a_new_password_ends_api_keys_unless_kept(web_env):
    for keep in (False, True):
        name = f"kim-{keep}"
        client = await web_env.signed_in("staff", name=name)
        html = await (await post(client, "/konto/nycklar", {"token_name": "skript"},
                                 page="/konto")).text()
        key = re.search(r"(kv_[A-Za-z0-9_-]+)", html).group(1)
        new = "ett-helt-nytt-lösenord-2"
        form = {"current": PASSWORD, "new": new, "repeat": new}
        if keep:
            form["keep_tokens"] = "1"
        await post(client, "/konto/losenord", form, page="/konto")
        anonymous = await web_env.client()
        status = (await anonymous.get("/api/me", headers={"Authorization": f"Bearer {key}"})
                  ).status
        assert status == (200 if keep else 401), keep


async def test_next_with_tab_newline_or_backslash_stays_home(web_env):
    await web_env.user("kim", "staff")
    for evil in ("/\t/evil.example", "/\n/evil.example", "/\r\n/evil.example",
                 "/\\evil.example", "/ /evil.example", "//evil.example", "/\t\t/evil.example",
                 "/\u3000/evil.example", "https://evil.example"):
        client = await web_env.client()
        resp = await login(client, "kim", PASSWORD, next_=evil)
        assert resp.url.host == "127.0.0.1" and resp.url.path == "/", repr(evil)
        again = await client.get("/login", params={"next": evil}, allow_redirects=False)
        assert again.headers["Location"] == "/", repr(evil)
    raw = await client.get("/login?next=/%09/evil.example", allow_redirects=False)
    assert raw.headers["Location"] == "/"


async def test_wrong_passwords_from_one_address_do_not_lock_the_owner_out(
        demo_db, aiohttp_server, aiohttp_client):
    """Behind a configured proxy: five wrong passwords from one address stop that address
    only; an account attacked from many addresses is slowed down, never locked."""
    from test_web_support import Web, settings_for

    from bot.server import create_app
    from bot.web.auth import THROTTLE

    app = create_app(settings_for(demo_db, trusted_proxies=("127.0.0.1",)))
    web = Web(app, await aiohttp_server(app), aiohttp_client)
    await web.user("kim", "staff")

    async def attempt(password: str, address: str):
        client = await web.client()
        csrf = await token(client, "/login")
        return await client.post("/login", data={"name": "kim", "password": password,
                                                 "next": "/", "csrf_token": csrf},
                                 headers={"X-Forwarded-For": f"{address}, 127.0.0.1"})

    for _ in range(5):
        assert (await attempt("fel-fel-fel-fel", "198.51.100.7")).status == 401
    assert (await attempt(PASSWORD, "198.51.100.7")).status == 429  # that address waits
    assert (await attempt(PASSWORD, "203.0.113.5")).status == 200  # the owner does not
    for i in range(12):  # an attack from many addresses
        await attempt("fel-fel-fel-fel", f"192.0.2.{i + 1}")
    slowed = await attempt(PASSWORD, "203.0.113.5")
    assert slowed.status == 429 and 1 <= int(slowed.headers["Retry-After"]) <= 30
    throttle = app[THROTTLE]["account"]
    real = throttle.clock
    throttle.clock = lambda: real() + 31  # half a minute later
    assert (await attempt(PASSWORD, "203.0.113.5")).status == 200


async def test_forwarding_headers_are_ignored_unless_from_a_configured_proxy(web_env):
    """Without KONTAKTVAG_TRUSTED_PROXIES, X-Real-IP from loopback no longer dodges the
    per-address limit."""
    client = await web_env.client()
    statuses = []
    for i in range(32):
        csrf = await token(client, "/login")
        resp = await client.post("/login", data={"name": f"okand-{i}", "password": "fel",
                                                 "next": "/", "csrf_token": csrf},
                                 headers={"X-Real-IP": f"198.51.100.{i}",
                                          "X-Forwarded-For": f"198.51.100.{i}"})
        statuses.append(resp.status)
    assert statuses[:30] == [401] * 30 and statuses[30:] == [429, 429]


async def test_look_alike_account_names_are_refused(web_env):
    await web_env.user("Admin1", "admin")
    for lookalike in ("аdmin1", "admin1", "ADMIN1", "Adm\u200bin1", "Admіn1"):
        code, _ = await web_env.service.people.create_invite("staff", [], "test")
        client = await web_env.client()
        csrf = await token(client, f"/signup?code={code}")
        resp = await client.post("/signup", data={
            "code": code, "name": lookalike, "password": PASSWORD, "repeat": PASSWORD,
            "csrf_token": csrf})
        assert resp.status == 400, lookalike
        assert await web_env.service.people.user_by_name(lookalike) is None
        if lookalike != "Adm\u200bin1":  # refused for its invisible character already
            assert "liknar ett befintligt konto" in await resp.text(), lookalike
    import pytest

    from directory.store.people import NameTaken

    with pytest.raises(NameTaken):
        await web_env.service.people.add_user("аdmin1", "staff")
    assert await web_env.service.people.lookalike("Åsa") is None
    await web_env.service.people.add_user("Asa", "staff")
    assert await web_env.service.people.lookalike("Åsa") is None  # å is not a
async def test_sign_in_over_plain_http_says_why_it_cannot_work(web_env):
    """A browser keeps the Secure session cookie from http://kontaktvag.lan/ to itself: the
    sign-in form then fails, and the page must say why, not 'reload the page'."""
    from aiohttp import DummyCookieJar

    browser = await web_env.factory(web_env.server, cookie_jar=DummyCookieJar())
    for host, proto, reason in (("kontaktvag.lan:8080", None, True),
                                ("192.168.1.20:8080", None, True),
                                ("kontaktvag.lan", "https", False),  # TLS ends at a proxy
                                ("localhost:8080", None, False)):
        headers = {"Host": host} | ({"X-Forwarded-Proto": proto} if proto else {})
        csrf = csrf_of(await (await browser.get("/login", headers=headers)).text())
        resp = await browser.post("/login", headers=headers, data={
            "name": "kim", "password": PASSWORD, "csrf_token": csrf})
        text = await resp.text()
        assert resp.status == 403
        assert ("kräver https" in text and "KONTAKTVAG_INSECURE_COOKIES=1" in text) == reason
        assert ("Formuläret har gått ut" in text) != reason


async def test_remembered_keys_and_sessions_end_at_once_here_and_within_a_second_elsewhere(
        web_env):
    import asyncio
    import time

    from directory.service import DirectoryService
    from directory.store.people import LOOKUP_TTL

    client = await web_env.signed_in("staff", name="lo")
    html = await (await post(client, "/konto/nycklar", {"token_name": "skript"},
                             page="/konto")).text()
    key = re.search(r"(kv_[A-Za-z0-9_-]+)", html).group(1)
    bearer = {"Authorization": f"Bearer {key}"}
    anonymous = await web_env.client()
    for _ in range(3):  # looked up once, then remembered
        assert (await anonymous.get("/api/me", headers=bearer)).status == 200
    token_id = re.search(r"/konto/nycklar/(\d+)/aterkalla", html).group(1)
    await post(client, f"/konto/nycklar/{token_id}/aterkalla", {}, page="/konto")
    assert (await anonymous.get("/api/me", headers=bearer)).status == 401  # at once
    assert (await client.get("/konto")).status == 200  # the session is remembered too
    user = await web_env.service.people.user_by_name("lo")
    other = await DirectoryService.open(web_env.service.db.path)  # another process's view
    try:
        await other.people.set_active(user.id, False, "admin")
    finally:
        await other.close()
    deadline = time.monotonic() + LOOKUP_TTL + 1.0
    while (await client.get("/konto", allow_redirects=False)).status == 200:
        assert time.monotonic() < deadline, "still signed in after the account was switched off"
        await asyncio.sleep(0.1)


async def test_odd_static_paths_are_404_not_500(web_env):
    """The static files' handler asks the file system: a name longer than it allows (or
    a NUL) must be "not found", not an error with the path in a traceback."""
    client = await web_env.client()
    for path in ("/static/" + "a" * 300, "/static/" + "a" * 300 + "/b.css",
                 "/static/%00.css", "/static/" + "811218-9876" * 30):
        resp = await client.get(path)
        assert resp.status == 404, path
        assert resp.headers["Cache-Control"] == "no-store"


async def test_key_and_account_names_take_no_identity_number(web_env):
    """Names are stored, shown to admins and written to the audit log: a personnummer in
    an API key's or an account's name is refused like one in the directory's texts."""
    client = await web_env.signed_in("staff", name="kim")
    for name in ("nyckel 811218\u20119876", "19811218\u00ad9876", "nyckel\x00"):
        csrf = await token(client, "/konto")
        resp = await client.post("/konto/nycklar", data={"token_name": name,
                                                         "csrf_token": csrf})
        assert resp.status == 400, name
        assert "9876" not in await resp.text()
    service = web_env.service
    assert await service.db.fetchall("SELECT name FROM api_tokens") == []
    code, _ = await service.people.create_invite("staff", [], "test")
    signup = await web_env.client()
    csrf = await token(signup, f"/signup?code={code}")
    resp = await signup.post("/signup", data={
        "code": code, "name": "811218-9876", "password": PASSWORD, "repeat": PASSWORD,
        "csrf_token": csrf})
    assert resp.status == 400 and await service.people.user_by_name("811218-9876") is None
    logged = " ".join(str(tuple(r)) for r in await service.db.fetchall(
        "SELECT * FROM audit_log"))
    assert "9876" not in logged
