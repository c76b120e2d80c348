import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from directory.understand.redact import PLACEHOLDER, luhn_ok, redact


def with_check(nine: str) -> str:
    """Append the Luhn check digit to the first nine digits of a 10-digit number."""
    for d in "0123456789":
        if luhn_ok(nine + d):
            return nine + d
    raise AssertionError


VALID = with_check("811218987")  # 8112189876
COORD = with_check("811278987")  # day 78 = 18 + 60: samordningsnummer
BAD_CHECK = VALID[:-1] + str((int(VALID[-1]) + 1) % 10)


def test_luhn_helper_is_right_for_a_known_number():
    assert luhn_ok("8112189876")
    assert VALID == "8112189876"


@pytest.mark.parametrize("written", [
    f"{VALID[:6]}-{VALID[6:]}",        # 10 digits, hyphen
    f"{VALID[:6]}+{VALID[6:]}",        # 10 digits, plus (100 years or older)
    VALID,                             # 10 digits, no separator
    f"19{VALID[:6]}-{VALID[6:]}",      # 12 digits, hyphen
    f"19{VALID}",                      # 12 digits, no separator
    f"{COORD[:6]}-{COORD[6:]}",        # samordningsnummer
    COORD,
])
def test_identity_numbers_are_replaced(written):
    text, found = redact(f"pat {written} slagen av sambon Mora")
    assert found
    assert written not in text
    assert text == f"pat {PLACEHOLDER} slagen av sambon Mora"


def test_separator_form_is_redacted_even_with_a_wrong_check_digit():
    text, found = redact(f"pnr {BAD_CHECK[:6]}-{BAD_CHECK[6:]}")
    assert found and BAD_CHECK[6:] not in text


def test_digits_without_separator_need_a_valid_check_digit():
    text, found = redact(f"nummer {BAD_CHECK}")
    assert not found and BAD_CHECK in text


@pytest.mark.parametrize("text", [
    "ring 070-174 06 05",
    "08-465 004 00",
    "barn 17 år, 3 syskon",
    "datum 2026-11-24 kl 23:30",
    "991399-1234",   # month 13 is no date
    "[29/Nov/2026:18:09:01 +0000]",  # a log time stamp: no date is written with colons
    "möte 2026-11-24 kl 10:00-12:00",
])
def test_other_numbers_stay(text):
    assert redact(text) == (text, False)


def test_several_numbers_in_one_text():
    text, found = redact(f"{VALID[:6]}-{VALID[6:]} och 19{COORD}")
    assert found and text == f"{PLACEHOLDER} och {PLACEHOLDER}"


def test_the_suite_wide_log_guard_would_catch_a_leak():
    from tests.conftest import log_leak

    assert log_leak("INFO bot started") is None
    assert "token" in log_leak("GET https://api.telegram.org/bot123456789:AAFakeTokenForTestsOnly-x")
    assert "identity" in log_leak(f"query {VALID[:6]}-{VALID[6:]}")


# -- however it is typed (issue 11) -------------------------------------------------------

FIXTURE = Path(__file__).parent / "fixtures" / "skatteverket_test_numbers.txt"
SKATTEVERKET = [line.split() for line in FIXTURE.read_text(encoding="utf-8").splitlines()
                if line and not line.startswith("#")]
DASHES = ["\u2010", "\u2011", "\u2012", "\u2013", "\u2014", "\u2212", "\ufe63", "\uff0d"]
INVISIBLE = ["\u00ad", "\u200b", "\u200c", "\u200d", "\u200e", "\u200f", "\u2060", "\ufeff",
             "\u202a", "\u202c", "\u2066", "\u2069", "\u061c"]
NUMBER = "19811218-9876"  # VALID with its century


def full_width(text: str) -> str:
    return "".join(chr(0xFF10 + int(c)) if c.isdigit() else c for c in text)


@pytest.mark.parametrize("dash", DASHES)
@pytest.mark.parametrize("widen", [False, True])
def test_every_unicode_dash_is_a_separator(dash, widen):
    for written in (f"{VALID[:6]}{dash}{VALID[6:]}", f"19{VALID[:6]}{dash}{VALID[6:]}",
                    f"{BAD_CHECK[:6]}{dash}{BAD_CHECK[6:]}"):
        written = full_width(written) if widen else written
        assert redact(f"pat {written} Mora") == (f"pat {PLACEHOLDER} Mora", True), written


@pytest.mark.parametrize("hidden", INVISIBLE)
def test_invisible_characters_inside_the_number_do_not_hide_it(hidden):
    for i in range(1, len(NUMBER)):
        written = NUMBER[:i] + hidden + NUMBER[i:]
        assert redact(f"pnr {written}.") == (f"pnr {PLACEHOLDER}.", True), repr(written)
    no_separator = VALID[:4] + hidden + VALID[4:]
    assert redact(no_separator) == (PLACEHOLDER, True)


@pytest.mark.parametrize("written", [
    f"{VALID[:6]}/{VALID[6:]}", f"{VALID[:6]}.{VALID[6:]}", f"{VALID[:6]}_{VALID[6:]}",
    f"{VALID[:6]}:{VALID[6:]}", f"{VALID[:6]} {VALID[6:]}", f"{VALID[:6]} - {VALID[6:]}",
    "81.12.18-9876", "1981-12-18-9876", "81-12-18-9876", "81/12/18/9876", "1981.12.18.9876",
    "81 12 18 9876", "1981-12-18 9876", "19811218 - 9876",
    f"{BAD_CHECK[:2]}.{BAD_CHECK[2:4]}.{BAD_CHECK[4:6]}-{BAD_CHECK[6:]}",
])
def test_other_separators_and_spelt_out_dates(written):
    assert redact(f"Kvinna ({written}) Falun") == (f"Kvinna ({PLACEHOLDER}) Falun", True)


def test_the_fixture_holds_published_numbers_that_are_all_luhn_valid():
    assert len(SKATTEVERKET) > 90
    assert all(luhn_ok(number[2:]) for _, number in SKATTEVERKET)
    assert sum(kind == "s?" for kind, _ in SKATTEVERKET) >= 4  # month 00 or day 60


def spellings(twelve: str) -> list[str]:
    """One number as people type it: 12, 10, 11 and 13 characters, hyphen or space."""
    short, old = twelve[2:], int(twelve[:4]) <= 1926  # over 100: "+" in the short form
    return [twelve, short, f"{short[:6]}-{short[6:]}", f"{short[:6]} {short[6:]}",
            f"{twelve[:8]}-{twelve[8:]}", f"{twelve[:8]} {twelve[8:]}"] + (
        [f"{short[:6]}+{short[6:]}"] if old else [])


@pytest.mark.parametrize(("kind", "number"), SKATTEVERKET, ids=[n for _, n in SKATTEVERKET])
def test_skatteverkets_test_numbers_in_every_spelling(kind, number):
    for written in spellings(number):
        text, found = redact(f"gäller {written}, Borlänge")
        assert found and text == f"gäller {PLACEHOLDER}, Borlänge", written


# -- generated: every spelling of every kind of number ---------------------------------

def check_digit(nine: str) -> str:
    for d in "0123456789":
        if luhn_ok(nine + d):
            return d
    raise AssertionError


@st.composite
def twelve_digit_numbers(draw) -> str:
    """A valid personnummer or samordningsnummer, with Skatteverket's unknown month (00)
    or day (60) among the samordningsnummer, as 12 digits."""
    born = draw(st.dates(dt.date(1880, 1, 1), dt.date(2029, 12, 31)))
    kind = draw(st.sampled_from(["p", "s", "s-month", "s-day", "s-both"]))
    month = 0 if kind in ("s-month", "s-both") else born.month
    day = 60 if kind in ("s-day", "s-both") else born.day + (0 if kind == "p" else 60)
    nine = f"{born.year % 100:02d}{month:02d}{day:02d}{draw(st.integers(1, 999)):03d}"
    return f"{born.year // 100}{nine}{check_digit(nine)}"


SEPARATORS = ["", "-", "+", " ", "/", ".", "_", ":", " - ", *DASHES]
DATE_SEPARATORS = ["-", ".", "/", " ", "_", *DASHES[:3]]


@st.composite
def written_numbers(draw) -> str:
    twelve = draw(twelve_digit_numbers())
    date = twelve if draw(st.booleans()) else twelve[2:]
    date = date[:-4]
    if draw(st.booleans()):
        d = draw(st.sampled_from(DATE_SEPARATORS))
        date = d.join([date[:-4], date[-4:-2], date[-2:]])
    written = date + draw(st.sampled_from(SEPARATORS)) + twelve[-4:]
    if draw(st.booleans()):
        written = full_width(written)
    for _ in range(draw(st.integers(0, 3))):
        i = draw(st.integers(1, len(written) - 1))
        written = written[:i] + draw(st.sampled_from(INVISIBLE)) + written[i:]
    return written


AROUND = st.sampled_from(["", "pat ", "pnr: ", "Kvinna (", "ring om ", "barn 3 år, ",
                          "\u200b", "x²"])
AFTER = st.sampled_from(["", " slagen", ") Mora", ", 2 barn", ".", "\u200e", "²"])


@settings(max_examples=400, deadline=None, database=None)
@given(before=AROUND, written=written_numbers(), after=AFTER)
def test_generated_numbers_in_every_spelling_are_redacted(before, written, after):
    assert redact(before + written + after) == (before + PLACEHOLDER + after, True)


@st.composite
def phone_numbers(draw) -> str:
    """Swedish phone numbers as written: area code, then groups of two or three digits."""
    area = "0" + draw(st.from_regex(r"[1-9][0-9]{0,2}", fullmatch=True))
    groups = draw(st.lists(st.from_regex(r"[0-9]{2,3}", fullmatch=True),
                           min_size=2, max_size=3))
    if draw(st.booleans()):
        return f"{area}-{' '.join(groups)}"
    return f"+46 {area[1:]} {' '.join(groups)}"


@settings(max_examples=300, deadline=None, database=None)
@given(phone=phone_numbers())
def test_phone_numbers_stay_readable(phone):
    text = f"ring {phone} i dag"
    assert redact(text) == (text, False)


@pytest.mark.parametrize("written", [
    f"{VALID[:6]}--{VALID[6:]}", f"{VALID[:6]} -- {VALID[6:]}", f"19{VALID[:6]}--{VALID[6:]}",
    f"{VALID[:6]}\u2013-{VALID[6:]}", f"{VALID[:6]}-\u2011{VALID[6:]}",
    f"{BAD_CHECK[:6]}--{BAD_CHECK[6:]}",
])
def test_a_doubled_separator_does_not_hide_the_number(written):
    """A slip of the finger, or "--" typed for a dash: still a separator."""
    assert redact(f"pat {written} Mora") == (f"pat {PLACEHOLDER} Mora", True), written


@pytest.mark.parametrize("text", ["v. 12--13 år 2026", "kl 10:00--12:00 2026-11-24",
                                  "tel 070--174 06 05", "datum 2026-11-24, 1234 personer"])
def test_doubled_separators_in_other_text_stay(text):
    assert redact(text) == (text, False)
