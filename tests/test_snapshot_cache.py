"""The one-shot CLI's snapshot cache (bot/snapshot_cache.py) when the database changed
after the cache was made: brought up to date as `serve` keeps its snapshot, never stale."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from bot import snapshot_cache
from directory.service import DirectoryService

AT = dt.datetime.fromisoformat("2026-11-24T10:15:00+01:00")
ROLE = "borlange-valdsutovarbehandling"


async def _one_shot(db: Path) -> DirectoryService:
    """A service started the way `kontaktvag ask` starts it."""
    service = await DirectoryService.open(db)
    await snapshot_cache.start(service, db)
    return service


async def _edit(db: Path, changes: dict) -> None:
    """An edit by another process (a coordinator's save in `serve`)."""
    service = await DirectoryService.open(db)
    try:
        await service.patch_role(ROLE, changes, None, "test")
    finally:
        await service.close()


async def test_an_edit_since_the_cache_is_applied_to_it_not_loaded_again(demo_db):
    service = await _one_shot(demo_db)  # no cache yet: a full load, the cache written
    assert service.cache.full_loads == 1
    await service.close()
    await _edit(demo_db, {"name": "Borlänge kommun – Tallbacken, samtal om eget våld",
                          "aliases": ["samtalsmottagningen tallbacken"]})

    service = await _one_shot(demo_db)
    try:
        assert service.cache.full_loads == 0  # the cached snapshot, with the edit applied
        answer = await service.ask("jag slår min fru och vill ha hjälp, Borlänge", AT)
        assert answer.route[0].role.name == "Borlänge kommun – Tallbacken, samtal om eget våld"
        # The unit's new alias names it: the matcher was built again for the new names.
        named = await service.ask("samtalsmottagningen tallbacken, Borlänge, vill sluta slå", AT)
        assert named.route and named.route[0].role.id == ROLE
    finally:
        await service.close()
    # ... and the state after the edit is what the next run finds, unchanged.
    service = await _one_shot(demo_db)
    try:
        assert service.cache.full_loads == 0
        named = await service.ask("samtalsmottagningen tallbacken, Borlänge, vill sluta slå", AT)
        assert named.route[0].role.id == ROLE
    finally:
        await service.close()


async def test_a_cache_of_another_history_is_not_brought_up_to_date(demo_db, tmp_path):
    """A database that is not the cache's history continued (a copy, a restored backup)
    is read whole, never patched from a cache of something else."""
    service = await _one_shot(demo_db)
    await service.close()
    other = tmp_path / "other.db"
    shutil.copy(demo_db, other)
    shutil.copy(snapshot_cache.cache_path(demo_db), snapshot_cache.cache_path(other))
    await _edit(other, {"name": "Namn B"})
    service = await _one_shot(other)
    try:
        assert service.cache.full_loads == 1
        answer = await service.ask("jag slår min fru och vill ha hjälp, Borlänge", AT)
        assert answer.route[0].role.name == "Namn B"
    finally:
        await service.close()
