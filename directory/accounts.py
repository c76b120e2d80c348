"""Who a user is and what they may do: every permission rule in one place, so that the
web pages, the JSON API and the chat ask the same questions of a `User`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from directory.vocabulary import UserRole

# Account roles, lowest first (the vocabulary's order): each may do what the ones before may.
RANK: dict[str, int] = {role.value: i for i, role in enumerate(UserRole, 1)}


@dataclass(frozen=True)
class User:
    id: int
    name: str
    role: str
    orgs: tuple[str, ...]
    telegram_id: int | None
    default_municipality: str | None
    active: bool
    password_hash: str | None = None

    @property
    def is_admin(self) -> bool:
        return self.role == UserRole.ADMIN

    @property
    def is_coordinator(self) -> bool:
        """A coordinator (not an admin): looks after the entries of their organisations."""
        return self.role == UserRole.COORDINATOR

    @property
    def may_review(self) -> bool:
        """May confirm and edit entries at all (of their organisations, or all: admins)."""
        return self.is_admin or self.is_coordinator

    def at_least(self, level: str) -> bool:
        """Does the account role reach `level` (staff, coordinator, admin)?"""
        return RANK.get(self.role, 0) >= RANK[level]

    def orgs_in_charge(self) -> tuple[str, ...] | None:
        """The organisations whose entries and reports this user looks after; None: every
        one (admins). Staff look after none."""
        if self.is_admin:
            return None
        return self.orgs if self.is_coordinator else ()

    def may_edit(self, org_id: str) -> bool:
        """May edit, verify and restore the entries of this organisation."""
        return self.is_admin or (self.is_coordinator and org_id in self.orgs)

    def may_edit_role(self, role: Any) -> bool:
        """May edit this role (anything with an `org_id`)."""
        return self.may_edit(role.org_id)

    def may_edit_municipality(self, municipality: str, organisations: Mapping[str, Any]
                              ) -> bool:
        """Local contact paths: admins, or coordinators of the municipality's own
        organisation (a `kommun` that serves it)."""
        if self.is_admin:
            return True
        if not self.is_coordinator:
            return False
        return any(o in organisations and organisations[o].type == "kommun"
                   and municipality in organisations[o].municipalities for o in self.orgs)
