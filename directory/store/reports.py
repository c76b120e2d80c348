"""What staff send in: reports of wrong entries and the questions nothing fitted."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, fields
from typing import Any, TypedDict

import aiosqlite

from directory.db import Database, execute, inserted_id, now_iso
from directory.store.people import add_audit
from directory.understand.redact import redact
from directory.vocabulary import ReportReason, values


@dataclass(frozen=True)
class Report:
    id: int
    role_id: str
    reason: str
    note: str
    reporter: int | None
    created_at: str
    status: str
    resolved_by: str | None
    resolved_at: str | None
    resolution: str | None

    @classmethod
    def from_row(cls, row: Any) -> Report:
        """From a `reports` row, by column name (the order of the columns does not matter)."""
        return cls(**{f.name: row[f.name] for f in fields(cls)})


class Unanswered(TypedDict):
    """A question nothing fitted, as the `unanswered` table keeps it (a row as a dict)."""

    id: int
    query: str
    count: int
    first_at: str
    last_at: str
    handled: int


def _unanswered(row: aiosqlite.Row) -> Unanswered:
    return Unanswered(id=row["id"], query=row["query"], count=row["count"],
                      first_at=row["first_at"], last_at=row["last_at"], handled=row["handled"])



# Writes: plain functions run in the writer thread inside one transaction (Database.run_write).



def resolve_reports(conn: sqlite3.Connection, report_ids: list[int], actor: str,
                    resolution: str) -> None:
    """Mark reports resolved (audited), inside the caller's transaction."""
    resolution = redact(resolution)[0][:1000]
    for report_id in report_ids:
        conn.execute(
            "UPDATE reports SET status = 'resolved', resolved_by = ?, resolved_at = ?, "
            "resolution = ? WHERE id = ?", (actor, now_iso(), resolution, report_id))
        add_audit(conn, actor, "report.resolve", str(report_id))


class Reports:
    def __init__(self, db: Database) -> None:
        self.db = db
        self._pending: set[asyncio.Task[None]] = set()  # record_unanswered_soon's writes

    # ---- reports -------------------------------------------------------------------

    async def add_report(self, role_id: str, reason: str, note: str, reporter: int | None
                         ) -> Report:
        if reason not in values(ReportReason):
            raise ValueError(f"okänd orsak '{reason}'")
        note = redact(note)[0]  # callers redact; this is the last check before storing

        def add(conn: sqlite3.Connection) -> int:
            cur = conn.execute(
                "INSERT INTO reports(role_id, reason, note, reporter, created_at) "
                "VALUES (?, ?, ?, ?, ?)", (role_id, reason, note[:1000], reporter, now_iso()))
            add_audit(conn, str(reporter), "report.add", f"{role_id} {reason}")
            return inserted_id(cur)

        report = await self.report(await self.db.run_write(add))
        assert report is not None  # just added
        return report

    async def report(self, report_id: int) -> Report | None:
        row = await self.db.fetchone("SELECT * FROM reports WHERE id = ?", (report_id,))
        return Report.from_row(row) if row else None

    async def open_reports(self, org_ids: Sequence[str] | None = None) -> list[Report]:
        sql = ("SELECT r.* FROM reports r JOIN roles ro ON ro.id = r.role_id "
               "WHERE r.status = 'open'")
        params: tuple[str, ...] = ()
        if org_ids is not None:
            sql += f" AND ro.org_id IN ({','.join('?' * len(org_ids))})"
            params = tuple(org_ids)
        rows = await self.db.fetchall(sql + " ORDER BY r.id", params)
        return [Report.from_row(r) for r in rows]

    async def reported_roles(self) -> set[str]:
        rows = await self.db.fetchall("SELECT DISTINCT role_id FROM reports WHERE status='open'")
        return {r[0] for r in rows}

    async def resolve_report(self, report_id: int, actor: str, resolution: str) -> None:
        await self.db.run_write(resolve_reports, [report_id], actor, resolution)

    # ---- unanswered questions ------------------------------------------------------

    async def record_unanswered(self, query: str) -> None:
        """Keep a redacted question that nothing fitted, counted."""
        query = redact(query)[0]  # already redacted by the understanding: a last check
        now = now_iso()
        await self.db.run_write(
            execute, "INSERT INTO unanswered(query, first_at, last_at) VALUES (?, ?, ?) "
            "ON CONFLICT(query) DO UPDATE SET count = count + 1, last_at = excluded.last_at",
            (query[:500], now, now), directory=False)

    def record_unanswered_soon(self, query: str) -> None:
        """The same without waiting for the disk: the answer need not wait for its sync.
        Readers of the list (`settle`) and closing the database wait for it."""
        task = asyncio.get_running_loop().create_task(self.record_unanswered(query))
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)

    async def settle(self) -> None:
        """Wait for questions being recorded (before reading them or closing)."""
        while self._pending:
            await asyncio.wait(set(self._pending))

    async def unanswered(self, include_handled: bool = False, limit: int = 10_000,
                         offset: int = 0) -> list[Unanswered]:
        await self.settle()
        where = "" if include_handled else "WHERE handled = 0"
        return [_unanswered(r) for r in await self.db.fetchall(
            f"SELECT * FROM unanswered {where} ORDER BY count DESC, last_at DESC, id "
            "LIMIT ? OFFSET ?", (limit, offset))]

    async def unanswered_item(self, unanswered_id: int) -> Unanswered | None:
        await self.settle()
        row = await self.db.fetchone("SELECT * FROM unanswered WHERE id = ?", (unanswered_id,))
        return _unanswered(row) if row else None

    async def count_unanswered(self) -> int:
        await self.settle()
        return int(await self.db.scalar("SELECT COUNT(*) FROM unanswered WHERE handled = 0"))

    async def mark_unanswered_handled(self, unanswered_id: int) -> None:
        await self.db.run_write(execute, "UPDATE unanswered SET handled = 1 WHERE id = ?",
                                (unanswered_id,))
