"""Shared fixtures: a real SQLite file per test, loaded with the demo directory once."""

from __future__ import annotations

import asyncio
import logging
import re
import shutil
from pathlib import Path

import pytest

from bot.settings import PROJECT_ROOT
from directory.service import DirectoryService
from directory.understand.redact import redact

DATA = PROJECT_ROOT / "data"


async def _build(path: Path) -> None:
    service = await DirectoryService.open(path, DATA)
    await service.db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    await service.close()


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One demo database built per test session; tests get copies of it."""
    path = tmp_path_factory.mktemp("template") / "demo.db"
    asyncio.run(_build(path))
    return path


@pytest.fixture
def demo_db(tmp_path: Path, demo_template: Path) -> Path:
    target = tmp_path / "kontaktvag.db"
    shutil.copy(demo_template, target)
    return target


@pytest.fixture
async def service(demo_db: Path):
    svc = await DirectoryService.open(demo_db, DATA)
    yield svc
    await svc.close()


class _Collector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.lines.append(self.format(record))
        except Exception:  # noqa: BLE001 - a bad record must not break the guard
            self.lines.append(str(record.msg))


# Bot tokens as the tests make them: digits, a colon, then the secret part.
_TOKEN_SHAPE = re.compile(r"\d{6,}:[A-Za-z0-9_-]{20,}")


@pytest.fixture(scope="session", autouse=True)
def logs_hold_no_secrets_or_identity_numbers():
    """Everything logged during the whole suite, at every level: no bot token, no
    personnummer (the tests send both on purpose)."""
    collector = _Collector()
    collector.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(collector)
    root.setLevel(logging.DEBUG)
    logging.getLogger("aiosqlite").setLevel(logging.INFO)  # as `serve` configures it
    yield collector
    root.removeHandler(collector)
    root.setLevel(old_level)
    problem = log_leak("\n".join(collector.lines))
    assert problem is None, problem


def log_leak(text: str) -> str | None:
    """What in a log text must not be there, or None."""
    tokens = _TOKEN_SHAPE.findall(text)
    if tokens:
        return f"bot token in the logs: {tokens[0][:12]}…"
    if redact(text)[1]:
        return "a personal identity number reached the logs"
    return None
