"""Bad input, generated: redaction never leaks, understanding never crashes, import never
half-applies. Example counts are kept modest so this file runs in seconds."""

from __future__ import annotations

import asyncio
import datetime as dt
import re
import shutil
import unicodedata

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from directory.importer import ImportFailed, import_path
from directory.service import DirectoryService
from directory.understand import Understander
from directory.understand.redact import PLACEHOLDER, luhn_ok, redact

FAST = settings(max_examples=300, deadline=None, database=None)
SLOW = settings(max_examples=120, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow])


# -- valid identity numbers, built independently of the code under test ----------------

def check_digit(nine: str) -> str:
    """The Luhn check digit over YYMMDDNNN (weights 2,1,2,1,…)."""
    total = 0
    for i, ch in enumerate(nine):
        n = int(ch) * (2 - i % 2)
        total += n // 10 + n % 10
    return str((10 - total % 10) % 10)


@st.composite
def identity_numbers(draw) -> str:
    """A valid personnummer or samordningsnummer as people write it."""
    born = draw(st.dates(dt.date(1900, 1, 1), dt.date(2029, 12, 31)))
    coordination = draw(st.booleans())
    day = born.day + (60 if coordination else 0)
    serial = f"{draw(st.integers(0, 999)):03d}"
    short = f"{born:%y%m}{day:02d}"
    digits = short + serial + check_digit(short + serial)
    assert luhn_ok(digits)
    date_part = f"{born.year // 100}{short}" if draw(st.booleans()) else short
    separator = draw(st.sampled_from(["-", "+", "", " ", "–"]))
    return f"{date_part}{separator}{digits[6:]}"


def not_a_digit_at(edge: int):
    """Text whose first (0) or last (-1) character is no digit, so the number stands alone."""
    return st.text(max_size=40).filter(lambda s: not s or not s[edge].isdecimal())


_RUN = re.compile(r"(?<!\d)(\d{8}|\d{6})\s?[-+–]?\s?(\d{4})(?!\d)")


def valid_numbers_in(text: str) -> list[str]:
    """Every embedded digit run that is a real date (day, or day + 60) with a right check
    digit: an independent judge of a leak, for any script's digits."""
    found = []
    for m in _RUN.finditer(text):
        date_part = "".join(str(unicodedata.decimal(c)) for c in m.group(1))
        rest = "".join(str(unicodedata.decimal(c)) for c in m.group(2))
        short = date_part[-6:]
        century = date_part[:2] if len(date_part) == 8 else None
        year, month, day = int(short[:2]), int(short[2:4]), int(short[4:6])
        day -= 60 if day > 60 else 0
        if century not in (None, "18", "19", "20"):
            continue
        candidates = [int(century + short[:2])] if century else [1900 + year, 2000 + year]
        real = False
        for y in candidates:
            try:
                dt.date(y, month, day)
                real = True
            except ValueError:
                pass
        if real and luhn_ok(short + rest):
            found.append(m.group(0))
    return found


# -- redaction ---------------------------------------------------------------------------

@FAST
@given(before=not_a_digit_at(-1), number=identity_numbers(), after=not_a_digit_at(0))
@example(before="pat ", number="19811218-9876", after=" slagen")
@example(before="", number="8112789873", after="")
def test_redaction_never_leaks_an_embedded_identity_number(before, number, after):
    text, found = redact(before + number + after)
    assert found
    assert number not in text
    assert PLACEHOLDER in text
    assert valid_numbers_in(text) == []


@FAST
@given(numbers=st.lists(identity_numbers(), min_size=2, max_size=5),
       glue=st.sampled_from([" ", ", ", " och ", "\n", "/", "; "]))
def test_redaction_catches_every_number_in_a_list(numbers, glue):
    text, found = redact(glue.join(numbers))
    assert found and all(n not in text for n in numbers)
    assert text.count(PLACEHOLDER) == len(numbers)


@FAST
@given(st.text(max_size=200))
def test_redaction_is_idempotent_and_never_crashes(text):
    once, _ = redact(text)
    assert redact(once)[0] == once
    assert valid_numbers_in(once) == []


# -- understanding questions -------------------------------------------------------------

@pytest.fixture(scope="module")
def understander(demo_template, tmp_path_factory) -> Understander:
    """Built once from the demo directory, as `serve` builds it per directory generation."""
    path = tmp_path_factory.mktemp("understand") / "demo.db"
    shutil.copy(demo_template, path)

    async def build() -> Understander:
        service = await DirectoryService.open(path)
        try:
            return Understander(await service.directory())
        finally:
            await service.close()

    return asyncio.run(build())


WORDS = ["orosanmälan", "Mora", "skyddat boende", "ikväll", "våldtäkt", "i", "på", "Falun",
         "hotar", "nu", "kniv", "barn", "slagen", "av", "sambon", "Vad", "By", "Avesta", "?"]


@SLOW
@given(text=st.text(max_size=300), kommun=st.sampled_from([None, "Falun", "Mora"]))
def test_understanding_arbitrary_text_never_crashes(understander, text, kommun):
    u = understander.understand(text, kommun)
    assert isinstance(u.query, str)
    assert valid_numbers_in(u.query) == []
    assert u.topic is None or u.topic in understander.known_topics
    assert 0.0 <= u.confidence <= 1.0
    assert u.municipality_from in ("question", "default", "none")


@SLOW
@given(parts=st.lists(st.one_of(st.sampled_from(WORDS), st.text(max_size=12)), max_size=8),
       number=identity_numbers(), at=st.integers(0, 8))
def test_understanding_never_keeps_an_identity_number(understander, parts, number, at):
    parts = [p for p in parts if not (p and (p[0].isdecimal() or p[-1].isdecimal()))]
    parts.insert(min(at, len(parts)), number)
    u = understander.understand(" ".join(parts))
    assert u.redacted
    assert number not in u.query
    assert valid_numbers_in(u.query) == []


# -- the importer ------------------------------------------------------------------------

class ImportTarget:
    """One database and one event loop for all examples; reset if an import succeeds."""

    def __init__(self, template, directory) -> None:
        self.template, self.directory = template, directory
        self.db = directory / "kontaktvag.db"
        self.runner = asyncio.Runner()
        self.service: DirectoryService | None = None
        self.reset()

    def reset(self) -> None:
        if self.service is not None:
            self.runner.run(self.service.close())
        shutil.copy(self.template, self.db)
        self.service = self.runner.run(DirectoryService.open(self.db))

    def changes(self) -> int:
        row = self.runner.run(self.service.db.fetchone("SELECT total_changes()"))
        return int(row[0])

    def fingerprint(self) -> list:
        async def dump() -> list:
            out = []
            for table in ("organisations", "roles", "contact_points", "paths", "versions",
                          "concepts", "places", "topics", "kinds"):
                out.append([tuple(r) for r in await self.service.db.fetchall(
                    f"SELECT * FROM {table} ORDER BY rowid")])
            return out
        return self.runner.run(dump())

    def close(self) -> None:
        self.runner.run(self.service.close())
        self.runner.close()


@pytest.fixture(scope="module")
def import_target(demo_template, tmp_path_factory):
    target = ImportTarget(demo_template, tmp_path_factory.mktemp("importer"))
    yield target
    target.close()


KEYS = ["roles", "paths", "topics", "kinds", "municipalities", "localities", "concepts", "id",
        "name", "municipality", "kind", "serves", "contacts", "hours", "phone", "signals",
        "phrases", "sv", "en", "slug", "label", "steps", "when", "role", "org", "type"]
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-5, 10**6), st.floats(),
                    st.text(max_size=12), st.sampled_from(KEYS + ["Mora", "office", "always"]))
DOCUMENTS = st.recursive(
    SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=4),
                            st.dictionaries(st.sampled_from(KEYS), inner, max_size=4)),
    max_leaves=20)


def yaml_bytes(doc) -> bytes:
    return yaml.safe_dump(doc, allow_unicode=True).encode("utf-8")


ANY_BYTES = st.one_of(st.binary(max_size=600),
                      st.text(max_size=300).map(lambda s: s.encode("utf-8")))
YAML_SHAPED = st.dictionaries(st.sampled_from(KEYS), DOCUMENTS, min_size=1,
                              max_size=4).map(yaml_bytes)


def import_cleanly(target: ImportTarget, data: bytes) -> None:
    """Import `data` as one file: ImportFailed naming the file and no change, or success."""
    path = target.directory / "katalog.yaml"
    path.write_bytes(data)
    before = target.changes()
    try:
        target.runner.run(import_path(path, target.service.store, "egendom"))
    except ImportFailed as e:
        assert e.problems
        for problem in e.problems:
            assert problem.file == "katalog.yaml", problem
            assert str(problem).startswith("katalog.yaml:")
            assert problem.reason
        assert target.changes() == before, "a refused import changed the database"
    else:  # a document that happens to be valid: allowed, but start the next one afresh
        target.reset()


@SLOW
@given(data=ANY_BYTES)
@example(data=b"\xff\xfe\x00")
@example(data=b"roles: [1, 2]\n")
@example(data=b"a: &x [*x]\n")
@example(data=b"[" * 5000)
def test_importer_on_any_bytes_fails_cleanly_and_changes_nothing(import_target, data):
    import_cleanly(import_target, data)


@settings(max_examples=60, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(data=YAML_SHAPED)
@example(data=b"municipalities: true\n")  # also: b"localities: 5", b"concepts: [1]"
def test_importer_on_yaml_shaped_documents_fails_cleanly(import_target, data):
    import_cleanly(import_target, data)


def test_a_refused_import_leaves_every_table_as_it_was(import_target):
    before = import_target.fingerprint()
    path = import_target.directory / "trasig.yaml"
    path.write_bytes(b"id: x\nroles:\n  - id: ok-roll\n    kind: finns-inte\n  - [\n")
    with pytest.raises(ImportFailed):
        import_target.runner.run(import_path(path, import_target.service.store, "egendom"))
    assert import_target.fingerprint() == before
