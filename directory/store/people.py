"""Accounts, sessions, invites, remembered sign-in lookups and the audit log (what staff
send in, reports and unanswered questions, is in reports.py)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
import sqlite3
import time
from dataclasses import dataclass
from typing import Any

import aiosqlite

from directory.accounts import User
from directory.db import Database, execute, inserted_id, now_iso
from directory.labels import REPORT_REASON_SV, USER_ROLE_SV
from directory.names import clash
from directory.vocabulary import UserRole, values

ROLES = values(UserRole)
# Re-exported for the callers that still import them from here (bot/admin_cli.py).
ROLE_SV = USER_ROLE_SV
REPORT_REASONS = REPORT_REASON_SV
INVITE_DAYS = 7
# What People remembers a lookup under: ("telegram", id), ("session", hash), ("token", hash).
LookupKey = tuple[str, int | str]


@dataclass(frozen=True)
class Invite:
    """An invite as stored (never its code: only a hash of that is kept)."""

    role: str
    orgs: tuple[str, ...]
    created_at: str = ""
    created_by: str = ""
    expires_at: str = ""
    used_at: str | None = None

    def state(self, now: dt.datetime) -> str:
        """used | expired | open."""
        if self.used_at:
            return "used"
        return "expired" if dt.datetime.fromisoformat(self.expires_at) < now else "open"


@dataclass(frozen=True)
class AuditRow:
    """One line of the audit log: who did what, when (ISO, UTC)."""

    id: int
    at: str
    actor: str
    action: str  # "login", "report.add", ...
    detail: str



def _invite(row: Any) -> Invite:
    return Invite(row["role"], tuple(json.loads(row["orgs"])), row["created_at"],
                  row["created_by"], row["expires_at"], row["used_at"])


def hash_code(code: str) -> str:
    return hashlib.sha256(code.strip().encode()).hexdigest()


# Writes: plain functions run in the writer thread inside one transaction (Database.run_write).



def add_audit(conn: sqlite3.Connection, actor: str, action: str, detail: str) -> None:
    conn.execute("INSERT INTO audit_log(at, actor, action, detail) VALUES (?, ?, ?, ?)",
                 (now_iso(), actor, action, detail))


# One user (id, name and telegram_id are unique) with its organisations, in one query: a
# row per organisation, or one row with org_id NULL.
USER_WITH_ORGS = ("SELECT u.*, o.org_id AS org_id FROM users u "
                  "LEFT JOIN user_orgs o ON o.user_id = u.id WHERE {where} ORDER BY o.org_id")


def user_from_rows(found: list[aiosqlite.Row]) -> User | None:
    """The user in the rows of a USER_WITH_ORGS-shaped query (None when there are none)."""
    if not found:
        return None
    row = found[0]
    orgs = tuple(r["org_id"] for r in found if r["org_id"] is not None)
    return User(row["id"], row["name"], row["role"], orgs, row["telegram_id"],
                row["default_municipality"], bool(row["active"]), row["password_hash"])


class NameTaken(ValueError):
    """The account name is taken, or looks like one that is (directory.names)."""


def refuse_lookalike(conn: sqlite3.Connection, name: str) -> None:
    """Inside the write: no two account names with the same confusable skeleton."""
    other = clash(name, [r[0] for r in conn.execute("SELECT name FROM users")])
    if other is not None:
        raise NameTaken(f"kontonamnet '{name}' är upptaget eller liknar '{other}' för "
                        "mycket; välj ett annat")


SESSION_HOURS = 12


def session_hash(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


def end_sessions(conn: sqlite3.Connection, user_id: int, why: str) -> None:
    conn.execute("UPDATE web_sessions SET ended_at = ?, ended_why = ? "
                 "WHERE user_id = ? AND ended_at IS NULL", (now_iso(), why, user_id))


LOOKUP_TTL = 1.0  # seconds a remembered sign-in lookup holds (edits by other processes)


class People:
    def __init__(self, db: Database) -> None:
        self.db = db
        # Who a session, an API key or a Telegram account is, remembered briefly: every
        # question needs it. Any change here to users, sessions or keys moves `epoch`, which
        # forgets them all at once; a change by another process holds within LOOKUP_TTL.
        self.epoch = 0
        self._lookups: dict[LookupKey, tuple[int, float, Any]] = {}

    def changed(self) -> None:
        """Users, sessions or API keys changed: forget every remembered lookup."""
        self.epoch += 1
        self._lookups.clear()

    def remembered(self, key: LookupKey) -> tuple[bool, Any]:
        hit = self._lookups.get(key)
        if hit is not None and hit[0] == self.epoch and time.monotonic() - hit[1] < LOOKUP_TTL:
            return True, hit[2]
        return False, None

    def remember(self, key: LookupKey, epoch: int, value: Any) -> None:
        """Keep `value`, looked up while the epoch was `epoch` (stale if it moved since)."""
        if epoch != self.epoch:
            return
        if len(self._lookups) > 10_000:
            self._lookups.clear()
        self._lookups[key] = (epoch, time.monotonic(), value)

    # ---- users ---------------------------------------------------------------------

    async def _user(self, row: aiosqlite.Row) -> User:
        orgs = tuple(r["org_id"] for r in await self.db.fetchall(
            "SELECT org_id FROM user_orgs WHERE user_id = ? ORDER BY org_id", (row["id"],)))
        return User(row["id"], row["name"], row["role"], orgs, row["telegram_id"],
                    row["default_municipality"], bool(row["active"]), row["password_hash"])

    async def user(self, user_id: int) -> User | None:
        return user_from_rows(await self.db.fetchall(
            USER_WITH_ORGS.format(where="u.id = ?"), (user_id,)))

    async def user_by_name(self, name: str) -> User | None:
        return user_from_rows(await self.db.fetchall(
            USER_WITH_ORGS.format(where="u.name = ?"), (name,)))

    async def lookalike(self, name: str) -> str | None:
        """The existing account name that `name` is or looks like, or None."""
        return clash(name, [r[0] for r in await self.db.fetchall("SELECT name FROM users")])

    async def user_by_telegram(self, telegram_id: int) -> User | None:
        """Runs on every Telegram update: remembered (see `epoch`)."""
        key = ("telegram", telegram_id)
        user: User | None
        known, user = self.remembered(key)
        if not known:
            epoch = self.epoch
            user = user_from_rows(await self.db.fetchall(
                USER_WITH_ORGS.format(where="u.telegram_id = ? AND u.active = 1"),
                (telegram_id,)))
            self.remember(key, epoch, user)
        return user

    async def users(self) -> list[User]:
        rows = await self.db.fetchall("SELECT * FROM users ORDER BY name")
        return [await self._user(r) for r in rows]

    async def coordinators_of(self, org_id: str) -> list[User]:
        rows = await self.db.fetchall(
            "SELECT u.* FROM users u JOIN user_orgs o ON o.user_id = u.id "
            "WHERE o.org_id = ? AND u.role = 'coordinator' AND u.active = 1", (org_id,))
        return [await self._user(r) for r in rows]

    async def count_admins(self) -> int:
        return int(await self.db.scalar("SELECT COUNT(*) FROM users WHERE role = 'admin'"))

    async def add_user(self, name: str, role: str, orgs: list[str] | tuple[str, ...] = (),
                       password_hash: str | None = None, telegram_id: int | None = None,
                       actor: str = "system") -> User:
        if role not in ROLES:
            raise ValueError(f"okänd roll '{role}'")

        def add(conn: sqlite3.Connection) -> int:
            refuse_lookalike(conn, name)
            cur = conn.execute(
                "INSERT INTO users(name, role, password_hash, telegram_id, created_at) "
                "VALUES (?, ?, ?, ?, ?)", (name, role, password_hash, telegram_id, now_iso()))
            user_id = inserted_id(cur)
            conn.executemany("INSERT INTO user_orgs(user_id, org_id) VALUES (?, ?)",
                             [(user_id, o) for o in orgs])
            add_audit(conn, actor, "user.add", f"{name} ({role})")
            return user_id

        user_id = await self.db.run_write(add)
        self.changed()
        user = await self.user(user_id)
        assert user is not None  # just added
        return user

    async def set_password(self, user_id: int, password_hash: str, actor: str,
                           keep_tokens: bool = False) -> None:
        """A new password ends every session of the user and, unless `keep_tokens`, every
        API key: whoever had the old password or a copied cookie is out."""
        def update(conn: sqlite3.Connection) -> None:
            conn.execute("UPDATE users SET password_hash = ? WHERE id = ?",
                         (password_hash, user_id))
            end_sessions(conn, user_id, "password")
            if not keep_tokens:
                conn.execute("UPDATE api_tokens SET revoked_at = ? WHERE user_id = ? "
                             "AND revoked_at IS NULL", (now_iso(), user_id))
            add_audit(conn, actor, "user.password",
                      f"{user_id}" + (", API-nycklar behölls" if keep_tokens else
                                      ", API-nycklar återkallade"))

        await self.db.run_write(update)
        self.changed()

    async def set_default_municipality(self, user_id: int, municipality: str | None) -> None:
        await self.db.run_write(execute, "UPDATE users SET default_municipality = ? "
                                "WHERE id = ?", (municipality, user_id))
        self.changed()

    async def set_active(self, user_id: int, active: bool, actor: str) -> None:
        def update(conn: sqlite3.Connection) -> None:
            conn.execute("UPDATE users SET active = ? WHERE id = ?", (int(active), user_id))
            if not active:
                end_sessions(conn, user_id, "inactive")
            add_audit(conn, actor, "user.active" if active else "user.inactive", str(user_id))

        await self.db.run_write(update)
        self.changed()

    # ---- web sessions (kept on the server, so that they really end) ----------------

    async def start_session(self, user_id: int, hours: int = SESSION_HOURS) -> str:
        """A new session; the returned id goes in the (encrypted) cookie only."""
        session_id = secrets.token_urlsafe(32)
        now = dt.datetime.now(dt.UTC)

        def add(conn: sqlite3.Connection) -> None:
            conn.execute("INSERT INTO web_sessions(id_hash, user_id, created_at, expires_at) "
                         "VALUES (?, ?, ?, ?)", (session_hash(session_id), user_id,
                                                 now.isoformat(timespec="seconds"),
                                                 (now + dt.timedelta(hours=hours)).isoformat(
                                                     timespec="seconds")))
            # Sessions past their end are closed here rather than by a timer.
            conn.execute("UPDATE web_sessions SET ended_at = expires_at, ended_why = "
                         "'expired' WHERE ended_at IS NULL AND expires_at < ?",
                         (now.isoformat(timespec="seconds"),))

        await self.db.run_write(add)
        return session_id

    async def session_user(self, session_id: str) -> User | None:
        """The active user of a live session, or None. Runs on every request: remembered
        (see `epoch`), with the session's end checked on every use."""
        key = ("session", session_hash(session_id))
        found: tuple[User | None, str] | None  # the user and the session's end
        known, found = self.remembered(key)
        if not known:
            epoch = self.epoch
            rows_ = await self.db.fetchall(
                "SELECT u.*, o.org_id AS org_id, s.expires_at AS expires_at "
                "FROM web_sessions s JOIN users u ON u.id = s.user_id "
                "LEFT JOIN user_orgs o ON o.user_id = u.id "
                "WHERE s.id_hash = ? AND s.ended_at IS NULL AND s.expires_at > ? "
                "AND u.active = 1 ORDER BY o.org_id", (key[1], now_iso()))
            found = (user_from_rows(rows_), rows_[0]["expires_at"]) if rows_ else None
            self.remember(key, epoch, found)
        if found is None or found[1] <= now_iso():
            return None
        return found[0]

    async def end_session(self, session_id: str, why: str = "logout") -> None:
        await self.db.run_write(
            execute, "UPDATE web_sessions SET ended_at = ?, ended_why = ? "
            "WHERE id_hash = ? AND ended_at IS NULL", (now_iso(), why, session_hash(session_id)))
        self.changed()

    async def live_sessions(self, user_id: int) -> int:
        return int(await self.db.scalar(
            "SELECT COUNT(*) FROM web_sessions WHERE user_id = ? AND ended_at IS NULL "
            "AND expires_at > ?", (user_id, now_iso())))

    # ---- invites -------------------------------------------------------------------

    async def create_invite(self, role: str, orgs: list[str], actor: str,
                            now: dt.datetime | None = None) -> tuple[str, dt.datetime]:
        """A single-use code, valid for seven days; only its hash is stored."""
        if role not in ROLES:
            raise ValueError(f"okänd roll '{role}'")
        now = now or dt.datetime.now(dt.UTC)
        code = secrets.token_urlsafe(12).replace("-", "x").replace("_", "y")
        expires = now + dt.timedelta(days=INVITE_DAYS)

        def add(conn: sqlite3.Connection) -> None:
            conn.execute(
                "INSERT INTO invites(code_hash, role, orgs, created_at, created_by, expires_at) "
                "VALUES (?, ?, ?, ?, ?, ?)", (hash_code(code), role, json.dumps(orgs),
                                               now.isoformat(), actor, expires.isoformat()))
            add_audit(conn, actor, "invite.create", f"{role} {','.join(orgs)}")

        await self.db.run_write(add)
        return code, expires

    async def invite(self, code: str, now: dt.datetime | None = None) -> Invite | None:
        """The open, unexpired invite for a code, or None."""
        now = now or dt.datetime.now(dt.UTC)
        row = await self.db.fetchone("SELECT * FROM invites WHERE code_hash = ?",
                                     (hash_code(code),))
        if row is None or row["used_at"] or dt.datetime.fromisoformat(row["expires_at"]) < now:
            return None
        return _invite(row)

    async def redeem_invite(self, code: str, name: str, telegram_id: int | None = None,
                            password_hash: str | None = None) -> User | None:
        """Use a code once: creates the account. None when the code is not valid."""
        now = dt.datetime.now(dt.UTC)

        def redeem(conn: sqlite3.Connection) -> int | None:
            row = conn.execute("SELECT * FROM invites WHERE code_hash = ?",
                               (hash_code(code),)).fetchone()
            if (row is None or row["used_at"]
                    or dt.datetime.fromisoformat(row["expires_at"]) < now):
                return None
            refuse_lookalike(conn, name)
            cur = conn.execute(
                "INSERT INTO users(name, role, password_hash, telegram_id, created_at) "
                "VALUES (?, ?, ?, ?, ?)", (name, row["role"], password_hash, telegram_id,
                                           now.isoformat(timespec="seconds")))
            user_id = inserted_id(cur)
            conn.executemany("INSERT INTO user_orgs(user_id, org_id) VALUES (?, ?)",
                             [(user_id, o) for o in json.loads(row["orgs"])])
            conn.execute("UPDATE invites SET used_at = ?, used_by = ? WHERE code_hash = ?",
                         (now.isoformat(), user_id, row["code_hash"]))
            add_audit(conn, name, "invite.redeem", row["role"])
            return user_id

        user_id = await self.db.run_write(redeem)
        self.changed()
        return None if user_id is None else await self.user(user_id)

    async def invites(self) -> list[Invite]:
        return [_invite(r) for r in await self.db.fetchall(
            "SELECT role, orgs, created_at, created_by, expires_at, used_at FROM invites "
            "ORDER BY created_at DESC")]

    # ---- the audit log -------------------------------------------------------------

    async def audit(self, actor: str, action: str, detail: str = "") -> None:
        await self.db.run_write(add_audit, actor, action, detail)

    async def audit_log(self, actor: str | None = None, action: str | None = None,
                        limit: int = 500) -> list[AuditRow]:
        clauses, params = [], []
        if actor:
            clauses.append("actor = ?")
            params.append(actor)
        if action:
            clauses.append("action LIKE ?")
            params.append(action + "%")
        where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
        return [AuditRow(r["id"], r["at"], r["actor"], r["action"], r["detail"])
                for r in await self.db.fetchall(
                    "SELECT id, at, actor, action, detail FROM audit_log "
                    f"{where} ORDER BY id DESC LIMIT ?", (*params, limit))]
