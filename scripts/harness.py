"""Shared plumbing for the crash and load scripts: a real `kontaktvag serve` process on
loopback, a fake Telegram Bot API beside it, and an API token to talk to it with."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TOKEN = "555000:HarnessTokenNotReal-abcdefghijklmnop"
WEBHOOK_SECRET = "harness-webhook-secret-0123456789"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def prepare_database(path: Path, template: Path | None = None) -> str:
    """A demo database with a coordinator account and its API token; returns the token."""
    from directory.service import DirectoryService

    if template and template.exists():
        shutil.copy(template, path)
    service = await DirectoryService.open(path, ROOT / "data")
    try:
        orgs = [o.id for o in await service.store.organisations()]
        user = await service.people.user_by_name("lasttest")
        if user is None:
            user = await service.people.add_user("lasttest", "admin", orgs[:1])
        token = await service.create_token(user, "last- och krasch-test")
        await service.db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        await service.close()
    return token


class Server:
    """`uv run kontaktvag serve` as a child process that can be killed with SIGKILL."""

    def __init__(self, db: Path, port: int, bot_api: str | None = None,
                 log: Path | None = None) -> None:
        self.db, self.port, self.bot_api = db, port, bot_api
        self.log = log or db.with_suffix(".log")
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        env = dict(os.environ, KONTAKTVAG_DB=str(self.db), KONTAKTVAG_PORT=str(self.port),
                   KONTAKTVAG_HOST="127.0.0.1", KONTAKTVAG_INSECURE_COOKIES="1",
                   # load, not abuse: the per-user limits would turn most asks into 429
                   KONTAKTVAG_ASKS_PER_MINUTE="100000000",
                   KONTAKTVAG_REPORTS_PER_HOUR="100000000")
        if self.bot_api:
            env.update(KONTAKTVAG_TELEGRAM_TOKEN=TOKEN, KONTAKTVAG_TELEGRAM_API_URL=self.bot_api,
                       KONTAKTVAG_PUBLIC_URL=self.url, KONTAKTVAG_WEBHOOK_SECRET=WEBHOOK_SECRET)
        out = open(self.log, "ab")  # noqa: SIM115 - the child owns it
        self.proc = subprocess.Popen([sys.executable, "-m", "bot.cli", "serve"], cwd=ROOT,
                                     env=env, stdout=out, stderr=subprocess.STDOUT)

    async def wait_ready(self, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        async with aiohttp.ClientSession() as session:
            while time.monotonic() < deadline:
                if self.proc.poll() is not None:
                    raise RuntimeError(f"servern avslutades: se {self.log}")
                try:
                    async with session.get(self.url + "/healthz") as r:
                        if r.status == 200:
                            return
                except aiohttp.ClientError:
                    pass
                await asyncio.sleep(0.1)
        raise TimeoutError("servern svarade inte")

    def kill(self) -> None:
        """SIGKILL: no shutdown handlers, no flush, as in a power cut of the process."""
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]
