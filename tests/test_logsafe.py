"""The log scrubber: installed by every app, with or without Telegram."""

from __future__ import annotations

import subprocess
import sys

from bot.settings import PROJECT_ROOT

SCRIPT = """
import logging
from bot.server import create_app
from bot.settings import Settings
logging.basicConfig(level=logging.INFO, format="%(message)s")
create_app(Settings(db_path={db!r}, session_key=None))
log = logging.getLogger("kontaktvag.test")
log.warning("fråga om 811218\\u20119876 i Mora")
log.warning("pnr %s", "19811218-9876")
log.warning("inget här 070-174 06 05")
"""


def test_scrubber_is_installed_without_telegram(tmp_path):
    done = subprocess.run([sys.executable, "-c", SCRIPT.format(db=str(tmp_path / "k.db"))],
                          capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "9876" not in done.stderr
    assert done.stderr.count("[personnummer]") == 2
    assert "inget här 070-174 06 05" in done.stderr


TRACEBACK_SCRIPT = """
import logging
from bot import logsafe
logsafe.protect({token!r})
logging.basicConfig(level=logging.INFO, format="%(message)s")
log = logging.getLogger("kontaktvag.test")
try:
    int("811218\\u20119876")
except ValueError:
    log.exception("oväntat fel")
try:
    raise RuntimeError("GET https://api.telegram.org/bot{token}/getMe")
except RuntimeError as e:
    log.error("fel i Telegram", exc_info=e)
log.warning("stack", stack_info=True)
"""


def test_tracebacks_are_scrubbed_too(tmp_path):
    """A traceback is part of the log line: an exception's text (a rejected request line,
    int() of what someone typed, a URL with the token) must not carry them past the
    scrubber."""
    token = "123456789:AAFakeTokenForTestsOnly-logsafe"
    done = subprocess.run([sys.executable, "-c", TRACEBACK_SCRIPT.format(token=token)],
                          capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "9876" not in done.stderr and "AAFakeToken" not in done.stderr, done.stderr
    assert "ValueError: invalid literal for int() with base 10: '[personnummer]'" in done.stderr
    assert "RuntimeError: GET https://api.telegram.org/bot***/getMe" in done.stderr
    assert "Traceback (most recent call last)" in done.stderr  # still there, only clean


async def test_a_malformed_request_line_puts_no_identity_number_in_the_log(
        demo_db, aiohttp_server, caplog):
    """aiohttp logs a request it cannot parse with the raw request line in the traceback:
    anyone can send one."""
    import asyncio
    import logging

    from test_web_support import settings_for

    from bot.server import create_app

    server = await aiohttp_server(create_app(settings_for(demo_db)))
    caplog.set_level(logging.DEBUG)
    # The second shows its UTF-8 dash as \xe2\x80\x91 in the logged bytes.
    for bad in (b"GET /katalog?q=811218-9876\x01 HTTP/1.1\r\nHost: x\r\n\r\n",
                "GET / HTTP/1.1\r\nX-Note: 811218\u20119876\x00\r\n\r\n".encode()):
        reader, writer = await asyncio.open_connection(server.host, server.port)
        writer.write(bad)
        await writer.drain()
        assert (await reader.read(100)).startswith(b"HTTP/1.")
        writer.close()
    await asyncio.sleep(0.1)
    logged = "\n".join(caplog.handler.format(r) for r in caplog.records)
    assert logged.count("Error handling request") == 2  # the case this is about happened
    assert "9876" not in logged and logged.count("[personnummer]") == 2, logged
