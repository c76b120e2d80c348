import pytest

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
