"""Opening the SQLite file: pragmas, numbered migrations and the single writer."""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import datetime as dt
import importlib.resources
import os
import re
import sqlite3
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any, TypeVar

import aiosqlite

MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")
PRAGMAS = ("PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL", "PRAGMA foreign_keys=ON",
           "PRAGMA busy_timeout=5000")
T = TypeVar("T")
# The parameters of one SQL statement: positional (?) or named (:name).
Params = tuple[Any, ...] | dict[str, Any]


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
    """The one writer and a reader, so that a write waiting for its fsync never holds up the
    questions.

    Writes run as plain synchronous functions in one dedicated writer thread that owns a
    `sqlite3` connection (`run_write`): a whole transaction, however many statements, costs
    one hop between the event loop and that thread, and the thread runs them one after the
    other, so there is exactly one writer. Nothing on the event loop is held while a
    transaction waits for its turn or its fsync: with an asyncio lock held across the hop,
    each write would also wait for the previous writer to be woken on a busy event loop
    (under the load test that doubled a write's wait). The aiosqlite connection `conn` runs
    the migrations, while the database opens and before the writer thread exists. Reads go
    to `reader`, a read-only aiosqlite connection.

    WAL lets the reader, and readers in other processes (the CLI while `serve` runs), read
    while we write; synchronous=FULL makes an acknowledged commit survive a power cut.
    """

    def __init__(self, conn: aiosqlite.Connection, path: Path) -> None:
        self.conn = conn  # the migrations, before the writer thread starts
        self.reader = conn  # replaced by a read-only connection once migrations have run
        self.path = path
        self._executor: concurrent.futures.ThreadPoolExecutor | None = None
        self._writer: sqlite3.Connection | None = None  # used only in the executor's thread
        # Commits made through this object that may change the directory (a cheap change
        # signal for snapshots); counted right after each commit, in the writer thread.
        self.local_commits = 0

    @staticmethod
    async def _connect(path: Path) -> aiosqlite.Connection:
        conn = await aiosqlite.connect(str(path), isolation_level=None)
        conn.row_factory = aiosqlite.Row
        for pragma in PRAGMAS:
            await conn.execute(pragma)
        return conn

    @staticmethod
    def _connect_writer(path: Path) -> sqlite3.Connection:
        """The writer's plain connection; called in (and used only by) the writer thread."""
        conn = sqlite3.connect(str(path), isolation_level=None)  # we say BEGIN and COMMIT
        try:
            conn.row_factory = sqlite3.Row
            for pragma in PRAGMAS:
                conn.execute(pragma)
        except BaseException:
            conn.close()
            raise
        return conn

    @classmethod
    async def open(cls, path: str | Path) -> Database:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        # Protected fields, password hashes, sessions: a new file is for its owner only
        # (SQLite gives the -wal and -shm files the same mode).
        with contextlib.suppress(FileExistsError):
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        conn = await cls._connect(path)
        db = cls(conn, path)
        try:
            current = await db.schema_version()
            if current > schema_version_expected():
                raise SchemaTooNew(f"databasen har schemaversion {current}, men den här "
                                   f"versionen av Kontaktväg känner bara till "
                                   f"{schema_version_expected()}: uppgradera programmet")
            await db.migrate()
            db.reader = await cls._connect(path)
            await db.reader.execute("PRAGMA query_only=ON")
            db._executor = concurrent.futures.ThreadPoolExecutor(
                max_workers=1, thread_name_prefix="kontaktvag-writer")
            db._writer = await asyncio.get_running_loop().run_in_executor(
                db._executor, cls._connect_writer, path)
        except BaseException:
            await db.close()  # no connection or thread may outlive a failed open
            raise
        return db

    async def close(self) -> None:
        """Close everything; write transactions already queued run (and commit) first."""
        executor, self._executor = self._executor, None
        if executor is not None:
            await asyncio.wrap_future(executor.submit(self._close_writer))
            executor.shutdown(wait=True)
        if self.reader is not self.conn:
            await self.reader.close()
        await self.conn.close()

    def _close_writer(self) -> None:
        if self._writer is not None:
            self._writer.close()
            self._writer = None

    async def schema_version(self) -> int:
        async with self.conn.execute("PRAGMA user_version") as cur:
            row = await cur.fetchone()
        assert row is not None  # PRAGMA user_version always answers
        return int(row[0])

    async def migrate(self) -> list[int]:
        """Apply every migration newer than user_version, each in its own transaction."""
        applied = []
        for number, _name, sql in migrations():
            if number <= await self.schema_version():
                continue
            async with self._migration():
                for statement in _statements(sql):
                    await self.conn.execute(statement)
                await self.conn.execute(f"PRAGMA user_version={number:d}")
            applied.append(number)
        return applied

    async def run_write(self, fn: Callable[..., T], *args: Any, directory: bool = True) -> T:
        """Run `fn(conn, *args)` as one write transaction in the writer thread: BEGIN
        IMMEDIATE, fn, COMMIT (ROLLBACK and re-raise on any exception); fn's result is
        returned. When this returns, the transaction is committed and synced
        (synchronous=FULL). Transactions run one at a time, in the order they were asked for.

        fn runs in another thread: it must only use the connection it is given. A caller
        cancelled while its transaction waits for its turn cancels it; once it runs, it runs
        to its end. `directory=False`: the write cannot change the directory (a question
        nothing fitted, a key's last day of use), so the in-memory snapshot need not look
        at the database again for it (`local_commits`)."""
        executor = self._executor
        if executor is None:
            raise RuntimeError("databasen är stängd")
        return await asyncio.wrap_future(executor.submit(self._transaction, fn, args,
                                                         directory))

    def _transaction(self, fn: Callable[..., T], args: tuple[Any, ...],
                     directory: bool = True) -> T:
        """In the writer thread: one transaction around fn."""
        conn = self._writer
        assert conn is not None  # opened before the first write, closed after the last
        conn.execute("BEGIN IMMEDIATE")
        try:
            result = fn(conn, *args)
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        if directory:
            self.local_commits += 1  # only this thread writes
        return result

    @contextlib.asynccontextmanager
    async def _migration(self) -> AsyncIterator[aiosqlite.Connection]:
        """One migration's transaction on the aiosqlite connection, statement by statement:
        only while the database opens, before the writer thread exists, so it is the one
        writer of this process. Every other write is `run_write`."""
        if self._executor is not None:
            raise RuntimeError("migreringar körs bara när databasen öppnas")
        await self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            await self.conn.execute("ROLLBACK")
            raise
        await self.conn.execute("COMMIT")
        self.local_commits += 1

    async def fetchall(self, sql: str, params: Params = ()) -> list[aiosqlite.Row]:
        """A read on the reader connection: it sees every committed write. One round trip to
        the reader's thread (execute, fetch and close in one go, not three)."""
        return list(await self.reader.execute_fetchall(sql, params))

    async def fetchone(self, sql: str, params: Params = ()) -> aiosqlite.Row | None:
        """The first row of a query meant to return at most one; one round trip."""
        return next(iter(await self.reader.execute_fetchall(sql, params)), None)

    async def scalar(self, sql: str, params: Params = ()) -> Any:
        """The first column of a query that always gives one row (COUNT, MAX …)."""
        row = await self.fetchone(sql, params)
        if row is None:
            raise LookupError(f"no row from {sql!r}")
        return row[0]


def now_iso() -> str:
    """The moment written into rows (UTC, to the second)."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def execute(conn: sqlite3.Connection, sql: str, params: Params = ()) -> None:
    """One statement, as a write for `Database.run_write`."""
    conn.execute(sql, params)


def inserted_id(cur: sqlite3.Cursor) -> int:
    """The rowid an INSERT just made (sqlite3 types lastrowid as optional)."""
    if cur.lastrowid is None:
        raise LookupError("the statement inserted no row")
    return cur.lastrowid


def _statements(sql: str) -> list[str]:
    """Split a migration into statements (our migrations hold no ';' inside literals)."""
    body = "\n".join(line for line in sql.splitlines() if not line.strip().startswith("--"))
    return [s.strip() for s in body.split(";") if s.strip()]
