"""Whether a unit named in a question is asked for ("BUP Falun", "numret till barnahus")
or only mentioned: where the asker works or who they are ("vi är på akuten", "jag som
kurator"), a unit already involved ("BUP är inkopplad") or where the person is ("tjej 12 år
på bup"). The cue words are the lexicon's concepts, named here.
"""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING

from directory.understand.grammar import RELATIVE
from directory.understand.text import is_stop
from directory.understand.topics import KIND_PREFIX, NEGATIONS, ROLE_PREFIX, Analysis

if TYPE_CHECKING:
    from directory.model import NamedUnit
    from directory.understand.features import Reading

ASKING, WORKPLACE, YRKE = "efterfragan", "arbetsplats", "yrke"
INVOLVED = "inkopplad"  # "BUP är inkopplad", "sees child psychiatry": a unit already there
INVOLVED_REACH = 8  # "har kontakt med både psykiatrin, soc och kvinnojouren": a list after it
AT_THE = frozenset({"pa", "at", "the", "vid", "on"})  # between a title and its unit
HERE = frozenset({"här", "here"})  # "kurator på vårdcentralen här." introduces the asker
FOR_WHOM = frozenset({"en", "ett", "a", "an", "the", "min", "my", "hennes", "hans", "her",
                      "his", "henne", "honom", "him", "var", "our"})  # "för en", "for my"
THERE_IS = frozenset({("is", "there"), ("are", "there"), ("finns", "det")})
CAN = frozenset({"kan", "can", "could"})
NEED = frozenset({"behover", "need", "needs"})  # "behöver regionkoordinatorn: …"
ASKED_OF = CAN | NEED  # a unit right after these is asked for
WORD = re.compile(r"[^\W_]+", re.UNICODE)
NAMED_ONLY_BELOW = 0.9  # situation evidence beyond a unit's name below this: the name decides
HEADING_WORDS = 8  # "Akuten Mora:", "Hospital social worker at Falun:": a heading is short
UNITISH = (KIND_PREFIX, ROLE_PREFIX, "enhet", WORKPLACE, YRKE)  # a heading's words


def asks_for(r: Reading, named: list[NamedUnit], at_work: frozenset[int]) -> bool:
    """Is a unit asked for ("BUP Falun", "numret till barnahus", "kvinnojouren i Mora,
    nummer? ...") rather than said to be where the asker is ("vi är på akuten",
    "skolkurator: ...", "ER nurse")? Cue words are the lexicon's concepts
    `efterfragan` (asking for it), `arbetsplats` and `yrke` (where and who the asker is)."""
    if not named:
        return False
    a = r.analysis
    at = r.at
    units = sorted(i for c, where in a.positions.items()
                   if c.startswith((KIND_PREFIX, ROLE_PREFIX)) for i in where)
    first_word = next((i for i, t in enumerate(r.toks) if i not in r.skip and len(t) > 1 and (
        not is_stop(t) or i in units)), None)  # "ER at Mora …": a unit's name is a word
    text, spans, _ = _typed(r)
    for i in units:
        if i in at_work or (i > 0 and r.toks[i - 1] in NEGATIONS) or (
                i > 1 and r.toks[i - 1] in ("att", "that") and r.toks[i - 2] in NEGATIONS):
            continue  # the asker's workplace or title, not a request; "so not barn och
            # unga?", "vill inte att soc blandas in": a unit ruled out
        if any(INVOLVED in at.get(j, set()) for j in range(max(0, i - INVOLVED_REACH), i + 6)
               if j <= i or not any(i < k <= j for k in r.starts)):  # after it: its sentence
            continue  # "både BUP och soc är inkopplade", "sees child psychiatry"
        if i > 1 and r.toks[i - 1] in ("pa", "at") and ASKING not in at.get(i - 2, set()) \
                and any(0 < i - m.index <= 4 and not m.possessor for m in r.found):
            continue  # "tjej 12 år på bup säger …": where the person is ("kan hon söka
            # på akuten": where she would go, asked)
        near = [at.get(j, set()) for j in range(max(0, i - 4), i + 6)]
        ends = text[spans[i]:spans[min(i + 4, len(spans) - 1)] + 1] if i < len(spans) else ""
        asked = "?" in ends.split(".")[0]  # "akuten i Ludvika eller Falun?"
        # "tjejjour för en 19-åring", "(BUP) for a 7-year-old": a unit for someone (not
        # "för att", "för några år sedan")
        for_someone = i + 2 < len(r.toks) and r.toks[i + 1] == "for" and (
            r.toks[i + 2] in FOR_WHOM or r.toks[i + 2].isdigit())
        # "kurator … som kan prata med henne", "someone at BUP who can see him": a unit
        # wanted for what it can do
        able = any(r.toks[j] in RELATIVE and r.toks[j + 1] in CAN and not any(
            i < m.index < j for m in r.found) and not any(i < k <= j for k in r.starts)
            for j in range(i + 1, min(i + 8, len(r.toks) - 1)))  # (not "ett barn som kan")
        # "is there a women's shelter in Mora", "finns det en tjejjour …": asked for
        there = any(tuple(r.toks[j:j + 2]) in THERE_IS for j in range(max(0, i - 4), i - 1))
        # "kan kvinnojouren ta emot henne …?", "can the youth clinic see her": asked of it
        there = there or (i > 0 and r.toks[i - 1] in ASKED_OF) or (
            i > 1 and r.toks[i - 1] == "the" and r.toks[i - 2] in ASKED_OF)
        if (not situation(a) or any(ASKING in c for c in near)
                or i == first_word or asked or for_someone or able or there):
            return True
    return False


def _typed(r: Reading) -> tuple[str, list[int], list[str]]:
    """The question as typed, where each word ends, and each word casefolded."""
    text = unicodedata.normalize("NFC", r.query)
    found = list(WORD.finditer(text))
    return text, [m.end() for m in found], [m.group().casefold() for m in found]


def _at_work(r: Reading, i: int, text: str, spans: list[int], typed: list[str],
             heading: int = -1) -> bool:
    """Is the unit named at word `i` where the asker works or who they are ("BVC:",
    "kurator på vårdcentralen här.", "vi på akuten", "jag som kurator")?"""
    at = r.at
    before = [at.get(j, set()) for j in range(max(0, i - 3), i)]
    after = at.get(i + 1, set()) | at.get(i + 2, set())
    colon = i < len(spans) and text[spans[i]:spans[i] + 2].lstrip().startswith(":")
    colon = (colon or i <= heading) and not any(  # ("behöver X: …" asks)
        ASKING in at.get(j, set()) for j in range(max(0, i - 2), i))
    here = any(typed[j] in HERE and re.match(  # not "vem är samordnare här?": asked
        r"\s*[.:,;!]" if j + 1 < len(typed) else r"[^?]*$", text[spans[j]:])
        for j in range(i + 1, min(i + 7, len(typed))))
    titled = i >= 2 and r.toks[i - 1] in AT_THE and any(  # "a nurse at the youth clinic",
        YRKE in b for b in before)  # "sjuksköterska på ungdomsmottagningen"
    return colon or here or titled or YRKE in after or any(WORKPLACE in b for b in before)


def _heading_end(r: Reading, text: str, spans: list[int]) -> int:
    """The last word of a heading of units, titles and places that opens the question, ended
    by a colon, with a case told after it ("akuten Mora: 70-årig kvinna …", "gyn emergency:
    woman 28 …"); -1 when there is none. The heading says where the asker is; a question
    mark in the case's first sentence asks for the unit after all ("BUP Falun: tar ni emot
    17-åringar?")."""
    a, at = r.analysis, r.at
    for j, tok in enumerate(r.toks[:HEADING_WORDS]):
        if j >= len(spans):
            return -1
        cs = at.get(j)
        if not (j in a.inside or j in r.skip or tok in AT_THE or is_stop(tok) or (
                cs and any(c.startswith(UNITISH) for c in cs))):
            return -1
        if text[spans[j]:spans[j] + 2].lstrip().startswith(":"):
            first = re.split(r"[.!\n]", text[spans[j] + 1:].lstrip(" :"), maxsplit=1)[0]
            return j if "?" not in first and situation(a) else -1
    return -1


def units_at_work(r: Reading) -> frozenset[int]:
    """Where a unit's name stands for where the asker works or who they are, not a request
    (found once per question, read by `asks_for` and `workplace_kinds`)."""
    positions = r.analysis.positions
    units = {i for c, where in positions.items()
             if c.startswith((KIND_PREFIX, ROLE_PREFIX)) for i in where}
    if not units:
        return frozenset()
    text, spans, typed = _typed(r)
    heading = _heading_end(r, text, spans)  # once a question, for every unit in it
    return frozenset(i for i in units if _at_work(r, i, text, spans, typed, heading))


def workplace_kinds(r: Reading, at_work: frozenset[int]) -> frozenset[str]:
    """The units' concepts named only as where the asker works ("hos oss på
    ungdomsmottagningen", "Kvinnokliniken:"): they say where the question comes from, not
    what it is about, so they give the topic no signal."""
    if not at_work:
        return frozenset()
    positions = r.analysis.positions
    return frozenset(c for c in positions if c.startswith(KIND_PREFIX)
                     and all(i in at_work for i in positions[c]))


def situation(a: Analysis) -> bool:
    """Does the question say more than the names of units?"""
    return a.beyond_names >= NAMED_ONLY_BELOW
