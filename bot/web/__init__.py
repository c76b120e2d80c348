"""The web app: staff chat and directory browser, coordinators' editing, admins' audit pages
and the JSON API. `setup(app)` is called by bot.server.create_app.

Pages are Swedish, server-rendered (aiohttp-jinja2, autoescaped) and work without
JavaScript; one small script makes the chat feel like a chat. No inline scripts or styles,
so the Content-Security-Policy can be `default-src 'self'`.
"""

from __future__ import annotations

from pathlib import Path

import aiohttp_jinja2
import jinja2
from aiohttp import web
from markupsafe import Markup

from bot.cards import linked
from bot.web import (
    admin,
    api,
    audit,
    auth,
    browse,
    chat,
    edit,
    forms,
    history,
    limits,
    paths,
    security,
)
from bot.web.core import ROUTE_LEVELS, q
from directory.labels import DEMO_LINE, STATUS_CHOICE_SV, local_time

HERE = Path(__file__).parent


def phones(text: object) -> Markup:
    """Text with every phone number in it a tel: link (escaped; for the templates)."""
    return Markup(linked(str(text)))


def setup(app: web.Application) -> None:
    app[ROUTE_LEVELS] = {}
    env = aiohttp_jinja2.setup(
        app, loader=jinja2.FileSystemLoader(HERE / "templates"), autoescape=True,
        undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["q"] = q
    env.filters["phones"] = phones
    env.filters["local_time"] = local_time
    env.globals["field_label"] = forms.field_label
    env.globals["status_sv"] = STATUS_CHOICE_SV
    env.globals["demo_line"] = DEMO_LINE
    env.globals["asset"] = lambda name: str(app.router["static"].url_for(filename=name))
    app.middlewares.extend([security.headers_middleware, security.sessions(app),
                            security.auth_middleware, security.csrf_middleware])
    limits.setup(app)
    for module in (auth, chat, browse, edit, history, paths, admin, audit, api):
        module.setup(app)
    app.router.add_static("/static", HERE / "static", name="static", append_version=True)
