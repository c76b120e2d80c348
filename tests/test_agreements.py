"""Agreements as data: parsing, what the answer says, import errors and round trip."""

import datetime as dt

import pytest

from directory.agreements import agreement_doc, describe, genitive, parse_agreement
from directory.importer import ImportFailed, import_path
from directory.model import Agreement
from tests.test_importer import broken_copy


class Collect:
    def __init__(self) -> None:
        self.reasons: list[str] = []

    def add(self, node, key, reason: str) -> None:
        self.reasons.append(reason)


def test_the_answer_line_says_whose_agreement_and_its_dates():
    mora = Agreement("Mora", "Lokal överenskommelse", signed=dt.date(2025, 3, 17),
                     review=dt.date(2026, 3, 17))
    assert describe(mora) == "Enligt Moras lokala överenskommelse, 2025-03, granskas 2026-03"
    assert describe(Agreement(None, "Regional")) == "Enligt den regionala överenskommelsen"
    assert mora.overdue(dt.date(2026, 3, 18)) and not mora.overdue(dt.date(2026, 3, 17))
    assert [genitive(m) for m in ("Mora", "Rättvik", "Malung-Sälen", "Hedemora")] == [
        "Moras", "Rättviks", "Malung-Sälens", "Hedemoras"]


def test_a_title_alone_stays_a_title_and_a_mapping_round_trips():
    p = Collect()
    assert agreement_doc(parse_agreement("Överenskommelse 2026", "Orsa", {}, p)) == (
        "Överenskommelse 2026")
    full = {"title": "Ö", "url": "https://orsa.example/ok", "signed": "2026-01-01",
            "review": "2027-01-01", "deviations": "I avvikelsesystemet.",
            "notes": {"sip": "Handläggaren kallar."}}
    parsed = parse_agreement(full, "Orsa", {}, p)
    assert agreement_doc(parsed) == full and parsed.note("sip") == "Handläggaren kallar."
    assert p.reasons == []


@pytest.mark.parametrize("value, fragment", [
    ({"title": "Ö", "signed": "2026-05-01", "review": "2026-01-01"}, "före datumet"),
    ({"title": "Ö", "review": "snart"}, "review"),
    ({"signed": "2026-01-01"}, "title"),
    ({"title": "Ö", "reviewed": "2026-01-01"}, "okänt fält"),
    ({"title": "Ö", "notes": ["sip"]}, "notes"),
    (["Ö"], "ska vara en titel"),
])
def test_bad_agreements_say_what_is_wrong(value, fragment):
    p = Collect()
    parse_agreement(value, "Orsa", {}, p)
    assert any(fragment in r for r in p.reasons), p.reasons


async def test_an_agreement_note_for_an_unknown_topic_is_an_import_error(service, tmp_path):
    root = broken_copy(tmp_path, {
        "paths/local/mora.yaml": ("    sip: I Mora", "    sipp: I Mora")})
    with pytest.raises(ImportFailed) as failed:
        await import_path(root, service.store, "test")
    assert any(str(p).startswith("paths/local/mora.yaml:") and "sipp" in str(p)
               for p in failed.value.problems)


async def test_agreements_are_stored_versioned_and_read_back(service, tmp_path):
    agreements = await service.store.agreements()
    assert agreements[None].deviations and agreements["Mora"].review == dt.date(2026, 3, 17)
    assert agreements["Leksand"].overdue(dt.date(2026, 11, 29))
    assert "Ludvika" not in agreements
    root = broken_copy(tmp_path, {"paths/local/leksand.yaml": (
        "review: '2025-10-01'", "review: '2027-10-01'")})
    changed = await import_path(root, service.store, "samordnare")
    assert changed["agreements"] == 1
    versions = await service.store.versions("agreement", "Leksand")
    assert versions[0].actor == "samordnare" and versions[0].after["review"] == "2027-10-01"
