"""`kontaktvag serve`: the aiohttp application that hosts the web pages and the bot."""

from __future__ import annotations

import asyncio
import gc
import logging
import shlex
from collections.abc import AsyncIterator

from aiohttp import web

from bot import logsafe
from bot.engine import Engine, RateLimit
from bot.keys import ENGINE, MODEL_BUILDER, SERVICE, SETTINGS
from bot.settings import DEFAULT_DB, Settings
from bot.telegram.app import setup as setup_telegram
from bot.web import setup as setup_web
from directory.rebuild import ModelBuilder
from directory.service import DirectoryService

log = logging.getLogger(__name__)


def configure_logging() -> None:
    """Plain logs without message text; httpx at WARNING because its URLs hold the token."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: "
                        "%(message)s")
    for noisy in ("httpx", "httpcore", "telegram.ext.Updater"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    # aiosqlite logs each statement with its parameters at DEBUG; the library logs whole
    # updates (message text) at DEBUG. Neither may reach a log, whatever the root level.
    logging.getLogger("aiosqlite").setLevel(logging.INFO)
    logging.getLogger("telegram").setLevel(logging.INFO)


async def _directory_ctx(app: web.Application) -> AsyncIterator[None]:
    settings = app[SETTINGS]
    service = await DirectoryService.open(settings.db_path, settings.demo_data,
                                          build_model=False)
    await service.warm_up()
    app[SERVICE] = service
    app[ENGINE] = Engine(service, edit_url=settings.public_url,
                         report_limit=RateLimit(settings.reports_per_hour, 3600.0))
    builder = app[MODEL_BUILDER] = ModelBuilder(settings.db_path)
    if not await service.model_is_current():  # a new database: answers use the lexicon
        builder.schedule(pause=0)               # alone for the few seconds this takes
    yield
    await builder.stop()
    await service.close()


def create_app(settings: Settings) -> web.Application:
    """The app factory: state in typed AppKeys (bot/keys.py), resources in cleanup_ctx."""
    # Always, not only with Telegram: no secret and no identity number reaches a log.
    logsafe.protect(settings.telegram_token, settings.webhook_secret, settings.session_key)
    app = web.Application(client_max_size=1024 * 1024)
    app[SETTINGS] = settings
    app.cleanup_ctx.append(_directory_ctx)
    setup_web(app)
    if settings.telegram_token:
        setup_telegram(app)
    app.router.add_get("/healthz", healthz)
    return app


async def healthz(request: web.Request) -> web.Response:
    """Liveness and a cheap database check, for load balancers and monitoring."""
    service = request.app[SERVICE]
    return web.json_response({"ok": await service.database_answers()})


def first_admin_command(settings: Settings) -> str:
    """The command that creates the first admin, for the database this server uses."""
    db = "" if settings.db_path == DEFAULT_DB else f" --db {shlex.quote(str(settings.db_path))}"
    return f"uv run kontaktvag users add NAMN --role admin{db}"


FREEZE_EVERY = 30.0  # seconds


async def _freeze_survivors() -> None:
    """Every half minute, what has lived that long (remembered questions and answers, an
    edited role) joins the frozen objects. Python's full collections scan every object not
    frozen, and at national size, with thousands of remembered answers, one took 100-250 ms
    while every answer waited; frozen objects are still freed when nothing refers to them.
    The young generations are collected first, so no garbage of ours is frozen with them."""
    while True:
        await asyncio.sleep(FREEZE_EVERY)
        gc.collect(1)
        gc.freeze()


async def serve(settings: Settings) -> None:
    configure_logging()
    app = create_app(settings)
    runner = web.AppRunner(app, access_log=None)  # access logs would carry query strings
    try:
        await runner.setup()
    except BaseException:  # close what did start (the database), or the process hangs
        await runner.cleanup()
        raise
    gc.freeze()  # the warmed-up directory and matcher live for good: keep them out of GC scans
    app[SERVICE].settled = gc.freeze  # and so do the new ones that replace them
    freezer = asyncio.get_running_loop().create_task(_freeze_survivors())
    site = web.TCPSite(runner, settings.host, settings.port)
    await site.start()
    service = app[SERVICE]
    print(f"Kontaktväg körs på http://{settings.host}:{settings.port}/ "
          f"(databas {settings.db_path})", flush=True)
    if await service.count_admins() == 0:
        print("Ingen administratör finns ännu. Skapa den första med:\n"
              f"  {first_admin_command(settings)}\n"
              f"och logga sedan in på {settings.base_url}/login", flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        freezer.cancel()
        await runner.cleanup()
