"""One vocabulary: the database's CHECK lists, the enums and the Swedish labels agree, and
each label is written in one place."""

from __future__ import annotations

import re
from enum import StrEnum
from pathlib import Path

import pytest

from directory import labels
from directory.db import Database
from directory.vocabulary import (
    LEGACY_GROUPS,
    PERSON_TAGS,
    Asker,
    Channel,
    Concern,
    FreshnessState,
    Gender,
    Group,
    HolidayMode,
    Lang,
    PlaceKind,
    ReportReason,
    ReportStatus,
    Status,
    UserRole,
    Visibility,
    When,
    values,
)

ROOT = Path(__file__).resolve().parent.parent

# (table, column) -> the enum its CHECK list must equal, in the same order.
CHECKED = {
    ("roles", "status"): Status,
    ("roles", "on_holidays"): HolidayMode,
    ("contact_points", "channel"): Channel,
    ("contact_points", "visibility"): Visibility,
    ("places", "kind"): PlaceKind,
    ("concepts", "lang"): Lang,
    ("topic_phrases", "lang"): Lang,
    ("users", "role"): UserRole,
    ("invites", "role"): UserRole,
    ("reports", "reason"): ReportReason,
    ("reports", "status"): ReportStatus,
}
CHECK = re.compile(r"CHECK\s*\(\s*(\w+)\s+IN\s*\(([^)]*)\)\s*\)", re.IGNORECASE)


async def _checks(path: Path) -> dict[tuple[str, str], tuple[str, ...]]:
    """Every `CHECK (column IN (...))` of the schema the migrations leave behind."""
    db = await Database.open(path)
    try:
        await db.migrate()
        rows = await db.fetchall("SELECT name, sql FROM sqlite_master WHERE type = 'table' "
                                 "AND sql IS NOT NULL")
    finally:
        await db.close()
    out = {}
    for row in rows:
        for column, listed in CHECK.findall(row["sql"]):
            out[(row["name"], column)] = tuple(re.findall(r"'([^']*)'", listed))
    return out


async def test_sql_checks_match_the_enums(tmp_path):
    checks = await _checks(tmp_path / "schema.db")
    assert set(checks) == set(CHECKED), "a CHECK list without an enum, or an enum's CHECK gone"
    for key, enum in CHECKED.items():
        assert checks[key] == values(enum), key


@pytest.mark.parametrize(("table", "enum"), [
    (labels.FRESHNESS_SV, FreshnessState),
    (labels.CHANNEL_SV, Channel),
    (labels.VISIBILITY_SV, Visibility),
    (labels.STATUS_SV, Status),
    (labels.STATUS_CHOICE_SV, Status),
    (labels.WHEN_SV, When),
    (labels.WHEN_CHOICE_SV, When),
    (labels.HOLIDAYS_SV, HolidayMode),
    (labels.HOLIDAYS_SHORT_SV, HolidayMode),
    (labels.HOLIDAYS_CHOICE_SV, HolidayMode),
    (labels.GROUP_SV, Group),
    (labels.GROUP_CHOICE_SV, Group),
    (labels.GENDER_CHOICE_SV, Gender),
    (labels.CONCERN_CHOICE_SV, Concern),
    (labels.USER_ROLE_SV, UserRole),
    (labels.REPORT_REASON_SV, ReportReason),
    (labels.ASKER_SV, Asker),
])
def test_every_value_has_a_label(table: dict, enum: type[StrEnum]):
    assert list(table) == list(enum)
    assert all(isinstance(label, str | labels.FreshnessWords) for label in table.values())


def test_person_vocabulary():
    assert set(labels.PERSON_GENDER_SV) == {(g, child) for g in Gender for child in (True, False)}
    assert set(values(Group)) <= set(PERSON_TAGS) and set(values(Gender)) <= set(PERSON_TAGS)
    assert set(LEGACY_GROUPS.values()) <= set(Group)
    assert all(type(tag) is str for tag in PERSON_TAGS)  # written to files as they are


# A label's words, as they were once written in several modules: now only in labels.py.
ONCE = ["påhittade nummer och verksamheter", '"ska granskas snart"', '"aldrig bekräftad"',
        '"Granskas snart"', '"Säker e-post"', '"Allmänheten"', '"administratör"',
        '"Fel ansvarig"', '"Tillfälligt stängd"', '"som söndag"', '"Barn (under 18)"',
        '"Kvinnor och flickor"', '"utanför kontorstid"', '"Onsdag"', '"ons"', '"flicka"']


@pytest.mark.parametrize("text", ONCE)
def test_labels_are_written_once(text: str):
    files = [p for folder in ("directory", "bot") for p in (ROOT / folder).rglob("*")
             if p.suffix in (".py", ".html")]
    found = [p.relative_to(ROOT).as_posix() for p in files
             if text in p.read_text(encoding="utf-8")]
    assert found == ["directory/labels.py"]
