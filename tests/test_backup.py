"""Backups while the server writes; restores that check first and never lose anything."""

from __future__ import annotations

import asyncio
import hashlib
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from bot.settings import PROJECT_ROOT
from directory.backup import BackupError, backup, restore
from directory.db import Database, schema_version_expected
from directory.service import DirectoryService


def files(directory: Path) -> dict[str, str]:
    """Every file in a directory with a hash of its bytes: 'nothing changed' made exact."""
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(directory.iterdir()) if p.is_file()}


def query(path: Path, sql: str) -> list[tuple]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def add_marker(path: Path, text: str) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("CREATE TABLE IF NOT EXISTS marker (text TEXT)")
        conn.execute("INSERT INTO marker VALUES (?)", (text,))
    finally:
        conn.close()


def run_cli(*args: str, db: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bot.cli", "--db", str(db), *args],
                          capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=120)


async def test_backup_while_the_server_writes_is_a_consistent_snapshot(service, demo_db, tmp_path):
    await service.db.run_write(lambda conn: conn.execute(
        "CREATE TABLE load (batch INTEGER, n INTEGER)"))
    committed = 0
    stop = asyncio.Event()

    async def writer() -> None:
        nonlocal committed
        batch = 0
        while not stop.is_set():
            batch += 1
            await service.db.run_write(  # the server's own write path: one transaction
                lambda conn, b=batch: conn.executemany(
                    "INSERT INTO load VALUES (?, ?)", [(b, n) for n in range(5)]))
            committed = batch
            await asyncio.sleep(0)

    task = asyncio.create_task(writer())
    try:
        seen = []
        for i in range(4):
            while committed < (i + 1) * 3:  # let some batches land between backups
                await asyncio.sleep(0.001)
            before = committed
            result = await asyncio.to_thread(backup, demo_db, tmp_path / f"b{i}.db")
            rows = query(result.path, "SELECT batch, count(*) FROM load GROUP BY batch")
            assert all(count == 5 for _, count in rows), "a half-applied transaction was copied"
            assert len(rows) >= before, "an acknowledged write is missing from the backup"
            assert query(result.path, "PRAGMA integrity_check") == [("ok",)]
            assert query(result.path, "PRAGMA journal_mode") == [("delete",)]
            assert result.schema_version == schema_version_expected()
            seen.append(len(rows))
    finally:
        stop.set()
        await task
    assert committed > seen[0]  # the writer really ran during the backups
    organisations = await service.db.fetchone("SELECT count(*) FROM organisations")
    assert query(tmp_path / "b3.db", "SELECT count(*) FROM organisations") == [
        (organisations[0],)]
    assert not list(tmp_path.glob(".*tmp*")), "a staging file was left behind"


def test_backup_into_a_directory_gets_a_stamped_name_and_never_overwrites(demo_db, tmp_path):
    out = tmp_path / "backups"
    out.mkdir()
    first = backup(demo_db, out)
    assert first.path.parent == out and first.path.name.startswith("kontaktvag-")
    second = backup(demo_db, out)
    assert second.path != first.path
    before = files(out)
    with pytest.raises(BackupError, match="finns redan"):
        backup(demo_db, first.path)
    assert files(out) == before


def test_backup_of_a_missing_database_creates_nothing(tmp_path):
    with pytest.raises(BackupError, match="finns inte"):
        backup(tmp_path / "none.db", tmp_path / "b.db")
    assert list(tmp_path.iterdir()) == []


async def test_restore_round_trip_keeps_the_replaced_database(demo_db, tmp_path):
    saved = backup(demo_db, tmp_path / "saved.db").path
    service = await DirectoryService.open(demo_db)
    try:
        await service.reports.record_unanswered("en fråga efter säkerhetskopian")
    finally:
        await service.close()

    result = restore(saved, demo_db)

    assert result.replaced is not None and result.replaced.name.startswith(
        "kontaktvag.db.replaced-")
    assert "en fråga efter säkerhetskopian" in str(query(result.replaced,
                                                           "SELECT query FROM unanswered"))
    assert not Path(f"{demo_db}-wal").exists() and not Path(f"{demo_db}-shm").exists()
    service = await DirectoryService.open(demo_db)
    try:
        assert await service.reports.unanswered() == []
        assert await service.db.schema_version() == schema_version_expected()
        d = await service.directory()
        assert d.roles
    finally:
        await service.close()


def test_restore_keeps_what_a_crashed_server_left_in_its_wal(demo_db, tmp_path):
    saved = backup(demo_db, tmp_path / "saved.db").path
    crashed = tmp_path / "crashed"
    crashed.mkdir()
    live = sqlite3.connect(demo_db, isolation_level=None)
    try:
        live.execute("PRAGMA wal_autocheckpoint=0")
        live.execute("CREATE TABLE marker (text TEXT)")
        live.execute("INSERT INTO marker VALUES ('acknowledged before the crash')")
        # What kill -9 leaves behind: the main file and a WAL that was never checkpointed.
        shutil.copy(demo_db, crashed / "kontaktvag.db")
        shutil.copy(f"{demo_db}-wal", crashed / "kontaktvag.db-wal")
    finally:
        live.close()
    db = crashed / "kontaktvag.db"

    result = restore(saved, db)

    assert query(result.replaced, "SELECT text FROM marker") == [
        ("acknowledged before the crash",)]
    assert sorted(p.name for p in crashed.iterdir()) == sorted(["kontaktvag.db",
                                                                result.replaced.name])
    assert query(db, "SELECT count(*) FROM sqlite_master WHERE name = 'marker'") == [(0,)]


def test_restore_refuses_a_file_that_is_not_a_database(demo_db, tmp_path):
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"SQLite format 2\x00" + bytes(range(256)) * 40)
    before = files(tmp_path)
    with pytest.raises(BackupError, match="inget ändrades"):
        restore(junk, demo_db)
    assert files(tmp_path) == before


def test_restore_refuses_a_damaged_backup_and_changes_nothing(demo_db, tmp_path):
    damaged = backup(demo_db, tmp_path / "damaged.db").path
    page = query(damaged, "PRAGMA page_size")[0][0]
    pages = damaged.stat().st_size // page
    with open(damaged, "r+b") as f:  # scribble over a stretch of b-tree pages
        for n in range(pages // 3, pages // 3 + 8):
            f.seek(n * page + 8)
            f.write(b"\xa5" * (page - 16))
    before = files(tmp_path)
    with pytest.raises(BackupError) as refused:
        restore(damaged, demo_db)
    assert "skadad" in str(refused.value) or "ingen läsbar" in str(refused.value)
    assert "inget ändrades" in str(refused.value)
    assert files(tmp_path) == before


def test_restore_refuses_a_newer_schema_and_changes_nothing(demo_db, tmp_path):
    newer = backup(demo_db, tmp_path / "newer.db").path
    expected = schema_version_expected()
    conn = sqlite3.connect(newer)
    conn.execute(f"PRAGMA user_version={expected + 1}")
    conn.close()
    before = files(tmp_path)
    with pytest.raises(BackupError) as refused:
        restore(newer, demo_db)
    message = str(refused.value)
    assert f"schemaversion {expected + 1}" in message and f"version {expected}" in message
    assert "Uppgradera Kontaktväg" in message
    assert files(tmp_path) == before


def test_restore_refuses_a_database_that_is_not_kontaktvag(demo_db, tmp_path):
    other = tmp_path / "other.db"
    add_marker(other, "x")
    before = files(tmp_path)
    with pytest.raises(BackupError, match="ingen Kontaktväg-databas"):
        restore(other, demo_db)
    assert files(tmp_path) == before


async def test_restore_refuses_while_the_server_has_the_database_open(demo_db, tmp_path):
    saved = backup(demo_db, tmp_path / "saved.db").path
    db = await Database.open(demo_db)  # what `serve` holds, idle between requests
    try:
        before = files(tmp_path)
        with pytest.raises(BackupError, match="används"):
            restore(saved, demo_db)
        assert files(tmp_path) == before
    finally:
        await db.close()


def test_restore_replaces_a_damaged_live_database_and_keeps_its_bytes(demo_db, tmp_path):
    saved = backup(demo_db, tmp_path / "saved.db").path
    demo_db.write_bytes(b"not a database any more " * 100)
    result = restore(saved, demo_db)
    assert result.replaced.read_bytes() == b"not a database any more " * 100
    assert query(demo_db, "PRAGMA integrity_check") == [("ok",)]


def test_restore_onto_a_new_machine_needs_no_old_database(demo_db, tmp_path):
    target = tmp_path / "fresh" / "kontaktvag.db"
    target.parent.mkdir()
    result = restore(demo_db, target)
    assert result.replaced is None
    assert query(target, "PRAGMA user_version") == [(schema_version_expected(),)]


def test_cli_backup_and_restore(demo_db, tmp_path):
    out = run_cli("backup", str(tmp_path), db=demo_db)
    assert out.returncode == 0, out.stderr
    assert "Säkerhetskopia skriven" in out.stdout
    saved = next(tmp_path.glob("kontaktvag-*.db"))

    out = run_cli("restore", str(saved), db=demo_db)
    assert out.returncode == 0, out.stderr
    assert "återställd" in out.stdout and "finns kvar som" in out.stdout

    conn = sqlite3.connect(saved)
    conn.execute(f"PRAGMA user_version={schema_version_expected() + 1}")
    conn.close()
    before = files(tmp_path)
    out = run_cli("restore", str(saved), db=demo_db)
    assert out.returncode == 2
    assert out.stderr.startswith("kontaktvag: restore:") and "Uppgradera" in out.stderr
    assert "Traceback" not in out.stderr
    assert files(tmp_path) == before
