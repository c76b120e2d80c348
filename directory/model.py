"""The directory's entities as frozen dataclasses."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from directory.hours import Schedule

ALL = "alla"  # an area of "alla" means every municipality in the directory
ORG_TYPES = ("kommun", "region", "ideell", "stat", "kommunalforbund")
STATUSES = ("aktiv", "inaktiv", "tillfalligt-stangd")
CHANNELS = ("phone", "email", "secure-email", "web")
VISIBILITIES = ("staff", "public")
GROUPS = ("barn", "vuxna", "aldre")
CONCERNS = ("utsatta", "utovare", "bevittnat")
WHENS = ("office", "after", "always")
CHANNEL_SV = {"phone": "Telefon", "email": "E-post", "secure-email": "Säker e-post",
              "web": "Webb"}


@dataclass(frozen=True)
class Verification:
    at: dt.date
    by: str


@dataclass(frozen=True)
class Notice:
    text: str
    start: dt.date
    end: dt.date

    def shown_on(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


@dataclass(frozen=True)
class Contact:
    channel: str
    value: str
    label: str = ""
    visibility: str = "staff"
    schedule: Schedule | None = None
    verified: Verification | None = None


@dataclass(frozen=True)
class Role:
    id: str
    org_id: str
    kind: str
    name: str
    schedule: Schedule
    serves: tuple[str, ...] | None = None
    groups: tuple[str, ...] = ()
    concerns: tuple[str, ...] = ()
    instructions: str = ""
    status: str = "aktiv"
    notice: Notice | None = None
    review_interval_days: int = 365
    verified: Verification | None = None
    contacts: tuple[Contact, ...] = ()
    # Never shown to staff: read only by export and by the owning coordinator's form.
    protected: tuple[tuple[str, str], ...] = field(default=(), repr=False)

    def next_review(self) -> dt.date | None:
        if self.verified is None:
            return None
        return self.verified.at + dt.timedelta(days=self.review_interval_days)


@dataclass(frozen=True)
class Organisation:
    id: str
    name: str
    type: str
    municipalities: tuple[str, ...]
    demo: bool = False


@dataclass(frozen=True)
class Step:
    when: str
    why: str
    kind: str | None = None
    role: str | None = None


@dataclass(frozen=True)
class Path:
    topic: str
    municipality: str | None
    steps: tuple[Step, ...]


@dataclass(frozen=True)
class Topic:
    slug: str
    label: str
    urgent: bool
    checklist: tuple[str, ...]


@dataclass(frozen=True)
class Kind:
    slug: str
    label: str


@dataclass(frozen=True)
class Place:
    name: str
    municipality: str
    kind: str  # form | ort
    common_word: bool = False


@dataclass(frozen=True)
class Lexicon:
    """What the question matcher knows, all of it editable data."""

    concepts: dict[str, dict[str, tuple[str, ...]]]  # concept -> lang -> terms
    phrases: dict[str, dict[str, tuple[str, ...]]]  # topic -> lang -> phrases
    signals: dict[str, dict[str, float]]  # topic -> concept -> weight
    municipalities: tuple[str, ...]
    places: tuple[Place, ...]
    subjects: frozenset[str] = frozenset()  # concepts that say who, never what


@dataclass
class Bundle:
    """A whole or partial directory as read from files; None means 'not in this input'."""

    topics: list[Topic] | None = None
    kinds: list[Kind] | None = None
    lexicon: Lexicon | None = None
    organisations: list[tuple[Organisation, list[Role]]] = field(default_factory=list)
    paths: list[Path] = field(default_factory=list)
    # municipality -> agreement text, for the local path files in this input
    agreements: dict[str, str | None] = field(default_factory=dict)
