"""The permission rules on `User` (directory/accounts.py): one place for every channel."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from directory.accounts import User


@dataclass(frozen=True)
class Org:
    type: str
    municipalities: tuple[str, ...]


@dataclass(frozen=True)
class Role:
    org_id: str


ORGS = {"mora-kommun": Org("kommun", ("Mora",)),
        "region-dalarna": Org("region", ("Mora", "Falun", "Orsa")),
        "falun-kommun": Org("kommun", ("Falun",))}


def user(role: str, orgs: tuple[str, ...] = ()) -> User:
    return User(1, "u", role, orgs, None, None, True)


STAFF = user("staff")
MORA = user("coordinator", ("mora-kommun",))
REGION = user("coordinator", ("region-dalarna",))
ADMIN = user("admin")


def test_roles_and_levels():
    assert ADMIN.is_admin and not MORA.is_admin and not STAFF.is_admin
    assert MORA.is_coordinator and not ADMIN.is_coordinator
    assert MORA.may_review and ADMIN.may_review and not STAFF.may_review
    assert [u.at_least("coordinator") for u in (STAFF, MORA, ADMIN)] == [False, True, True]
    assert all(u.at_least("staff") for u in (STAFF, MORA, ADMIN))
    assert not MORA.at_least("admin") and ADMIN.at_least("admin")
    assert not user("okänd").at_least("staff")


def test_entries_only_of_ones_own_organisations():
    assert MORA.may_edit("mora-kommun") and not MORA.may_edit("falun-kommun")
    assert MORA.may_edit_role(Role("mora-kommun")) and not MORA.may_edit_role(Role("x"))
    assert ADMIN.may_edit("falun-kommun") and ADMIN.may_edit_role(Role("anything"))
    # staff never edit, whatever organisations they are linked to
    assert not user("staff", ("mora-kommun",)).may_edit("mora-kommun")


def test_who_looks_after_what():
    assert ADMIN.orgs_in_charge() is None  # every organisation
    assert MORA.orgs_in_charge() == ("mora-kommun",)
    assert STAFF.orgs_in_charge() == ()
    assert user("staff", ("mora-kommun",)).orgs_in_charge() == ()


@pytest.mark.parametrize(("who", "municipality", "allowed"), [
    (ADMIN, "Falun", True),
    (MORA, "Mora", True),
    (MORA, "Falun", False),
    (REGION, "Mora", False),  # a region serves Mora but is not its municipality
    (STAFF, "Mora", False),
    (user("staff", ("mora-kommun",)), "Mora", False),
    (user("coordinator", ("gone",)), "Mora", False),  # an organisation no longer there
])
def test_local_paths_only_for_the_municipalitys_own_organisation(who, municipality, allowed):
    assert who.may_edit_municipality(municipality, ORGS) is allowed
