"""The Telegram `Application` in the aiohttp app: long polling, or a checked webhook."""

from __future__ import annotations

import asyncio
import datetime as dt
import hmac
import logging
import secrets
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

from aiohttp import web
from telegram import Update
from telegram.constants import ChatType
from telegram.error import InvalidToken
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot import logsafe
from bot.engine import Engine
from bot.keys import ENGINE, SETTINGS
from bot.settings import Settings
from bot.telegram import handlers

log = logging.getLogger(__name__)
TELEGRAM = web.AppKey("telegram", Application)
WEBHOOK_SECRET = web.AppKey("telegram_webhook_secret", str)
MAX_WAITING = 200  # about seven seconds of answers at Telegram's 30 messages a second
BUSY = ("För många frågor just nu – din fråga kom inte fram. Försök igen om en stund. "
        "Vid akut fara: ring 112.")
BUSY_EVERY = 60.0  # seconds: one "too many" per chat, however many it sends meanwhile


@dataclass
class Backpressure:
    """Updates waiting for the bot beyond `limit` are not queued: the sender is told."""

    limit: int = MAX_WAITING
    said: dict[int, float] = field(default_factory=dict)  # chat id -> when last told


BACKPRESSURE = web.AppKey("telegram_backpressure", Backpressure)
WEBHOOK_PATH = "/telegram/webhook"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
REMINDER_EVERY = dt.timedelta(days=7)


def build_application(settings: Settings, engine: Engine, webhook: bool) -> Application:
    assert settings.telegram_token is not None  # the bot is set up only with a token
    builder = (ApplicationBuilder().token(settings.telegram_token)
               .rate_limiter(AIORateLimiter()))
    if settings.telegram_api_url:
        builder = builder.base_url(settings.telegram_api_url)
    if webhook:
        builder = builder.updater(None)
    application = builder.build()
    application.bot_data[handlers.ENGINE_KEY] = engine
    private = filters.ChatType.PRIVATE
    application.add_handler(MessageHandler(~private, handlers.leave_group), group=-1)
    application.add_handler(ChatMemberHandler(handlers.leave_group,
                                              ChatMemberHandler.MY_CHAT_MEMBER))
    application.add_handler(CommandHandler("start", handlers.start, filters=private))
    application.add_handler(CommandHandler(["kommun", "hjalp", "help", "mina"],
                                           handlers.command, filters=private))
    # Any other command (/hjälp is not a valid Telegram command name): the engine answers.
    application.add_handler(MessageHandler(private & filters.COMMAND, handlers.command))
    application.add_handler(MessageHandler(private & filters.TEXT & ~filters.COMMAND,
                                           handlers.text))
    application.add_handler(CallbackQueryHandler(handlers.button))
    application.add_error_handler(handlers.errors)
    if application.job_queue is not None:
        application.job_queue.run_repeating(send_reminders, interval=REMINDER_EVERY,
                                            first=REMINDER_EVERY, name="veckopåminnelse")
    return application


async def send_reminders(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Weekly: each coordinator hears what is due for review and what was reported."""
    engine: Engine = context.application.bot_data[handlers.ENGINE_KEY]
    for user, reply in await engine.weekly_reminders():
        if user.telegram_id is not None:  # weekly_reminders picks only users with one
            await handlers.send_all(context, user.telegram_id, reply)


async def _telegram_ctx(app: web.Application) -> AsyncIterator[None]:
    settings = app[SETTINGS]
    logsafe.protect(settings.telegram_token, settings.webhook_secret)
    # The library logs whole updates (message text) at DEBUG, httpx logs URLs with the token.
    logging.getLogger("telegram").setLevel(logging.INFO)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    public_url = settings.public_url
    webhook = bool(public_url)
    application = build_application(settings, app[ENGINE], webhook)
    app[TELEGRAM] = application
    try:
        await application.initialize()
    except InvalidToken:  # its text holds the token: never printed, never logged
        raise SystemExit("Telegram godtar inte KONTAKTVAG_TELEGRAM_TOKEN (fel eller "
                         "återkallad). Hämta den igen hos @BotFather.") from None
    await application.start()
    if public_url:  # webhook
        secret = settings.webhook_secret or secrets.token_urlsafe(32)
        logsafe.protect(secret)
        app[WEBHOOK_SECRET] = secret
        await application.bot.set_webhook(
            url=public_url.rstrip("/") + WEBHOOK_PATH, secret_token=secret,
            allowed_updates=Update.ALL_TYPES)
        log.info("Telegram: webhook registrerad")
    else:
        assert application.updater is not None  # built with one when there is no webhook
        await application.updater.start_polling(allowed_updates=Update.ALL_TYPES)
        log.info("Telegram: long polling startad")
    try:
        yield
    finally:
        if application.updater and application.updater.running:
            await application.updater.stop()
        await application.stop()
        await application.shutdown()


async def webhook(request: web.Request) -> web.Response:
    """Telegram's POSTs: the secret header must match, else 403 and nothing processed."""
    expected = request.app.get(WEBHOOK_SECRET)
    given = request.headers.get(SECRET_HEADER, "")
    if not expected or not hmac.compare_digest(given.encode(), expected.encode()):
        return web.Response(status=403, text="forbidden")
    try:
        data = await request.json()
    except (ValueError, RecursionError):  # not JSON, or nested past the parser's stack
        return web.Response(status=400, text="bad json")
    application = request.app[TELEGRAM]
    if not isinstance(data, dict):
        return web.Response(status=400, text="bad update")
    try:
        update = Update.de_json(data, application.bot)
    except (KeyError, TypeError, ValueError, AttributeError):
        return web.Response(status=400, text="bad update")
    if application.update_queue.qsize() >= request.app[BACKPRESSURE].limit:
        _say_busy(request.app[BACKPRESSURE], application, update)
        return web.Response(text="ok")  # taken: Telegram must not send it again
    await application.update_queue.put(update)
    return web.Response(text="ok")


def _say_busy(pressure: Backpressure, application: Application, update: Update) -> None:
    """Backpressure: a full queue is said, once a minute per chat, rather than silence."""
    chat = update.effective_chat
    if chat is None or chat.type != ChatType.PRIVATE:
        return
    said, now = pressure.said, time.monotonic()
    if now - said.get(chat.id, -BUSY_EVERY) < BUSY_EVERY:
        return
    if len(said) > 10_000:
        said.clear()
    said[chat.id] = now
    task = asyncio.get_running_loop().create_task(
        application.bot.send_message(chat_id=chat.id, text=BUSY))
    _PENDING.add(task)
    task.add_done_callback(_done)


_PENDING: set[asyncio.Task] = set()


def _done(task: asyncio.Task) -> None:
    _PENDING.discard(task)
    if not task.cancelled() and task.exception() is not None:
        log.warning("kunde inte säga 'för många frågor': %s", type(task.exception()).__name__)


def setup(app: web.Application) -> None:
    """Add the bot to the aiohttp app (only when a token is configured)."""
    app[BACKPRESSURE] = Backpressure()
    app.cleanup_ctx.append(_telegram_ctx)
    app.router.add_post(WEBHOOK_PATH, webhook)
