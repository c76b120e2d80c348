"""Engine replies to Telegram messages: text in HTML mode and inline keyboards."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import ParseMode

from bot.engine import Reply

MAX_TEXT = 4000  # Telegram's limit is 4096 characters


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
    text = reply.text if len(reply.text) <= MAX_TEXT else reply.text[:MAX_TEXT] + "…"
    return {"text": text, "parse_mode": ParseMode.HTML, "reply_markup": markup(reply),
            "disable_web_page_preview": True}
