"""Shared fixtures: a real SQLite file per test, loaded with the demo directory once."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

import pytest

from bot.settings import PROJECT_ROOT
from directory.service import DirectoryService

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
