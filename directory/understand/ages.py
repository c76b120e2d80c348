"""Ages said in a question: "17 år", "17-åring", "femåringen", "hon är 17", "aged 15",
"åk 7", "3 månader", "fyller 16 i höst" (15 now), "in her 30s", and a bare number set apart
after a person ("kvinna, 41, …")."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

_NUMBER_WORDS = {w: i for i, w in enumerate(
    "noll ett tva tre fyra fem sex sju atta nio tio elva tolv tretton fjorton femton sexton "
    "sjutton arton nitton".split())} | {"en": 1, "one": 1, "two": 2, "three": 3, "four": 4,
                                         "five": 5, "six": 6, "seven": 7, "eight": 8,
                                         "nine": 9, "ten": 10} | {w: i for i, w in enumerate(
    # not "eleven": folded Swedish for "the pupil" ("eleven är 12 år")
    "twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen".split(), 12)}
# "åttiotvååring", "fyrtiofemårig", "trettio år": the tens and their units written as one word
_TENS = {w: 10 * i for i, w in enumerate(
    "tjugo trettio fyrtio femtio sextio sjuttio attio nittio".split(), 2)}
_NUMBER_WORDS |= {ten + unit: n + u for ten, n in _TENS.items() for unit, u in (
    ("", 0), *((w, _NUMBER_WORDS[w]) for w in "ett en tva tre fyra fem sex sju atta nio".split()))}
_DECADES = {w: i for i, w in enumerate("twenties thirties forties fifties sixties seventies "
                                       "eighties nineties".split(), 2)}
_TEENS = "elva|tolv|tretton|fjorton|femton|sexton|sjutton|arton|nitton"  # "sin son, sexton"
# "17 år", "17-åring", "femåringen", "hon är 17", "tjej 16", "aged 15" (folded text)
_AGE = re.compile(
    r"\b(?P<n1>\d{1,3}|" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True)) + r")\s*"
    r"(?P<unit>ar|aring|aringen|aringar|arings|aringens|arig|ariga|arige|ring|ringen|rig|riga|"
    r"rige|"
    r"years?|yrs?|yo|y o|year old|years old|manad|manader|manaders|manadsgammal|months?|"
    r"month old|veckor|veckors|veckogammal|weeks?|week old|"
    r"arsaldern)\b"
    # "har fyllt 18", "fyllde 18 i våras", "she's 79", "who's 20"
    r"|\b(?:ar|is|aged?|fyllt|fyllde|turned|she\s+s|he\s+s|who\s+s|both|bada|"
    r"kille|killen|tjej|tjejen|flicka|flickan|pojke|pojken|pat|patient|"
    r"barn|barnet|son|sonen|dotter|dottern|elev|eleven|girl|boy|student|studenten)\s+"
    r"(?:(?:pa|sjalv|also|herself|himself)\s+)?(?P<n2>\d{1,2}|" + _TEENS + r")\b"
    r"(?!\s*(?:min|minuter|timmar|tim|dagar|veckor|kr|kronor|ggr|ganger|st|procent|minutes|"
    r"hours|days|times))"
    # "pappa 45 blir slagen", "kvinna 34", "kvinna över 80": an adult's age as a bare
    # two-digit number
    r"|\b(?:kvinna|kvinnan|man|mannen|mamma|mamman|pappa|pappan|make|maken|fru|frun|guy|lady|"
    r"brukare|brukaren|anhorig|anhorige|maka|makan|hustru|hustrun|woman|kv)\s+"
    r"(?:pa\s+|over\s+)?(?P<n3>\d{2})\b"
    r"(?!\s*(?:min|minuter|timmar|tim|dagar|veckor|ar|kr|kronor|ggr|ganger|st|procent|"
    r"minutes|hours|days|times))"
    # "16 tjej pv slår henne", "17 kille": the age before the one ("22F": mentions.glued_ages)
    r"|\b(?P<n6>\d{2})\s+(?:tjej|kille|flicka|pojke|kvinna|girl|boy|woman|guy)\b"
    # "fyller 16 i höst", "turns 18 next month": a year younger now
    r"|\b(?:fyller|turns)\s+(?P<coming>\d{1,2}|" + _TEENS + r")\b"
    # "in his 50s", "in her eighties": about the middle of the decade
    r"|\bin\s+(?:his|her|their)\s+(?:(?P<decade>[1-9])0s|(?P<decade_word>" + "|".join(
        _DECADES) + r"))\b"
    # "a girl of 15", "a man of 70"
    r"|\b(?:girl|boy|woman|man|child|kid|son|daughter|patient|pupil|student)\s+of\s+"
    r"(?P<n4>\d{1,3})\b"
    # "tjej i åk 8", "årskurs 3": a school year of grundskolan, the age is the year + 6
    r"|\b(?:ak|arskurs)\s*(?P<grade>[1-9])\b"
    # "hon är sju", "she is seven": a small number word said of a pronoun (not "klockan
    # är sju")
    r"|\b(?:hon|han|hen|she\s+is|he\s+is|she\s+s|he\s+s)\s+(?:ar\s+)?"
    r"(?P<n5>tva|tre|fyra|fem|sex|sju|atta|nio|tio|two|three|four|five|six|seven|eight|nine"
    r"|ten)\b(?!\s*(?:min|minuter|timmar|dagar|veckor|manader|kr|kronor|ganger|minutes|"
    r"hours|days|weeks|months|times|barn|children|kids))")
GRADE_TO_AGE = 6  # grundskolan's year 1 is the year a child turns seven
MOST_AGE_APART = 110  # "kvinna från Nås, 41, …": a bare number set apart is an age up to this
_AGO = re.compile(r"\s*(?:sedan|sen|tillbaka|ago|back)\b")
_FOR_A_TIME = frozenset({"i", "in", "for", "under", "sedan", "since", "over", "inom", "within",
                         "per"})
# "om två månader", "within six weeks", "efter tre veckor": when, not a baby's age
_IN_A_TIME = frozenset({"om", "in", "inom", "within", "efter", "after", "for", "i", "under",
                        "sedan", "sen", "since"})
# "tredje gången på ett år", "två ggr på två år": how often, no age ("en pojke på 8 år" is one)
_TIMES = frozenset({"gangen", "ganger", "gang", "ggr", "times"})
_YEARS = frozenset({"ar", "year", "years", "yr", "yrs"})


def _joined(toks: list[str], skip: frozenset[int]) -> tuple[str, Callable[[int], int]]:
    """The tokens not skipped, joined by spaces, and the token index at a position in it."""
    text, starts = "", []
    for i, t in enumerate(toks):
        if i not in skip:
            starts.append((len(text), i))
            text += t + " "

    def token_at(pos: int) -> int:
        return max((i for start, i in starts if start <= pos), default=0)

    return text, token_at


def find_ages(toks: list[str], skip: frozenset[int] = frozenset()) -> list[tuple[int, int]]:
    """(age, token index) for "17 år", "17-åring", "femåringen", "hon är 17", "aged 15"."""
    text, token_at = _joined(toks, skip)
    out = []

    for m in _AGE.finditer(text):
        if m.group("grade"):
            out.append((int(m.group("grade")) + GRADE_TO_AGE, token_at(m.start("grade"))))
            continue
        if m.group("decade") or m.group("decade_word"):
            tens = int(m.group("decade")) if m.group("decade") else _DECADES[m.group(
                "decade_word")]
            out.append((10 * tens + 4, token_at(m.start())))  # the 60s: not yet 65
            continue
        if m.group("coming"):
            raw = m.group("coming")
            coming = int(raw) if raw.isdecimal() else _NUMBER_WORDS.get(raw)
            if coming:
                out.append((coming - 1, token_at(m.start("coming"))))
            continue
        raw = (m.group("n1") or m.group("n2") or m.group("n3") or m.group("n4") or m.group("n5")
               or m.group("n6"))
        age = int(raw) if raw.isdecimal() else _NUMBER_WORDS.get(raw)
        if age is None or age > 120 or _AGO.match(text, m.end()):
            continue  # "för två år sedan", "three years ago": a time, no age
        if (m.group("unit") or "").startswith(("man", "month", "veck", "week")):
            start = token_at(m.start())
            if start > 0 and start - 1 not in skip and toks[start - 1] in _IN_A_TIME:
                continue  # "släpps om två månader", "in six weeks": a time, no baby
            age = 0  # "3 månader", "six weeks old": a baby
        index = token_at(next(m.start(g) for g in ("n1", "n2", "n3", "n4", "n5", "n6")
                             if m.group(g)))
        if m.group("unit") in _YEARS and index > 0 and index - 1 not in skip and (
                toks[index - 1] in _FOR_A_TIME or (toks[index - 1] in ("pa", "in") and index > 1
                                                   and toks[index - 2] in _TIMES)):
            continue  # "slagit henne i 40 år", "for 20 years": how long, no age
        out.append((age, index))
    return out


_MONTHS = {m: i for i, m in enumerate(
    "januari februari mars april maj juni juli augusti september oktober november december"
    .split(), 1)} | {m: i for i, m in enumerate(
        "january february march april may june july august september october november "
        "december".split(), 1)}
# "född 2 november 2009", "född i december 2008", "född -61", "född år 1958", "born in
# March 2010", "born 1961" (folded tokens: "-61" is "61")
_BORN = re.compile(
    r"\b(?:fodd|born)\s+(?:(?:den|on|in|i|ar)\s+)?(?:(?P<day>\d{1,2})\s+)?"
    r"(?:(?P<month>" + "|".join(_MONTHS) + r")\s+)?(?P<year>\d{4}|\d{2})\b")
MID_YEAR = 7  # a birth year alone: the age turned this year from July, the year before until


def birth_ages(toks: list[str], skip: frozenset[int], today: dt.date) -> list[tuple[int, int]]:
    """(age on `today`, token index of "född"/"born") for a birth date or year: "man född
    -61", "tjej född i december 2008". Read only when the moment of asking is known (never
    when the model is built, so that a build does not depend on the year it is made)."""
    text, token_at = _joined(toks, skip)
    out = []
    for m in _BORN.finditer(text):
        year = int(m.group("year"))
        if year < 100:  # "-61": the last century unless that would be a year to come
            year += 2000 if year <= today.year % 100 else 1900
        month = _MONTHS.get(m.group("month") or "")
        day = int(m.group("day")) if m.group("day") and month else 1
        if not 1900 <= year <= today.year or not 1 <= day <= 31:
            continue
        age = today.year - year
        if (month and (month, day) > (today.month, today.day)) or (
                not month and today.month < MID_YEAR):
            age -= 1
        if 0 <= age <= 120:
            out.append((age, token_at(m.start())))
    return out
