"""Thin Telegram handlers: each translates one update and calls the conversation engine."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import ContextTypes

from bot.engine import Engine, Outcome, Reply
from bot.telegram.keyboards import messages
from directory.accounts import User

log = logging.getLogger(__name__)
ENGINE_KEY = "engine"


def engine(context: ContextTypes.DEFAULT_TYPE) -> Engine:
    return context.application.bot_data[ENGINE_KEY]


async def _user(update: Update, context: ContextTypes.DEFAULT_TYPE) -> User | None:
    sender = update.effective_user
    if sender is None:
        return None
    return await engine(context).service.user_by_telegram(sender.id)


async def deliver(update: Update, context: ContextTypes.DEFAULT_TYPE, outcome: Outcome,
                  edit: bool = False) -> None:
    """Send the reply (or edit the pressed message) and notify other users. A long reply
    is sent as several messages (keyboards.messages)."""
    parts = messages(outcome.reply)
    if edit and len(parts) == 1 and update.callback_query and update.callback_query.message:
        await update.callback_query.edit_message_text(**parts[0])
    else:
        assert update.effective_chat is not None  # every handler here answers in a chat
        await send_all(context, update.effective_chat.id, outcome.reply)
    for user, reply in outcome.notify:
        if user.telegram_id:
            await send_all(context, user.telegram_id, reply)


async def send_all(context: ContextTypes.DEFAULT_TYPE, chat_id: int, reply: Reply) -> None:
    for kwargs in messages(reply):
        await context.bot.send_message(chat_id=chat_id, **kwargs)


async def text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Any text in a private chat is a question."""
    assert update.effective_message is not None  # a MessageHandler's update has one
    await deliver(update, context, await engine(context).on_text(
        await _user(update, context), update.effective_message.text or ""))


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/start [CODE]: link this Telegram account with an invite code."""
    sender = update.effective_user
    assert sender is not None  # a command in a private chat has a sender
    code = context.args[0] if context.args else None
    await deliver(update, context, await engine(context).on_start(
        sender.id, sender.username or sender.first_name or "", code))


async def command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/kommun, /hjalp, /mina: handled by the engine."""
    assert update.effective_message is not None  # a command is a message
    name = (update.effective_message.text or "/").split()[0][1:].split("@")[0].lower()
    await deliver(update, context, await engine(context).on_command(
        await _user(update, context), name, " ".join(context.args or [])))


async def button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A button press; the engine checks the user's permission again."""
    query = update.callback_query
    assert query is not None  # a CallbackQueryHandler's update has one
    await query.answer()
    data = query.data or ""
    await deliver(update, context, await engine(context).on_button(
        await _user(update, context), data), edit=data.startswith(("setm:", "clar:")))


async def leave_group(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The bot is for private chats only: it leaves any group it is added to."""
    chat = update.effective_chat
    if chat is not None and chat.type != ChatType.PRIVATE:
        log.info("lämnar en grupp (chat %s)", chat.id)
        await context.bot.leave_chat(chat.id)


async def errors(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log the error type only: updates carry message text, which is never logged."""
    log.error("fel i Telegram-hanteringen: %s", type(context.error).__name__)
