"""The role form: a role <-> flat form fields, validated by the same code as the importer.

The form is turned, section by section, into the role document of docs/data-format.md and
checked by the importer's own parser (through DirectoryService.read_role_document). Each
problem it finds is a FieldError whose key (e.g. ("contacts", 1, "value")) says which field
it is about and whose reason names that field in words (labels.DOCUMENT_KEY_SV). What was
typed is kept as typed (RoleForm.values and rows), so a form with errors comes back
unchanged, with the reasons beside the fields.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from multidict import MultiMapping

from directory.hours import (
    DAYS,
    ROUND_THE_CLOCK,
    Exception_,
    HoursError,
    WeeklyHours,
    format_intervals,
    parse_date,
)
from directory.labels import (
    CHANNEL_SV,
    CONCERN_CHOICE_SV,
    DOCUMENT_KEY_SV,
    GENDER_CHOICE_SV,
    GROUP_CHOICE_SV,
    HOLIDAYS_CHOICE_SV,
    STATUS_CHOICE_SV,
    VISIBILITY_SV,
    WEEKDAYS_SHORT_SV,
    WEEKDAYS_SV,
)
from directory.model import Organisation, Role
from directory.service import Directory, DirectoryService, Issue, OrgScope
from directory.vocabulary import HolidayMode, Status

SV_TO_DAY = dict(zip(WEEKDAYS_SHORT_SV, DAYS, strict=True))
MAX_ROWS = 40
CONTACT_FIELDS = ("rank", "channel", "value", "label", "visibility", "hours", "remove")
EXCEPTION_FIELDS = ("date", "hours", "closed", "note")
PROTECTED_FIELDS = ("field", "value")
SCALARS = ("id", "name", "kind", "status", "instructions", "review_interval_days", "aliases",
           "on_holidays", "before_holidays", "sources", "notice-text", "notice-from",
           "notice-to",
           *(f"hours-{d}" for d in DAYS))
LISTS = ("serves", "groups", "concerns", "genders")


@dataclass
class RoleForm:
    values: dict[str, Any] = field(default_factory=dict)
    contacts: list[dict[str, str]] = field(default_factory=list)
    exceptions: list[dict[str, str]] = field(default_factory=list)
    protected: list[dict[str, str]] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)
    general: list[str] = field(default_factory=list)

    def error(self, name: str, message: str) -> None:
        if message in self.errors.get(name, ""):
            return
        self.errors[name] = f"{self.errors[name]} {message}" if name in self.errors else message

    def add_blank_rows(self, contacts: int = 1, exceptions: int = 1, protected: int = 1) -> None:
        self.contacts += [{"rank": str(len(self.contacts) + i + 1), "channel": "phone",
                           "visibility": "staff"} for i in range(contacts)]
        self.exceptions += [{} for _ in range(exceptions)]
        self.protected += [{} for _ in range(protected)]


def small_int(text: str) -> int | None:
    """A form's whole number: ASCII digits, at most six ("²" or "٣" are no numbers here)."""
    return int(text) if re.fullmatch(r"[0-9]{1,6}", text) else None


# ---- hours as text -------------------------------------------------------------------


def hours_text(weekly: WeeklyHours) -> str:
    """'mån-fre 08:00-12:00; lör 10:00-14:00' or 'dygnet runt'."""
    spec = weekly.to_spec()
    if isinstance(spec, str):  # ROUND_THE_CLOCK, the only text to_spec gives
        return "dygnet runt"
    sv = dict(zip(DAYS, WEEKDAYS_SHORT_SV, strict=True))
    return "; ".join("-".join(sv[d] for d in key.split("-")) + f" {value}"
                     for key, value in spec.items())


def parse_hours_text(text: str) -> dict[str, str] | str:
    """The inverse of hours_text, also with English day names; raises HoursError."""
    text = text.strip()
    if text.casefold().replace(" ", "-") == ROUND_THE_CLOCK:
        return ROUND_THE_CLOCK
    spec: dict[str, str] = {}
    for part in filter(None, (p.strip() for p in text.split(";"))):
        m = re.match(r"^([a-zåäö]+(?:\s*-\s*[a-zåäö]+)?)\s*:?\s+(.+)$", part, re.IGNORECASE)
        if not m:
            raise HoursError(f"'{part}' ska skrivas som dag tid, t.ex. mån-fre 08:00-12:00")
        days = [SV_TO_DAY.get(d.strip().casefold(), d.strip().casefold())
                for d in m.group(1).split("-")]
        spec["-".join(days)] = m.group(2).strip()
    WeeklyHours.parse(spec)  # raises HoursError with a Swedish reason
    return spec


# ---- role -> form ----------------------------------------------------------------------


def from_role(role: Role, with_protected: bool) -> RoleForm:
    f = RoleForm()
    v = f.values
    v.update(id=role.id, name=role.name, kind=role.kind, status=role.status,
             instructions=role.instructions, review_interval_days=str(role.review_interval_days),
             on_holidays=role.schedule.on_holidays, serves=list(role.serves or ()),
             before_holidays=(format_intervals(role.schedule.before_holidays)
                              if role.schedule.before_holidays is not None else ""),
             sources=", ".join(role.sources),
             groups=list(role.groups), concerns=list(role.concerns),
             genders=list(role.genders), aliases=", ".join(role.aliases))
    for i, day in enumerate(DAYS):
        intervals = role.schedule.weekly.days[i]
        v[f"hours-{day}"] = format_intervals(intervals) if intervals else ""
    if role.notice:
        v.update({"notice-text": role.notice.text, "notice-from": role.notice.start.isoformat(),
                  "notice-to": role.notice.end.isoformat()})
    for ex in role.schedule.exceptions:
        f.exceptions.append({"date": ex.date.isoformat(), "closed": "1" if ex.closed else "",
                             "hours": "" if ex.closed else format_intervals(ex.intervals),
                             "note": ex.note})
    for i, c in enumerate(role.contacts, 1):
        f.contacts.append({"rank": str(i), "channel": c.channel, "value": c.value,
                           "label": c.label, "visibility": c.visibility,
                           "hours": hours_text(c.schedule.weekly) if c.schedule else ""})
    if with_protected:
        f.protected = [{"field": k, "value": val} for k, val in role.protected]
    f.add_blank_rows()
    return f


def new_form() -> RoleForm:
    f = RoleForm(values={"status": Status.ACTIVE.value, "on_holidays": HolidayMode.CLOSED.value,
                         "review_interval_days": "365", "serves": [], "groups": [],
                         "concerns": [], "genders": [], "aliases": ""})
    for day in DAYS[:5]:
        f.values[f"hours-{day}"] = "08:00-16:30"
    f.add_blank_rows(contacts=2, exceptions=1, protected=1)
    return f


# ---- post -> form --------------------------------------------------------------------


def _text(data: MultiMapping[object], name: str) -> str:
    """A posted field; a browser sends a textarea's line breaks as CRLF, kept as newlines
    (the validator refuses a lone carriage return as a control character)."""
    return str(data.get(name, "")).replace("\r\n", "\n")


def _rows(data: MultiMapping[object], prefix: str, names: tuple[str, ...]) -> list[dict[str, str]]:
    try:
        count = min(int(str(data.get(f"n-{prefix}", "0"))), MAX_ROWS)
    except ValueError:
        count = 0
    rows = []
    for i in range(count):
        rows.append({n: _text(data, f"{prefix}-{i}-{n}") for n in names})
    return rows


def from_post(data: MultiMapping[object]) -> RoleForm:
    """From `request.post()`: every value (text, or a file nobody should send) read by str()."""
    f = RoleForm()
    for name in SCALARS:
        f.values[name] = _text(data, name)
    for name in LISTS:
        f.values[name] = [str(x) for x in data.getall(name, [])]
    f.contacts = _rows(data, "c", CONTACT_FIELDS)
    f.exceptions = _rows(data, "ex", EXCEPTION_FIELDS)
    f.protected = _rows(data, "p", PROTECTED_FIELDS)
    return f


def keep_order(form: RoleForm, role: Role) -> None:
    """Checked boxes in the role's own order, so re-saving a form changes nothing."""
    for name, before in (("serves", role.serves or ()), ("groups", role.groups),
                         ("concerns", role.concerns), ("genders", role.genders)):
        chosen = form.values.get(name, [])
        form.values[name] = ([x for x in before if x in chosen]
                             + [x for x in chosen if x not in before])


# ---- form -> validated role ------------------------------------------------------------


@dataclass
class _Draft:
    """The role document being built from a form, and for each part of it the form field a
    problem with that part belongs beside."""

    doc: dict[str, Any] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)  # top-level key -> field
    contact_rows: list[int] = field(default_factory=list)  # contacts[j] is row c-{i}
    exception_rows: list[int] = field(default_factory=list)  # exceptions[j] is row ex-{i}

    def put(self, key: str, value: Any, name: str) -> None:
        self.doc[key] = value
        self.names[key] = name

    def field_of(self, key: tuple[str | int, ...]) -> str:
        """The form field a FieldError's key is about ('name' for the whole role)."""
        head, rest = (key[0], key[1:]) if key else ("", ())
        if head == "notice":
            return f"notice-{rest[0]}" if rest and rest[0] in NOTICE_PARTS else "notice-text"
        if head == "contacts":
            if not rest or not isinstance(rest[0], int) or rest[0] >= len(self.contact_rows):
                return "c-0-value"
            part = rest[1] if len(rest) > 1 and rest[1] in CONTACT_FIELDS else "value"
            return f"c-{self.contact_rows[rest[0]]}-{part}"
        if head == "exceptions":
            if rest and isinstance(rest[0], int) and rest[0] < len(self.exception_rows):
                return f"ex-{self.exception_rows[rest[0]]}-date"
            return "ex-0-date"
        return self.names.get(str(head), "name")


NOTICE_PARTS = ("text", "from", "to")


def _blank(row: dict[str, str], keys: tuple[str, ...]) -> bool:
    return not any(row.get(k, "").strip() for k in keys)


def _about(form: RoleForm, draft: _Draft, d: Directory, new: bool,
           taken: set[str] | frozenset[str]) -> None:
    """Id, name, kind, status, instructions and the legal sources."""
    v = form.values
    draft.put("id", v.get("id", "").strip(), "id")
    if new and draft.doc["id"] in taken:
        form.error("id", f"Id '{draft.doc['id']}' används redan av en annan roll.")
    draft.put("name", v.get("name", "").strip(), "name")
    draft.put("kind", v.get("kind", ""), "kind")
    if draft.doc["kind"] not in d.kinds:
        form.error("kind", "Välj en funktion i listan.")
    draft.put("status", v.get("status", ""), "status")
    draft.put("instructions", v.get("instructions", "").strip(), "instructions")
    sources = [x.strip() for x in v.get("sources", "").replace(";", ",").split(",") if x.strip()]
    unknown_sources = [x for x in sources if x not in d.sources]
    if unknown_sources:
        form.error("sources", f"Okänt lagrum: {', '.join(unknown_sources)}.")
    if sources:
        draft.put("sources", sources, "sources")


def _audience(form: RoleForm, draft: _Draft, d: Directory) -> None:
    """Whom and where it serves, and the other names it is asked for by."""
    v = form.values
    unknown = [m for m in v.get("serves", []) if m not in d.municipalities]
    if unknown:
        form.error("serves", f"Okänd kommun: {', '.join(unknown)}.")
    if v.get("serves"):
        draft.put("serves", list(v["serves"]), "serves")
    for name in ("groups", "concerns", "genders"):
        draft.put(name, list(v.get(name, [])), name)
    aliases = [a.strip() for a in str(v.get("aliases", "")).split(",") if a.strip()]
    if any(len(a) > 60 for a in aliases):
        form.error("aliases", "Ett namn får vara högst 60 tecken.")
    draft.put("aliases", aliases, "aliases")
    interval = v.get("review_interval_days", "").strip()
    number = small_int(interval)
    draft.put("review_interval_days", number if number is not None else interval,
              "review_interval_days")


def _hours(form: RoleForm, draft: _Draft) -> None:
    """Weekly hours, holidays, the day before one, and the notice."""
    v = form.values
    draft.put("on_holidays", v.get("on_holidays", ""), "on_holidays")
    if v.get("before_holidays", "").strip():
        draft.put("before_holidays", v["before_holidays"].strip(), "before_holidays")
    hours = {}
    for day in DAYS:
        text = v.get(f"hours-{day}", "").strip()
        if not text:
            continue
        try:
            WeeklyHours.parse({day: text})
            hours[day] = text
        except HoursError as e:
            form.error(f"hours-{day}", str(e).capitalize() + ".")
    draft.put("hours", hours, "hours-mon")
    notice = {k: v.get(f"notice-{k}", "").strip() for k in NOTICE_PARTS}
    if any(notice.values()):
        missing = [k for k, val in notice.items() if not val]
        for k in missing:
            form.error(f"notice-{k}", "Fyll i text, från och till – eller töm alla tre.")
        if not missing:
            draft.put("notice", notice, "notice-text")


def _exceptions(form: RoleForm, draft: _Draft) -> None:
    """Dated exceptions, each row checked on its own."""
    exceptions = []
    for i, row in enumerate(form.exceptions):
        if _blank(row, ("date", "hours", "note")) and not row.get("closed"):
            continue
        item: dict[str, Any] = {"date": row.get("date", "").strip(),
                                "note": row.get("note", "").strip()}
        if row.get("closed"):
            item["closed"] = True
        else:
            item["hours"] = row.get("hours", "").strip()
        try:
            parse_date(item["date"])
        except HoursError as e:
            form.error(f"ex-{i}-date", str(e).capitalize() + ".")
            continue
        try:
            Exception_.parse(item)
        except HoursError as e:
            form.error(f"ex-{i}-hours", str(e).capitalize() + ".")
            continue
        exceptions.append(item)
        draft.exception_rows.append(i)
    if exceptions:
        draft.put("exceptions", exceptions, "ex-0-date")


def _contacts(form: RoleForm, draft: _Draft) -> None:
    """Contact points in the order their rank says; removed and blank rows left out."""
    contacts = []
    ranked = sorted(enumerate(form.contacts), key=lambda ir: _rank(ir[1], ir[0]))
    for i, row in ranked:
        if row.get("remove") or _blank(row, ("value", "label", "hours")):
            continue
        item: dict[str, Any] = {"channel": row.get("channel", ""),
                                "value": row.get("value", "").strip(),
                                "label": row.get("label", "").strip(),
                                "visibility": row.get("visibility", "")}
        if row.get("hours", "").strip():
            try:
                item["hours"] = parse_hours_text(row["hours"])
            except HoursError as e:
                form.error(f"c-{i}-hours", str(e).capitalize() + ".")
        if row.get("rank", "").strip() and small_int(row["rank"].strip()) is None:
            form.error(f"c-{i}-rank", "Ordningen ska vara ett heltal.")
        contacts.append(item)
        draft.contact_rows.append(i)
    if not contacts:
        form.error("c-0-value", "En roll behöver minst en kontaktväg.")
    draft.put("contacts", contacts, "c-0-value")


def _protected(form: RoleForm, draft: _Draft) -> None:
    protected: dict[str, str] = {}
    for i, row in enumerate(form.protected):
        key, value = row.get("field", "").strip(), row.get("value", "").strip()
        if not key and not value:
            continue
        if not re.fullmatch(r"[a-z0-9_-]{1,40}", key):
            form.error(f"p-{i}-field", "Fältnamnet ska vara 1–40 tecken a–z, 0–9, - eller _, "
                                       "t.ex. address.")
        elif not value:
            form.error(f"p-{i}-value", "Fyll i ett värde eller töm raden.")
        elif key in protected:
            form.error(f"p-{i}-field", f"'{key}' finns redan.")
        else:
            protected[key] = value
    if protected:
        draft.put("protected", protected, "p-0-field")


def validate(form: RoleForm, org: Organisation, d: Directory, new: bool,
             taken: set[str] | frozenset[str] = frozenset(), scope: OrgScope | None = None,
             before: Role | None = None) -> Role | None:
    """The role the form describes, or None with form.errors filled in (Swedish). The
    document is checked by the importer's own parser, whose errors name the field they are
    about; the rules of directory.rules are checked too (the API checks the same), against
    the organisation's scope and the role as stored (`before`)."""
    draft = _Draft()
    _about(form, draft, d, new, taken)
    _audience(form, draft, d)
    _hours(form, draft)
    _exceptions(form, draft)
    _contacts(form, draft)
    _protected(form, draft)
    role, errors, issues = DirectoryService.read_role_document(draft.doc, org, d, scope,
                                                               before)
    for error in errors:
        form.error(draft.field_of(error.key), _sentence(error.named(DOCUMENT_KEY_SV)))
    if role is not None:
        report_issues(form, issues, [f"c-{i}-value" for i in draft.contact_rows])
    if form.errors or form.general or role is None:
        return None
    return role


ISSUE_FIELDS = {"id": "id", "name": "name", "kind": "kind", "serves": "serves",
                "instructions": "instructions", "notice": "notice-text",
                "contacts": "c-0-value", "exceptions": "ex-0-date", "protected": "p-0-value"}


def report_issues(form: RoleForm, issues: list[Issue], c_names: list[str]) -> None:
    """The rules' issues next to the fields they are about."""
    for issue in issues:
        name = ISSUE_FIELDS.get(issue.field)
        m = re.fullmatch(r"contact:(\d+):(value|label)", issue.field)
        if m and int(m.group(1)) < len(c_names):
            name = c_names[int(m.group(1))].replace("-value", f"-{m.group(2)}")
        if name:
            form.error(name, issue.message)
        else:
            form.general.append(issue.message)


def _rank(row: dict[str, str], index: int) -> tuple[int, int]:
    rank = row.get("rank", "").strip()
    number = small_int(rank)
    return (number if number is not None else 10_000 + index, index)


def _sentence(text: str) -> str:
    text = text.strip()
    text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."


FIELD_LABELS = {
    "id": "Id", "name": "Namn", "kind": "Funktion", "status": "Status",
    "instructions": "Instruktioner", "serves": "Kommuner", "groups": "Målgrupper",
    "concerns": "Gäller", "genders": "Kön", "aliases": "Andra namn",
    "review_interval_days": "Granskningsintervall",
    "on_holidays": "Helgdagar", "before_holidays": "Dag före helgdag",
    "sources": "Lagrum", "notice-text": "Meddelande", "notice-from": "Meddelande, från",
    "notice-to": "Meddelande, till", "code": "Inbjudningskod", "password": "Lösenord",
    "repeat": "Upprepa lösenordet", "current": "Nuvarande lösenord", "new": "Nytt lösenord",
    "kommun": "Kommun", "token_name": "Namn på API-nyckel", "role": "Roll",
    "orgs": "Organisationer", "reason": "Vad är fel", "note": "Beskrivning",
}
ROW_LABELS = {
    "c": ("Kontaktväg", {"rank": "ordning", "channel": "kanal", "value": "nummer eller adress",
                         "label": "beskrivning", "visibility": "får ges till",
                         "hours": "egna öppettider"}),
    "ex": ("Undantag", {"date": "datum", "hours": "öppet", "note": "anteckning"}),
    "p": ("Skyddad uppgift", {"field": "fält", "value": "värde"}),
    "s": ("Steg", {"rank": "ordning", "target": "vem", "when": "när", "for": "bara för",
                   "why": "varför", "sources": "lagrum"}),
}


def field_label(name: str) -> str:
    """A field's name as people read it, for the error summary."""
    if name.startswith("hours-") and name[6:] in DAYS:
        return WEEKDAYS_SV[DAYS.index(name[6:])]
    m = re.fullmatch(r"([a-z]+)-(\d+)-([a-z]+)", name)
    if m and m.group(1) in ROW_LABELS:
        row, parts = ROW_LABELS[m.group(1)]
        return f"{row} {int(m.group(2)) + 1}, {parts.get(m.group(3), m.group(3))}"
    return FIELD_LABELS.get(name, name)


def choices() -> dict[str, Any]:
    """Option lists for the template."""
    def pairs(labels: dict) -> list[tuple[str, str]]:
        return [(value.value, label) for value, label in labels.items()]

    return {"statuses": pairs(STATUS_CHOICE_SV), "holidays": pairs(HOLIDAYS_CHOICE_SV),
            "channels": pairs(CHANNEL_SV), "visibilities": pairs(VISIBILITY_SV),
            "groups": pairs(GROUP_CHOICE_SV), "concerns": pairs(CONCERN_CHOICE_SV),
            "genders": pairs(GENDER_CHOICE_SV),
            "days": list(zip(DAYS, WEEKDAYS_SV, strict=True))}
