"""A fake Telegram Bot API on loopback: serves getUpdates from a queue, records the rest.

The real python-telegram-bot library talks HTTP to it, exactly as it would to Telegram.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

BOT = {"id": 4242, "is_bot": True, "first_name": "Kontaktväg", "username": "kontaktvag_bot",
       "can_join_groups": True, "can_read_all_group_messages": False,
       "supports_inline_queries": False}


@dataclass
class FakeBotApi:
    token: str
    updates: asyncio.Queue = field(default_factory=asyncio.Queue)
    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1))
    _messages: itertools.count = field(default_factory=lambda: itertools.count(100))
    _changed: asyncio.Condition = field(default_factory=asyncio.Condition)
    webhook: dict[str, Any] = field(default_factory=dict)
    refused: list[tuple[str, dict[str, Any], str]] = field(default_factory=list)

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/bot{token}/{method}", self.handle)
        return app

    async def handle(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.json_response({"ok": False, "error_code": 401,
                                      "description": "Unauthorized"}, status=401)
        method = request.match_info["method"]
        params = dict(await request.post()) if request.can_read_body else {}
        params = {k: _decode(v) for k, v in params.items()}
        if method == "getUpdates":
            return web.json_response({"ok": True, "result": await self._get_updates(params)})
        problem = refusal(method, params)
        if problem:  # refused as Telegram refuses it: the message never arrives
            self.refused.append((method, params, problem))
            return web.json_response({"ok": False, "error_code": 400,
                                      "description": f"Bad Request: {problem}"}, status=400)
        async with self._changed:
            self.calls.append((method, params))
            self._changed.notify_all()
        return web.json_response({"ok": True, "result": self._result(method, params)})

    async def _get_updates(self, params: dict) -> list:
        timeout = min(float(params.get("timeout", 0) or 0), 1.0)
        try:
            first = await asyncio.wait_for(self.updates.get(), timeout=max(timeout, 0.05))
        except TimeoutError:
            return []
        batch = [first]
        while not self.updates.empty():
            batch.append(self.updates.get_nowait())
        return batch

    def _result(self, method: str, params: dict) -> Any:
        if method == "getMe":
            return BOT
        if method in ("sendMessage", "editMessageText"):
            chat_id = int(params.get("chat_id", 0) or 0)
            return {"message_id": int(params.get("message_id") or next(self._messages)),
                    "date": int(time.time()), "chat": {"id": chat_id, "type": "private"},
                    "from": BOT, "text": params.get("text", "")}
        if method == "setWebhook":
            self.webhook = params
        if method == "getWebhookInfo":
            return {"url": self.webhook.get("url", ""), "has_custom_certificate": False,
                    "pending_update_count": 0}
        return True

    # ---- for tests -------------------------------------------------------------------

    def update(self, payload: dict) -> dict:
        return {"update_id": next(self._ids), **payload}

    def push(self, payload: dict) -> dict:
        update = self.update(payload)
        self.updates.put_nowait(update)
        return update

    def text_message(self, user_id: int, text: str, chat_type: str = "private",
                     chat_id: int | None = None) -> dict:
        chat = {"id": chat_id or user_id, "type": chat_type}
        if chat_type != "private":
            chat["title"] = "Avdelning 12"
        entities = []
        if text.startswith("/"):
            entities = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        return {"message": {"message_id": next(self._messages), "date": int(time.time()),
                            "chat": chat, "from": _user(user_id), "text": text,
                            "entities": entities}}

    def button_press(self, user_id: int, data: str, message: dict | None = None) -> dict:
        message = message or {"message_id": 1, "date": int(time.time()),
                              "chat": {"id": user_id, "type": "private"}, "from": BOT,
                              "text": "…"}
        return {"callback_query": {"id": str(next(self._ids)), "from": _user(user_id),
                                   "chat_instance": "x", "data": data, "message": message}}

    def sent(self, method: str = "sendMessage", chat_id: int | None = None) -> list[dict]:
        return [p for m, p in self.calls if m == method
                and (chat_id is None or int(p.get("chat_id", 0) or 0) == chat_id)]

    async def wait_for(self, method: str, chat_id: int | None = None, count: int = 1,
                       timeout: float = 10.0) -> list[dict]:
        """Wait until at least `count` calls of `method` (to `chat_id`) were recorded."""
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(
                lambda: len(self.sent(method, chat_id)) >= count), timeout)
        return self.sent(method, chat_id)


TELEGRAM_TAGS = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code",
                 "pre", "span", "tg-spoiler", "blockquote", "tg-emoji"}
_MARKUP = re.compile(r"<(/?)([a-zA-Z-]*)[^<>]*>|&(#\d+|#x[0-9a-fA-F]+|lt|gt|amp|quot);|[<>&]")


def refusal(method: str, params: dict) -> str | None:
    """Why Telegram would refuse this message (too long, HTML that does not balance or
    that it does not know), or None."""
    if method not in ("sendMessage", "editMessageText"):
        return None
    text = str(params.get("text", ""))
    if not text.strip():
        return "message text is empty"
    if len(text) > 4096:
        return "message is too long"
    if params.get("parse_mode") != "HTML":
        return None
    stack: list[str] = []
    for m in _MARKUP.finditer(text):
        whole, closing, name = m.group(0), m.group(1), (m.group(2) or "").lower()
        if whole in ("<", ">", "&"):
            return f"can't parse entities: unsupported start tag or stray '{whole}'"
        if whole.startswith("&"):
            continue
        if name not in TELEGRAM_TAGS:
            return f"can't parse entities: unsupported start tag \"{name}\""
        if not closing:
            stack.append(name)
        elif not stack or stack.pop() != name:
            return "can't parse entities: can't find end tag corresponding to start tag"
    if stack:
        return f"can't parse entities: can't find end tag for \"{stack[-1]}\""
    return None


def _user(user_id: int) -> dict:
    return {"id": user_id, "is_bot": False, "first_name": "Sjuksköterska",
            "username": f"ssk{user_id}", "language_code": "sv"}


def _decode(value: Any) -> Any:
    if isinstance(value, str) and value[:1] in "[{":
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value
