"""Personal API tokens (Authorization: Bearer kv_…); only their SHA-256 hash is stored."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import sqlite3
from typing import Any, cast

from directory.accounts import User
from directory.db import Database, now_iso
from directory.store.people import People, add_audit, user_from_rows

PREFIX = "kv_"
MAX_PER_USER = 10


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Tokens:
    def __init__(self, db: Database, people: People) -> None:
        self.db, self.people = db, people

    async def create(self, user: User, name: str) -> str:
        """A new token for the user; the clear text is returned once and never stored."""
        token = PREFIX + secrets.token_urlsafe(32)
        await self.db.run_write(_create, user, name, _hash(token))
        self.people.changed()
        return token

    async def count_active(self, user: User) -> int:
        row = await self.db.fetchone(
            "SELECT COUNT(*) FROM api_tokens WHERE user_id = ? AND revoked_at IS NULL",
            (user.id,))
        assert row is not None  # COUNT(*) always gives a row
        return int(row[0])

    async def list_for(self, user: User) -> list[dict[str, Any]]:
        return [dict(r) for r in await self.db.fetchall(
            "SELECT id, name, created_at, last_used_on FROM api_tokens "
            "WHERE user_id = ? AND revoked_at IS NULL ORDER BY id", (user.id,))]

    async def revoke(self, user: User, token_id: int) -> bool:
        revoked = await self.db.run_write(_revoke, user, token_id)
        self.people.changed()  # a key revoked here stops working with the next request
        return revoked

    async def user_for(self, token: str) -> User | None:
        """The active user a token belongs to, or None. This runs on every API call: the
        user is remembered (People.remembered: forgotten at once by a revoke, a new password
        or a switched-off account here, within a second when another process did it)."""
        if not token.startswith(PREFIX) or len(token) > 200:
            return None
        people = self.people
        key = ("token", _hash(token))
        known, remembered = people.remembered(key)
        if known:
            return cast("User | None", remembered)
        epoch = people.epoch
        found = await self.db.fetchall(
            "SELECT u.*, o.org_id AS org_id, t.id AS token_id, t.last_used_on AS last_used_on "
            "FROM api_tokens t JOIN users u ON u.id = t.user_id "
            "LEFT JOIN user_orgs o ON o.user_id = u.id "
            "WHERE t.token_hash = ? AND t.revoked_at IS NULL ORDER BY o.org_id",
            (_hash(token),))
        user = user_from_rows(found)
        if user is None or not user.active:
            return None
        day = dt.date.today().isoformat()
        if found[0]["last_used_on"] != day:  # one write a day at most, not one per request
            await self.db.run_write(_mark_used, found[0]["token_id"], day, directory=False)
        people.remember(key, epoch, user)
        return user


def _create(conn: sqlite3.Connection, user: User, name: str, token_hash: str) -> None:
    conn.execute(
        "INSERT INTO api_tokens(user_id, name, token_hash, created_at) VALUES (?, ?, ?, ?)",
        (user.id, name, token_hash, now_iso()))
    add_audit(conn, user.name, "token.create", name)


def _revoke(conn: sqlite3.Connection, user: User, token_id: int) -> bool:
    cur = conn.execute(
        "UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND user_id = ? "
        "AND revoked_at IS NULL", (now_iso(), token_id, user.id))
    if cur.rowcount > 0:
        add_audit(conn, user.name, "token.revoke", str(token_id))
        return True
    return False


def _mark_used(conn: sqlite3.Connection, token_id: int, day: str) -> None:
    conn.execute("UPDATE api_tokens SET last_used_on = ? WHERE id = ?", (day, token_id))
