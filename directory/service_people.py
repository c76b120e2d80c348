"""The service's door to the people side of the database: accounts, sessions, invites,
reports, unanswered questions, the audit log and API tokens. DirectoryService inherits
these, so a front end asks the service and never reaches into its People, Reports or
Tokens."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from directory.accounts import User
from directory.store.people import AuditRow, Invite, People
from directory.store.reports import Report, Reports, Unanswered
from directory.store.tokens import MAX_PER_USER, Tokens


class PeopleDoor:
    """Thin, documented delegations to People, Reports and Tokens (set by
    DirectoryService)."""

    people: People
    reports: Reports
    tokens: Tokens
    MAX_TOKENS = MAX_PER_USER  # active API tokens a user may hold

    # ---- accounts ----------------------------------------------------------------------

    async def user(self, user_id: int) -> User | None:
        """The account with this id (active or not), or None."""
        return await self.people.user(user_id)

    async def user_by_name(self, name: str) -> User | None:
        """The account with exactly this name, or None."""
        return await self.people.user_by_name(name)

    async def user_by_telegram(self, telegram_id: int) -> User | None:
        """The account linked to a Telegram user id, or None (remembered: every update)."""
        return await self.people.user_by_telegram(telegram_id)

    async def name_lookalike(self, name: str) -> str | None:
        """The existing account name that `name` is or looks like, or None."""
        return await self.people.lookalike(name)

    async def users(self) -> list[User]:
        """Every account, by name."""
        return await self.people.users()

    async def coordinators_of(self, org_id: str) -> list[User]:
        """The active coordinators of an organisation (who hear of its reports)."""
        return await self.people.coordinators_of(org_id)

    async def count_admins(self) -> int:
        """How many admin accounts there are (none: the server says how to make one)."""
        return await self.people.count_admins()

    async def set_password(self, user_id: int, password_hash: str, actor: str,
                           keep_tokens: bool = False) -> None:
        """A new password; ends every session and, unless `keep_tokens`, every API token."""
        await self.people.set_password(user_id, password_hash, actor, keep_tokens=keep_tokens)

    async def set_default_municipality(self, user_id: int, municipality: str | None) -> None:
        """The municipality a user's questions default to (None: none)."""
        await self.people.set_default_municipality(user_id, municipality)

    async def set_active(self, user_id: int, active: bool, actor: str) -> None:
        """Switch an account on or off (off ends its sessions), audited."""
        await self.people.set_active(user_id, active, actor)

    # ---- web sessions ------------------------------------------------------------------

    async def start_session(self, user_id: int) -> str:
        """A new web session; the returned id goes in the (encrypted) cookie only."""
        return await self.people.start_session(user_id)

    async def session_user(self, session_id: str) -> User | None:
        """The active user of a live session, or None (runs on every request)."""
        return await self.people.session_user(session_id)

    async def end_session(self, session_id: str, why: str = "logout") -> None:
        """End a web session, saying why."""
        await self.people.end_session(session_id, why)

    # ---- invites -----------------------------------------------------------------------

    async def create_invite(self, role: str, orgs: list[str], actor: str
                            ) -> tuple[str, dt.datetime]:
        """A single-use invite code and when it expires; only its hash is stored."""
        return await self.people.create_invite(role, orgs, actor)

    async def invite(self, code: str) -> Invite | None:
        """The open, unexpired invite for a code, or None."""
        return await self.people.invite(code)

    async def invites(self) -> list[Invite]:
        """Every invite, newest first (never their codes)."""
        return await self.people.invites()

    async def redeem_invite(self, code: str, name: str, telegram_id: int | None = None,
                            password_hash: str | None = None) -> User | None:
        """Use a code once to create an account; None when the code is not valid. Raises
        NameTaken when the name is taken or looks like one that is."""
        return await self.people.redeem_invite(code, name, telegram_id=telegram_id,
                                               password_hash=password_hash)

    # ---- reports of wrong entries (filed and resolved through the service) -------------

    async def report(self, report_id: int) -> Report | None:
        """One report, or None."""
        return await self.reports.report(report_id)

    async def open_reports(self, org_ids: Sequence[str] | None = None) -> list[Report]:
        """The open reports on the roles of these organisations (None: of all)."""
        return await self.reports.open_reports(org_ids)

    async def reported_roles(self) -> set[str]:
        """The ids of the roles with an open report (cards and pages mark them)."""
        return await self.reports.reported_roles()

    # ---- unanswered questions ----------------------------------------------------------

    async def unanswered(self, limit: int = 10_000, offset: int = 0) -> list[Unanswered]:
        """The questions nothing fitted that no one has handled yet, a page of them."""
        return await self.reports.unanswered(limit=limit, offset=offset)

    async def unanswered_item(self, unanswered_id: int) -> Unanswered | None:
        """One unanswered question, or None."""
        return await self.reports.unanswered_item(unanswered_id)

    async def count_unanswered(self) -> int:
        """How many unanswered questions no one has handled yet."""
        return await self.reports.count_unanswered()

    async def mark_unanswered_handled(self, unanswered_id: int) -> None:
        """An unanswered question is dealt with: it leaves the list."""
        await self.reports.mark_unanswered_handled(unanswered_id)

    # ---- the audit log -----------------------------------------------------------------

    async def audit(self, actor: str, action: str, detail: str = "") -> None:
        """Write one line to the audit log (sign-ins, sign-outs, ...)."""
        await self.people.audit(actor, action, detail)

    async def audit_rows(self, limit: int = 500) -> list[AuditRow]:
        """The newest lines of the audit log, newest first."""
        return await self.people.audit_log(limit=limit)

    # ---- personal API tokens (only their hash is stored) -------------------------------

    async def create_token(self, user: User, name: str) -> str:
        """A new token for the user; the clear text is returned once and never stored."""
        return await self.tokens.create(user, name)

    async def count_tokens(self, user: User) -> int:
        """How many active tokens the user has (at most MAX_TOKENS)."""
        return await self.tokens.count_active(user)

    async def tokens_of(self, user: User) -> list[dict[str, Any]]:
        """The user's tokens as the account page lists them (never their text)."""
        return await self.tokens.list_for(user)

    async def revoke_token(self, user: User, token_id: int) -> bool:
        """Revoke one of the user's own tokens; False when there is no such token."""
        return await self.tokens.revoke(user, token_id)

    async def user_for_token(self, token: str) -> User | None:
        """The active user a token belongs to, or None (remembered: see Tokens.user_for)."""
        return await self.tokens.user_for(token)
