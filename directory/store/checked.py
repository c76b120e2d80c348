"""Checked writes (issue 11): an organisation's scope, and role edits that read, merge,
check and write in one transaction, refused when the editor's version is no longer the
newest (optimistic concurrency). Plain functions on the writer's connection, like
writes.py."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace
from typing import Any

from directory.model import Organisation, Role
from directory.rules import Issue
from directory.store import reports, rows
from directory.store.writes import Conn, _all, _one, _role_doc, record, save_role, verify_role


class Conflict(Exception):
    """The role changed since the version the editor started from."""

    def __init__(self, current: int) -> None:
        super().__init__(f"rollen har ändrats (nu version {current})")
        self.current = current


class Refused(Exception):
    """The edit breaks a rule (directory.rules.Issue items in `issues`)."""

    def __init__(self, issues: list[Issue]) -> None:
        super().__init__("; ".join(i.message for i in issues))
        self.issues = issues


ROLE_VERSION = ("SELECT COALESCE(MAX(id), 0) FROM versions "
                "WHERE entity IN ('role', 'protected') AND entity_id = ?")


def role_version(conn: Conn, role_id: str) -> int:
    """The id of the newest version of the role or its protected fields: the role's ETag."""
    return int(_one(conn, ROLE_VERSION, (role_id,))[0])


def read_scope(conn: Conn, org_id: str) -> Any:
    from directory.rules import scope_from_row

    row = _one(conn, "SELECT * FROM org_scope WHERE org_id = ?", (org_id,))
    return scope_from_row(row["org_id"], row["municipalities"], row["kinds"]) if row else None


def put_scope(conn: Conn, scope: Any, actor: str, action: str, at: str) -> bool:
    """Set an organisation's scope; versioned (entity "scope") when it changes."""
    old = read_scope(conn, scope.org_id)
    before = old.to_json() if old else None
    if before == scope.to_json():
        return False
    conn.execute(
        "INSERT INTO org_scope(org_id, municipalities, kinds) VALUES (?, ?, ?) "
        "ON CONFLICT(org_id) DO UPDATE SET municipalities = excluded.municipalities, "
        "kinds = excluded.kinds",
        (scope.org_id, json.dumps(list(scope.municipalities), ensure_ascii=False),
         json.dumps(list(scope.kinds), ensure_ascii=False)))
    record(conn, "scope", scope.org_id, at, actor, action if old else "create", before,
           scope.to_json())
    return True


def widen_scope(conn: Conn, org: Organisation, roles: list[Role], actor: str, action: str,
                at: str) -> None:
    """After an import: the organisation's scope holds what its imported roles do."""
    from directory.model import ALL
    from directory.rules import OrgScope, default_scope

    seed = default_scope(org, roles)
    old = read_scope(conn, org.id)
    if old is not None:
        area = ((ALL,) if ALL in old.municipalities + seed.municipalities else
                tuple(dict.fromkeys(old.municipalities + seed.municipalities)))
        seed = OrgScope(org.id, area, tuple(dict.fromkeys(old.kinds + seed.kinds)))
    put_scope(conn, seed, actor, action, at)


def _stored_role(conn: Conn, role_id: str) -> Role | None:
    _, role, _ = _role_doc(conn, role_id)
    if role is None:
        return None
    protected = tuple((r[0], r[1]) for r in _all(
        conn, "SELECT field, value FROM protected_fields WHERE role_id = ? ORDER BY rowid",
        (role_id,)))
    return replace(role, protected=protected)


VERIFIED = "Bekräftad som korrekt"  # what a report resolved by a verification says


def verify(conn: Conn, role_id: str, actor: str, day: dt.date, resolution: str,
           at: str) -> int:
    """Confirm the role as correct on `day` and resolve its open reports with `resolution`,
    both in the caller's transaction (so never one without the other). Returns how many
    reports were resolved. Raises KeyError when the role does not exist."""
    verify_role(conn, role_id, actor, day, at)
    open_ids = [r[0] for r in _all(
        conn, "SELECT id FROM reports WHERE role_id = ? AND status = 'open' ORDER BY id",
        (role_id,))]
    reports.resolve_reports(conn, open_ids, actor, resolution)
    return len(open_ids)


def edit_role(conn: Conn, role_id: str, expected: int | set[int] | None, make: Any,
              check: Any, actor: str, replace_protected: bool, verify_on: dt.date | None,
              resolution: str, at: str) -> tuple[bool, int, Role]:
    """Read, merge, check and write one role in one transaction, so that no concurrent
    edit is lost: `expected` (the version the editor started from, or a set of them as
    If-Match may send; None: no check) must still be the newest, `make(before, org)`
    builds the edited role (or raises Refused), `check(role, before, scope)` returns the
    rules' issues. With `verify_on` the role is also confirmed as correct on that day, and
    its open reports resolved with `resolution`, in the same transaction (`verify`): the
    verification is always of exactly what was saved with it.
    Returns (changed - the role or its protected fields -, the new version, the role as
    stored before)."""
    current = role_version(conn, role_id)
    if expected is not None and current not in (
            expected if isinstance(expected, set | frozenset) else {expected}):
        raise Conflict(current)
    before = _stored_role(conn, role_id)
    if before is None:
        raise KeyError(role_id)
    org = rows.organisation(_one(conn, "SELECT * FROM organisations WHERE id = ?",
                                 (before.org_id,)))
    role = make(before, org)
    issues = check(role, before, read_scope(conn, before.org_id))
    if issues:
        raise Refused(issues)
    save_role(conn, role, actor, "update", at,
              protected=dict(role.protected) if replace_protected else None)
    if verify_on is not None:
        verify(conn, role_id, actor, verify_on, resolution, at)
    version = role_version(conn, role_id)
    return version != current, version, before


def create_role(conn: Conn, role: Role, check: Any, actor: str, at: str) -> int:
    """A new role, checked inside the transaction (its id may have been taken meanwhile)."""
    from directory.rules import Issue

    if _one(conn, "SELECT 1 FROM roles WHERE id = ?", (role.id,)):
        raise Refused([Issue("id", f"Id '{role.id}' används redan av en annan roll.")])
    issues = check(role, None, read_scope(conn, role.org_id))
    if issues:
        raise Refused(issues)
    save_role(conn, role, actor, "create", at, protected=dict(role.protected))
    return role_version(conn, role.id)
