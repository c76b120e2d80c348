"""Engine replies to Telegram messages: text in HTML mode and inline keyboards.

Telegram refuses a message over 4,096 characters and one whose HTML does not balance, so
a long reply is split into several messages at element boundaries (between lines where
it can, never inside a tag or an entity), each with its open tags closed at its end and
opened again at the start of the next; the buttons go with the last one. The cards' tel:
links become numbers Telegram links by itself before the split.
"""

from __future__ import annotations

import re
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import ParseMode

from bot.engine import Reply

MAX_TEXT = 4000  # Telegram's limit is 4096 characters
MAX_LABEL = 60  # a button label; longer ones are cut (Telegram shows about that much)
_TOKEN = re.compile(r"(<[^<>]*>|&#?\w+;|\n)")
_TAG = re.compile(r"<(/?)([a-zA-Z]+)")
_TEL = re.compile(r'<a href="tel:([^"]*)">(.*?)</a>')


def telegram_html(text: str) -> str:
    """The cards' tel: links as Telegram wants them. Telegram refuses tel: URLs in links but
    makes every number written in international form (+46701740605) a tap-to-call link by
    itself; short numbers (112, 114 14) are written as they are."""
    return _TEL.sub(lambda m: m.group(1) if m.group(1).startswith("+") else m.group(2), text)


def markup(reply: Reply) -> InlineKeyboardMarkup | None:
    rows = []
    for row in reply.buttons:
        buttons = []
        for b in row:
            label = b.label if len(b.label) <= MAX_LABEL else b.label[:MAX_LABEL - 1] + "…"
            if b.url:
                buttons.append(InlineKeyboardButton(label, url=b.url))
            else:
                buttons.append(InlineKeyboardButton(label, callback_data=b.data[:64]))
        rows.append(buttons)
    return InlineKeyboardMarkup(rows) if rows else None


def _pieces(text: str, limit: int) -> list[str]:
    """Tags, entities, newlines and text; text longer than `limit` cut at spaces."""
    limit = max(limit, 1)
    out = []
    for token in _TOKEN.split(text):
        while len(token) > limit:
            cut = token.rfind(" ", 0, limit)
            cut = cut if cut > limit // 2 else limit
            out.append(token[:cut])
            token = token[cut:]
        if token:
            out.append(token)
    return out


def split_html(text: str, limit: int = MAX_TEXT) -> list[str]:
    """The text as parts of at most `limit` characters with balanced tags each."""
    if len(text) <= limit:
        return [text]
    parts: list[str] = []
    current, line_end = "", 0  # line_end: where the last complete line of `current` ends
    stack: list[tuple[str, str]] = []  # open tags: (name, the opening tag as written)
    stack_at_line_end: list[tuple[str, str]] = []

    def closing(tags: list[tuple[str, str]]) -> str:
        return "".join(f"</{name}>" for name, _ in reversed(tags))

    reserve = min(200, limit // 4)  # room for closing and reopening tags
    for piece in _pieces(text, limit - 2 * reserve):
        if len(current) + len(piece) + len(closing(stack)) > limit - reserve:
            # Break after the last whole line if there is one, else here.
            if line_end:
                head, tail, tags = current[:line_end], current[line_end:], stack_at_line_end
            else:
                head, tail, tags = current, "", stack
            parts.append(head.rstrip("\n") + closing(tags))
            current = "".join(opening for _, opening in tags) + tail.lstrip("\n")
            line_end = 0
        current += piece
        m = _TAG.match(piece)
        if m and piece.startswith("<"):
            name = m.group(2).lower()
            if m.group(1):
                for i in range(len(stack) - 1, -1, -1):
                    if stack[i][0] == name:
                        del stack[i]
                        break
            elif not piece.endswith("/>"):
                stack.append((name, piece))
        elif piece == "\n":
            line_end, stack_at_line_end = len(current), list(stack)
    if current.strip():
        parts.append(current + closing(stack))
    return [p for p in parts if p.strip()]


def messages(reply: Reply) -> list[dict[str, Any]]:
    """The keyword arguments of each message the reply becomes; buttons on the last."""
    texts = split_html(telegram_html(reply.text))
    out: list[dict[str, Any]] = [{"text": t, "parse_mode": ParseMode.HTML, "reply_markup": None,
            "disable_web_page_preview": True} for t in texts]
    out[-1]["reply_markup"] = markup(reply)
    return out
