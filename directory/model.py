"""The directory's entities as frozen dataclasses."""

from __future__ import annotations

import datetime as dt
from collections.abc import Container, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from directory.hours import Schedule
from directory.labels import ASKER_SV
from directory.vocabulary import CHILD_HARMED_TAG, PERPETRATOR_TAG, Status, Visibility
from directory.vocabulary import PERSON_TAGS as PERSON_TAGS  # re-exported for routing

if TYPE_CHECKING:
    from directory.yamlio import Problem

ALL = "alla"  # an area of "alla" means every municipality in the directory


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
    visibility: str = Visibility.STAFF.value
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
    genders: tuple[str, ...] = ()  # empty: every gender
    aliases: tuple[str, ...] = ()  # what staff call it when they ask for it by name
    instructions: str = ""
    status: str = Status.ACTIVE.value
    notice: Notice | None = None
    review_interval_days: int = 365
    verified: Verification | None = None
    contacts: tuple[Contact, ...] = ()
    # Never shown to staff: read only by export and by the owning coordinator's form.
    protected: tuple[tuple[str, str], ...] = field(default=(), repr=False)
    sources: tuple[str, ...] = ()  # legal sources (ids) its instructions rest on

    def serves_person(self, person: Person | None) -> bool:
        """False only when the role says whom it serves and the person is not among them."""
        if person is None:
            return True
        if person.group and self.groups and person.group not in self.groups:
            return False
        return not (person.gender and self.genders and person.gender not in self.genders)

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
class Person:
    """Who a question is about, as far as it says (ask contract: understood.person)."""

    age: int | None = None
    group: str | None = None  # barn | vuxen | aldre
    gender: str | None = None  # kvinna | man
    uses_violence: bool = False
    child_harmed: bool = False  # the one who uses violence harms a child

    def tags(self) -> frozenset[str]:
        out = {t for t in (self.group, self.gender) if t}
        if self.uses_violence:
            out.add(PERPETRATOR_TAG)
        if self.child_harmed:
            out.add(CHILD_HARMED_TAG)
        return frozenset(out)

    def to_json(self) -> dict[str, Any]:
        return {"age": self.age, "group": self.group, "gender": self.gender,
                "uses_violence": self.uses_violence}


@dataclass(frozen=True)
class NamedUnit:
    """A unit a question asks for by name: a kind ("BUP"), or one role ("Bris"); `region`:
    asked for the whole region ("tjejjour i Dalarna")."""

    kind: str
    role: str | None = None
    region: bool = False


@dataclass(frozen=True)
class Step:
    when: str
    why: str
    kind: str | None = None
    role: str | None = None
    sources: tuple[str, ...] = ()  # legal sources (ids) the why rests on
    only_for: tuple[str, ...] = ()  # "for:" in files; empty: for everyone

    def applies(self, tags: frozenset[str]) -> bool:
        """For everyone, or one of its conditions holds ("barn-drabbat+skada": all parts)."""
        return not self.only_for or any(all(part in tags for part in condition_parts(t))
                                        for t in self.only_for)


def condition_parts(condition: str) -> tuple[str, ...]:
    """The tags of one "for:" condition: "skada", or "barn-drabbat+skada" (both at once)."""
    return tuple(part.strip() for part in condition.split("+"))


def unknown_conditions(conditions: Iterable[str], known: Container[str]) -> list[str]:
    """The parts of "for:" conditions that are neither a person tag nor in `known`."""
    return [part for c in conditions for part in condition_parts(c)
            if part not in PERSON_TAGS and part not in known]


@dataclass(frozen=True)
class ContactPath:
    topic: str
    municipality: str | None
    steps: tuple[Step, ...]


@dataclass(frozen=True)
class LegalSource:
    """An act (and section) that a text in the directory rests on, and when it was checked."""

    id: str
    act: str  # "Offentlighets- och sekretesslag (2009:400)"
    checked: dt.date
    short: str = ""  # "OSL"
    section: str = ""  # "10 kap. 23 §"; empty when the section could not be established
    url: str = ""
    note: str = ""  # what it says, in short, and what is not established

    @property
    def citation(self) -> str:
        """'10 kap. 23 § OSL'; without a section the short name ('SoL (2025:400)')."""
        name = self.short or self.act
        return f"{self.section} {name}" if self.section else name


@dataclass(frozen=True)
class ChecklistLine:
    """One line of "Vad ska jag göra?": the text, the sources it rests on and, when it is
    only for some askers, which (values of vocabulary.Asker)."""

    text: str
    sources: tuple[str, ...] = ()
    askers: tuple[str, ...] = ()

    def for_asker(self, asker: str | None) -> bool:
        return not self.askers or asker is None or asker in self.askers

    def label(self, asker: str | None) -> str:
        """The text as shown: prefixed with whom it is for when the asker is not known."""
        if self.askers and asker is None:
            return f"{' / '.join(ASKER_SV.get(a, a) for a in self.askers)}: {self.text}"
        return self.text


@dataclass(frozen=True)
class Topic:
    slug: str
    label: str
    urgent: bool
    lines: tuple[ChecklistLine, ...] = ()
    about: str | None = None  # "barn": the topic is about a child; "utovare": about the
    #                           one who uses violence (the person is then that one)
    assume: str | None = None  # the group a route is for when the question does not say
    # The case belongs to the person's municipality (a report about a child goes to the
    # child's social services): ask for it even when the first contact is the same
    # everywhere at that hour.
    ask_municipality: bool = False

    def __post_init__(self) -> None:
        # Plain strings are lines for everyone, without sources.
        object.__setattr__(self, "lines", tuple(
            ChecklistLine(x) if isinstance(x, str) else x for x in self.lines))

    @property
    def checklist(self) -> tuple[str, ...]:
        """Every line as shown to an asker we know nothing about."""
        return tuple(line.label(None) for line in self.lines)

    def checklist_for(self, asker: str | None) -> tuple[ChecklistLine, ...]:
        return tuple(line for line in self.lines if line.for_asker(asker))


@dataclass(frozen=True)
class Agreement:
    """The regional agreement (scope None) or a municipality's local one."""

    scope: str | None
    title: str
    url: str = ""
    signed: dt.date | None = None
    review: dt.date | None = None
    deviations: str = ""  # where problems with the cooperation itself are reported
    notes: tuple[tuple[str, str], ...] = ()  # (topic slug, what the agreement says)

    def overdue(self, today: dt.date) -> bool:
        return self.review is not None and self.review < today

    def note(self, topic: str) -> str | None:
        return dict(self.notes).get(topic)


@dataclass(frozen=True)
class Swap:
    """For a person with tag `for_`, a kind is replaced by (or joined by) another kind."""

    for_: str
    kind: str
    why: str


# The kind of the emergency number (112): first in a route when the danger is immediate, and
# the topic the understanding gives a question that only shows immediate danger.
DANGER_KIND = "larmnummer"


@dataclass(frozen=True)
class Kind:
    slug: str
    label: str
    topic: str | None = None  # the need a unit of this kind meets, for "BUP Falun" alone
    instead: tuple[Swap, ...] = ()  # "socialtjanst-vuxen, for a child: socialtjanst-barn"
    also: tuple[Swap, ...] = ()  # "socialtjanst-vuxen, for an older person: + aldreomsorg"
    # Written reports to this kind (orosanmälan) go by e-service, secure e-mail or post,
    # never by plain e-mail: a role of this kind offering plain e-mail is warned about.
    secure_reports: bool = False


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
    # Immediate danger: concepts found close together (a weapon; a death threat with a time)
    danger: tuple[DangerRule, ...] = ()


@dataclass(frozen=True)
class DangerRule:
    concepts: tuple[str, ...]
    reach: int = 5  # tokens within which all the concepts must be found
    unless: tuple[str, ...] = ()  # concepts that, anywhere in the question, undo the rule
    # A risk marker, not immediate danger: the rule adds this note to the answer instead of
    # putting 112 first ("stryptag": strangulation is a strong sign of lethal violence).
    note: str = ""

    def doc(self) -> dict[str, Any]:
        return ({"all": list(self.concepts)} | ({"reach": self.reach} if self.reach != 5 else {})
                | ({"unless": list(self.unless)} if self.unless else {})
                | ({"note": self.note} if self.note else {}))


@dataclass(frozen=True)
class Example:
    """A labelled question the topic model learns from (topic None: nothing fits; danger:
    it tells of immediate danger, so 112 comes first)."""

    question: str
    topic: str | None
    source: str
    danger: bool = False
    gender: str | None = None  # of the person the question is about, when it is clear
    group: str | None = None  # barn | vuxen | aldre, likewise

    def labels(self) -> dict[str, object]:
        """What the example says beyond its question and topic (for files and history)."""
        person = {k: v for k, v in (("gender", self.gender), ("group", self.group)) if v}
        return ({"danger": True} if self.danger else {}) | ({"person": person} if person else {})


@dataclass
class Bundle:
    """A whole or partial directory as read from files; None means 'not in this input'."""

    topics: list[Topic] | None = None
    kinds: list[Kind] | None = None
    lexicon: Lexicon | None = None
    organisations: list[tuple[Organisation, list[Role]]] = field(default_factory=list)
    paths: list[ContactPath] = field(default_factory=list)
    # scope (a municipality, None for the regional file) -> its agreement, for the path
    # files in this input (None: the file names no agreement)
    agreements: dict[str | None, Agreement | None] = field(default_factory=dict)
    sources: list[LegalSource] | None = None
    # Things that are not errors but a person should look at (file, line, reason).
    warnings: list[Problem] = field(default_factory=list)
    # source -> its examples, for the example files in this input (a source is replaced whole)
    examples: dict[str, list[Example]] = field(default_factory=dict)
