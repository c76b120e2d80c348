"""The directory's closed vocabularies, defined once.

Each value here is also a value in the data files, in the database (the SQL `CHECK` lists
of directory/migrations, which tests/test_vocabulary.py checks against this module) and in
the JSON answers, so a member's value never changes without a migration. Keys of documents
are English; domain values are Swedish where they are words of the domain (`aktiv`, `barn`,
`fel-nummer`) and English where they are the system's own (`phone`, `staff`, `office`).
What people read for each value is in directory/labels.py.
"""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    """Whether a role is in use (roles.status)."""

    ACTIVE = "aktiv"
    INACTIVE = "inaktiv"  # never routed to or shown to staff
    TEMPORARILY_CLOSED = "tillfalligt-stangd"  # shown, never open


class Channel(StrEnum):
    """How a contact point is reached (contact_points.channel)."""

    PHONE = "phone"
    EMAIL = "email"
    SECURE_EMAIL = "secure-email"
    WEB = "web"


class Visibility(StrEnum):
    """Who a contact point may be given to (contact_points.visibility)."""

    STAFF = "staff"
    PUBLIC = "public"


class When(StrEnum):
    """When a path step applies."""

    OFFICE = "office"
    AFTER = "after"  # only when no office step for the same people ("for:") is open
    ALWAYS = "always"


class HolidayMode(StrEnum):
    """What a role's hours are on public holidays and closed eves (roles.on_holidays)."""

    CLOSED = "closed"
    SUNDAY = "sunday"
    NORMAL = "normal"


class FreshnessState(StrEnum):
    """How recently an entry was verified, against its review interval."""

    FRESH = "fresh"
    DUE = "due"  # the next review is near
    STALE = "stale"  # the review is overdue
    UNVERIFIED = "unverified"


class UserRole(StrEnum):
    """What a user may do (users.role, invites.role), in rising order of rights."""

    STAFF = "staff"
    COORDINATOR = "coordinator"
    ADMIN = "admin"


class Group(StrEnum):
    """Who a role serves and who a question is about: one vocabulary for both."""

    CHILD = "barn"  # under 18
    ADULT = "vuxen"  # 18-64
    OLDER = "aldre"  # 65+, or said to be older


class Gender(StrEnum):
    """Girls are "kvinna", boys "man", as in the ask contract."""

    WOMAN = "kvinna"
    MAN = "man"


class Concern(StrEnum):
    """Whom in a case of violence a role is for."""

    VICTIMS = "utsatta"
    PERPETRATORS = "utovare"
    WITNESSED = "bevittnat"  # children who saw violence


class OrgType(StrEnum):
    MUNICIPALITY = "kommun"
    REGION = "region"
    NON_PROFIT = "ideell"
    STATE = "stat"
    FEDERATION = "kommunalforbund"


class PlaceKind(StrEnum):
    """A lexicon place: a form of a municipality's name, or a locality in it (places.kind)."""

    FORM = "form"
    LOCALITY = "ort"


class Lang(StrEnum):
    """The languages of the lexicon (concepts.lang, topic_phrases.lang)."""

    SV = "sv"
    EN = "en"


class ReportReason(StrEnum):
    """Why a deviation report says an entry is wrong (reports.reason)."""

    WRONG_NUMBER = "fel-nummer"
    NO_ANSWER = "svarar-inte"
    WRONG_UNIT = "fel-ansvarig"
    OTHER = "annat"


class ReportStatus(StrEnum):
    OPEN = "open"
    RESOLVED = "resolved"


class Asker(StrEnum):
    """Who asks, when a checklist line is only for some askers (ask contract: asker)."""

    HEALTH_CARE = "vard"
    SOCIAL_SERVICES = "socialtjanst"
    AUTHORITY = "myndighet"


# Group names read from older files and written in the new form.
LEGACY_GROUPS = {"vuxna": Group.ADULT}

# A path step may be only for some persons or situations: a group, a gender, the one who
# uses violence, a child harmed by them (or a lexicon concept the question shows).
PERPETRATOR_TAG = "utovare"
CHILD_HARMED_TAG = "barn-drabbat"


def values(enum: type[StrEnum]) -> tuple[str, ...]:
    """The allowed values as plain strings, in their defined order (for messages, choices)."""
    return tuple(m.value for m in enum)


PERSON_TAGS: tuple[str, ...] = (*values(Group), *values(Gender), PERPETRATOR_TAG,
                                CHILD_HARMED_TAG)
