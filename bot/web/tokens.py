"""Personal API tokens (Authorization: Bearer kv_…); only their SHA-256 hash is stored."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from directory.service import DirectoryService
from directory.store.people import User

PREFIX = "kv_"
MAX_PER_USER = 10


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


async def create(service: DirectoryService, user: User, name: str) -> str:
    """A new token for the user; the clear text is returned once and never stored."""
    token = PREFIX + secrets.token_urlsafe(32)
    async with service.db.write() as conn:
        await conn.execute(
            "INSERT INTO api_tokens(user_id, name, token_hash, created_at) VALUES (?, ?, ?, ?)",
            (user.id, name, _hash(token), _now()))
    await service.people.audit(user.name, "token.create", name)
    return token


async def count_active(service: DirectoryService, user: User) -> int:
    row = await service.db.fetchone(
        "SELECT COUNT(*) FROM api_tokens WHERE user_id = ? AND revoked_at IS NULL", (user.id,))
    return int(row[0])


async def list_for(service: DirectoryService, user: User) -> list[dict]:
    return [dict(r) for r in await service.db.fetchall(
        "SELECT id, name, created_at, last_used_on FROM api_tokens "
        "WHERE user_id = ? AND revoked_at IS NULL ORDER BY id", (user.id,))]


async def revoke(service: DirectoryService, user: User, token_id: int) -> bool:
    async with service.db.write() as conn:
        cur = await conn.execute(
            "UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND user_id = ? "
            "AND revoked_at IS NULL", (_now(), token_id, user.id))
        done = cur.rowcount > 0
    if done:
        await service.people.audit(user.name, "token.revoke", str(token_id))
    return done


async def user_for(service: DirectoryService, token: str) -> User | None:
    """The active user a token belongs to, or None."""
    if not token.startswith(PREFIX) or len(token) > 200:
        return None
    row = await service.db.fetchone(
        "SELECT id, user_id, last_used_on FROM api_tokens "
        "WHERE token_hash = ? AND revoked_at IS NULL", (_hash(token),))
    if row is None:
        return None
    user = await service.people.user(row["user_id"])
    if user is None or not user.active:
        return None
    day = dt.date.today().isoformat()
    if row["last_used_on"] != day:  # one write a day at most, not one per request
        async with service.db.write() as conn:
            await conn.execute("UPDATE api_tokens SET last_used_on = ? WHERE id = ?",
                               (day, row["id"]))
    return user
