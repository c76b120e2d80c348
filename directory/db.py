"""Opening the SQLite file: pragmas, numbered migrations and the single writer."""

from __future__ import annotations

import asyncio
import contextlib
import importlib.resources
import re
from collections.abc import AsyncIterator
from pathlib import Path

import aiosqlite

MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


def migrations() -> list[tuple[int, str, str]]:
    """The bundled migrations as (number, name, sql), in order."""
    found = []
    for item in importlib.resources.files("directory.migrations").iterdir():
        m = MIGRATION_NAME.match(item.name)
        if m:
            found.append((int(m.group(1)), item.name, item.read_text(encoding="utf-8")))
    return sorted(found)


def schema_version_expected() -> int:
    """The schema version this code works with."""
    return migrations()[-1][0]


class SchemaTooNew(RuntimeError):
    """The file was migrated by a newer Kontaktväg; running old code on it is refused."""


class Database:
    """Two aiosqlite connections: the one writer (serialised by a lock, BEGIN IMMEDIATE) and
    a reader, so that a write waiting for its fsync never holds up the questions.

    WAL lets the reader, and readers in other processes (the CLI while `serve` runs), read
    while we write; synchronous=FULL makes an acknowledged commit survive a power cut.
    """

    def __init__(self, conn: aiosqlite.Connection, path: Path) -> None:
        self.conn = conn  # the writer; also used for reads inside a write transaction
        self.reader = conn  # replaced by a read-only connection once migrations have run
        self.path = path
        self._write_lock = asyncio.Lock()
        self.local_commits = 0  # commits made through this object (cheap change signal)

    @staticmethod
    async def _connect(path: Path) -> aiosqlite.Connection:
        conn = await aiosqlite.connect(str(path), isolation_level=None)
        conn.row_factory = aiosqlite.Row
        await conn.execute("PRAGMA journal_mode=WAL")
        await conn.execute("PRAGMA synchronous=FULL")
        await conn.execute("PRAGMA foreign_keys=ON")
        await conn.execute("PRAGMA busy_timeout=5000")
        return conn

    @classmethod
    async def open(cls, path: str | Path) -> Database:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = await cls._connect(path)
        db = cls(conn, path)
        current = await db.schema_version()
        if current > schema_version_expected():
            await conn.close()
            raise SchemaTooNew(f"databasen har schemaversion {current}, men den här versionen "
                               f"av Kontaktväg känner bara till {schema_version_expected()}: "
                               "uppgradera programmet")
        await db.migrate()
        db.reader = await cls._connect(path)
        await db.reader.execute("PRAGMA query_only=ON")
        return db

    async def close(self) -> None:
        if self.reader is not self.conn:
            await self.reader.close()
        await self.conn.close()

    async def schema_version(self) -> int:
        async with self.conn.execute("PRAGMA user_version") as cur:
            row = await cur.fetchone()
        return int(row[0])

    async def migrate(self) -> list[int]:
        """Apply every migration newer than user_version, each in its own transaction."""
        applied = []
        for number, _name, sql in migrations():
            if number <= await self.schema_version():
                continue
            async with self.write():
                for statement in _statements(sql):
                    await self.conn.execute(statement)
                await self.conn.execute(f"PRAGMA user_version={number:d}")
            applied.append(number)
        return applied

    @contextlib.asynccontextmanager
    async def write(self) -> AsyncIterator[aiosqlite.Connection]:
        """A write transaction: the one writer, BEGIN IMMEDIATE, commit or roll back."""
        async with self._write_lock:
            await self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.conn
            except BaseException:
                await self.conn.execute("ROLLBACK")
                raise
            else:
                await self.conn.execute("COMMIT")
                self.local_commits += 1

    async def fetchall(self, sql: str, params: tuple | dict = ()) -> list[aiosqlite.Row]:
        """A read on the reader connection: it sees every committed write."""
        async with self.reader.execute(sql, params) as cur:
            return list(await cur.fetchall())

    async def fetchone(self, sql: str, params: tuple | dict = ()) -> aiosqlite.Row | None:
        async with self.reader.execute(sql, params) as cur:
            return await cur.fetchone()


def _statements(sql: str) -> list[str]:
    """Split a migration into statements (our migrations hold no ';' inside literals)."""
    body = "\n".join(line for line in sql.splitlines() if not line.strip().startswith("--"))
    return [s.strip() for s in body.split(";") if s.strip()]
