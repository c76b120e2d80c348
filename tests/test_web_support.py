"""Helpers for the web tests: an app on a real demo database, users, signed-in clients.

Cookies stay Secure as in production: the test client's cookie jar treats the loopback
test server as a secure origin (as browsers do for http://127.0.0.1).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pytest
from aiohttp import CookieJar, web
from aiohttp.test_utils import TestClient, TestServer
from cryptography.fernet import Fernet
from multidict import MultiDict

from bot.keys import SERVICE
from bot.passwords import hash_password
from bot.server import create_app
from bot.settings import Settings
from directory.accounts import User
from directory.service import DirectoryService

PASSWORD = "rätt-häftigt-lösenord-1"
_HASH = hash_password(PASSWORD)  # hashed once per test session: Argon2id is slow on purpose
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')

# Falun's roles belong to falun-kommun; Mora's to mora-kommun.
OWN_ORG, OTHER_ORG = "falun-kommun", "mora-kommun"
OWN_ROLE, OTHER_ROLE = "falun-socialtjanst-barn", "mora-socialtjanst-barn"


@dataclass
class Web:
    app: web.Application
    server: TestServer
    factory: object

    @property
    def service(self) -> DirectoryService:
        return self.app[SERVICE]

    async def client(self) -> TestClient:
        jar = CookieJar(unsafe=True, treat_as_secure_origin=str(self.server.make_url("/")))
        return await self.factory(self.server, cookie_jar=jar)

    async def user(self, name: str, role: str, orgs: tuple[str, ...] = ()) -> User:
        found = await self.service.people.user_by_name(name)
        if found:
            return found
        return await self.service.people.add_user(name, role, list(orgs), _HASH, actor="test")

    async def signed_in(self, role: str = "staff", name: str | None = None,
                        orgs: tuple[str, ...] | None = None) -> TestClient:
        if orgs is None:
            orgs = (OWN_ORG,) if role == "coordinator" else ()
        name = name or f"test-{role}"
        await self.user(name, role, orgs)
        client = await self.client()
        resp = await login(client, name, PASSWORD)
        assert resp.status == 200, await resp.text()
        return client


def csrf_of(html: str) -> str:
    m = CSRF.search(html)
    assert m, "no CSRF token on the page"
    return m.group(1)


async def token(client: TestClient, path: str = "/") -> str:
    resp = await client.get(path)
    return csrf_of(await resp.text())


async def login(client: TestClient, name: str, password: str, next_: str = "/"):
    csrf = await token(client, "/login")
    return await client.post("/login", data={"name": name, "password": password,
                                             "next": next_, "csrf_token": csrf})


async def post(client: TestClient, path: str, data: dict | None = None, page: str | None = None,
               allow_redirects: bool = True):
    """POST a form with a valid CSRF token taken from `page` (default: the chat page)."""
    form = dict(data or {})
    form["csrf_token"] = await token(client, page or "/")
    return await client.post(path, data=form, allow_redirects=allow_redirects)


def settings_for(db: Path, **extra) -> Settings:
    return Settings(db_path=db, session_key=Fernet.generate_key().decode(), **extra)


@pytest.fixture(name="web_env")
async def web_env_fixture(demo_db: Path, aiohttp_server, aiohttp_client) -> Web:
    """Test modules import this under its function name; tests ask for `web_env`."""
    app = create_app(settings_for(demo_db, public_url="https://kontaktvag.example"))
    server = await aiohttp_server(app)
    return Web(app, server, aiohttp_client)


class _FormParser(HTMLParser):
    """What a browser would submit for one form (by its action), as (name, value) pairs."""

    def __init__(self, action: str) -> None:
        super().__init__(convert_charrefs=True)
        self.action, self.inside, self.fields = action, False, []
        self._select: str | None = None
        self._options: list[tuple[str, bool]] = []
        self._textarea: str | None = None
        self._text = ""

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            self.inside = a.get("action") == self.action and not self.fields
        if not self.inside:
            return
        if tag == "input" and a.get("name"):
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.fields.append((a["name"], a.get("value", "on")))
            elif kind not in ("submit", "button"):
                self.fields.append((a["name"], a.get("value", "")))
        elif tag == "select":
            self._select, self._options = a.get("name"), []
        elif tag == "option" and self._select is not None:
            self._options.append((a.get("value", ""), "selected" in a))
        elif tag == "textarea":
            self._textarea, self._text = a.get("name"), ""

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text += data

    def handle_endtag(self, tag: str) -> None:
        if not self.inside:
            return
        if tag == "select" and self._select is not None:
            chosen = [v for v, sel in self._options if sel] or [v for v, _ in self._options[:1]]
            self.fields += [(self._select, v) for v in chosen]
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self.fields.append((self._textarea, self._text))
            self._textarea = None
        elif tag == "form":
            self.inside = False


def form_fields(html: str, action: str) -> MultiDict:
    parser = _FormParser(action)
    parser.feed(html)
    assert parser.fields, f"no form with action {action}"
    return MultiDict(parser.fields)


async def submit(client: TestClient, page: str, action: str, changes: dict | None = None,
                 allow_redirects: bool = True):
    """Load a page, fill in its form like a browser and post it with `changes` applied."""
    html = await (await client.get(page)).text()
    fields = form_fields(html, action)
    for key, value in (changes or {}).items():
        fields.popall(key, None)
        if isinstance(value, list):
            for v in value:
                fields.add(key, v)
        elif value is not None:
            fields[key] = value
    return await client.post(action, data=fields, allow_redirects=allow_redirects)
