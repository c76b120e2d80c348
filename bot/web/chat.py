"""The staff chat page: the bot's dialogue and buttons in a browser, through the engine.

No dialogue logic lives here: text goes to `Engine.on_text` (or `on_command` for /kommun,
/hjälp, /mina), a button press to `Engine.on_button`, and the replies are shown as they
come. The conversation is kept in memory per user (the last exchanges only), never logged
and never written to disk; the user's own text is shown redacted.
"""

from __future__ import annotations

import itertools
from collections import deque
from dataclasses import dataclass, field

from aiohttp import web
from markupsafe import Markup

from bot.cards import linked
from bot.engine import Button, Outcome
from bot.web.core import (
    ENGINE,
    add_route,
    form_of,
    render,
    see_other,
    user_of,
    wants_fragment,
)
from directory.service import DirectoryService

KEEP = 24  # entries per user
MAX_TEXT = 1000


@dataclass
class Entry:
    id: int
    mine: bool  # True: what the user wrote; False: the service's reply
    html: Markup
    buttons: list[list[Button]] = field(default_factory=list)


CHATS = web.AppKey("web_chats", dict)  # user id -> deque[Entry]
_ids = itertools.count(1)


def _log(request: web.Request, user_id: int) -> deque[Entry]:
    return request.app[CHATS].setdefault(user_id, deque(maxlen=KEEP))


def _add(log: deque[Entry], outcome: Outcome, said: str | None) -> list[Entry]:
    new = []
    if said is not None:
        new.append(Entry(next(_ids), True, Markup(linked(said))))  # escaped, numbers linked
    # Reply.text is the engine's small HTML subset with every value already escaped.
    new.append(Entry(next(_ids), False, Markup(outcome.reply.text), outcome.reply.buttons))
    log.extend(new)
    return new


async def _respond(request: web.Request, new: list[Entry]) -> web.Response:
    if wants_fragment(request):
        return await render(request, "_chat_entries.html", {"entries": new, "latest": new[-1].id})
    raise see_other(f"/#svar-{new[-1].id}")


async def chat_page(request: web.Request) -> web.Response:
    user = user_of(request)
    entries = list(request.app[CHATS].get(user.id, ()))
    return await render(request, "chat.html", {"entries": entries,
                                         "latest": entries[-1].id if entries else None})


async def ask(request: web.Request) -> web.Response:
    user = user_of(request)
    form = await form_of(request)
    text = form.get("fraga", "").strip()
    if len(text) > MAX_TEXT:  # redacted before it is cut short: no half number at the cut
        text = DirectoryService.clean(text[:2 * MAX_TEXT])[0][:MAX_TEXT].strip()
    if not text:
        raise see_other("/?tom=1")
    engine = request.app[ENGINE]
    if text.startswith("/"):
        command, _, args = text[1:].partition(" ")
        outcome = await engine.on_command(user, command.strip().casefold(), args.strip())
    else:
        outcome = await engine.on_text(user, text)
    shown = DirectoryService.clean(text)[0]
    return await _respond(request, _add(_log(request, user.id), outcome, shown))


async def press(request: web.Request) -> web.Response:
    user = user_of(request)
    form = await form_of(request)
    data = form.get("data", "")[:200]
    # Sent back by the browser, so it can be anything: redacted before it is cut short.
    label = DirectoryService.clean(form.get("label", "")[:400])[0][:80]
    outcome = await request.app[ENGINE].on_button(user, data)
    return await _respond(request, _add(_log(request, user.id), outcome, label or None))


async def clear(request: web.Request) -> web.Response:
    request.app[CHATS].pop(user_of(request).id, None)
    raise see_other("/")


def forget(app: web.Application, user_id: int) -> None:
    app[CHATS].pop(user_id, None)


def setup(app: web.Application) -> None:
    app[CHATS] = {}
    add_route(app, "GET", "/", chat_page, "staff")
    add_route(app, "POST", "/chatt", ask, "staff")
    add_route(app, "POST", "/chatt/knapp", press, "staff")
    add_route(app, "POST", "/chatt/rensa", clear, "staff")
