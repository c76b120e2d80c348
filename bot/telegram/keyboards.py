"""Engine replies to Telegram messages: text in HTML mode and inline keyboards."""

from __future__ import annotations

import re

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import ParseMode

from bot.engine import Reply

MAX_TEXT = 4000  # Telegram's limit is 4096 characters
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
            if b.url:
                buttons.append(InlineKeyboardButton(b.label, url=b.url))
            else:
                buttons.append(InlineKeyboardButton(b.label, callback_data=b.data[:64]))
        rows.append(buttons)
    return InlineKeyboardMarkup(rows) if rows else None


def send_kwargs(reply: Reply) -> dict:
    text = telegram_html(reply.text)
    text = text if len(text) <= MAX_TEXT else text[:MAX_TEXT] + "…"
    return {"text": text, "parse_mode": ParseMode.HTML, "reply_markup": markup(reply),
            "disable_web_page_preview": True}
