"""Normalising Swedish staff questions: NFC, casefold, folding, tokens, stems."""

from __future__ import annotations

import functools
import re
import threading
import unicodedata
from typing import Protocol

import Stemmer


class _Stemmer(Protocol):
    """What we use of PyStemmer's stemmers (the package has no type information)."""

    def stemWord(self, word: str) -> str: ...  # noqa: N802 - PyStemmer's name


class _Stemmers(threading.local):
    """The Snowball Swedish stemmer, compiled (PyStemmer): stemming the lexicon is most of
    building the matcher, and the pure-Python stemmer took 40 times as long. A stemmer
    object is not safe to share between threads (the matcher is built in a worker thread
    while questions are answered), so each thread has its own."""

    def __init__(self) -> None:
        self.swedish: _Stemmer = Stemmer.Stemmer("swedish")


_STEMMERS = _Stemmers()
_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)

# Function words that carry no meaning for routing. Place cues ("i", "på", "från") and
# negation ("inte") are NOT here: the place finder needs the first, topics the second.
STOP_WORDS = frozenset("""
och eller men att som det den de dem denna detta dessa en ett är var varit vara blir blev
har hade ha jag vi du ni han hon hen sig mig dig oss sin sitt sina min mitt mina din ditt dina
vår vårt våra er ert era deras dess hur vad vem vilken vilket vilka när där här kan kunde
ska skulle bör borde måste får fick gör göra gjort till för med om av ut upp över under
efter innan då så också även bara mycket lite någon något några alla allt ingen inget
the a an of to for is are was were be been being and or but with about as by it its this
that these those how what who whom which where when can could should would will shall do
does did have has had my our your their his her me us them you we they please hi hej tack
pls plz thanks thx snälla tacksam
""".split())

PLACE_CUES = frozenset({"i", "pa", "fran", "utanfor", "vid", "in", "from", "near", "at",
                        "nara", "inom"})


# The letters with diacritics staff type most, off in one pass; the rest by decomposing.
_COMMON = str.maketrans({"å": "a", "ä": "a", "ö": "o", "é": "e", "è": "e", "ü": "u",
                         "á": "a", "à": "a", "ø": "o", "æ": "a"})


def fold(text: str) -> str:
    """Casefolded, diacritics off (å/ä → a, ö → o), typed variants aa/ae/oe joined."""
    plain = unicodedata.normalize("NFC", text).casefold().translate(_COMMON)
    if not plain.isascii():  # rarer letters: decompose and drop the marks
        decomposed = unicodedata.normalize("NFD", plain)
        plain = "".join(c for c in decomposed if not unicodedata.combining(c))
        plain = plain.replace("ø", "o").replace("æ", "a").replace("ß", "ss")
    return plain.replace("aa", "a").replace("ae", "a").replace("oe", "o")


def tokens(text: str) -> list[str]:
    """Folded word tokens; hyphens and punctuation separate words."""
    return _TOKEN.findall(fold(text))


def numbers_set_apart(text: str) -> dict[int, str]:
    """Indices of the number tokens that stand alone between commas (", 34," or ", 34." or
    ", 34" at the end) or in brackets ("ungdom (16)"): a number so set apart after a person
    is that person's age. Each index maps to the mark before it, "," or "("."""
    if "," not in text and "(" not in text:
        return {}
    text = unicodedata.normalize("NFC", text)
    out = {}
    for n, m in enumerate(_TOKEN.finditer(text)):
        if not m.group().isdecimal():
            continue
        j, k = m.start() - 1, m.end()
        while j >= 0 and text[j].isspace():
            j -= 1
        while k < len(text) and text[k].isspace():
            k += 1
        if j >= 0 and (text[j] == "," and (k == len(text) or text[k] in ",.;")
                       or text[j] == "(" and text[k:k + 1] == ")"):
            out[n] = text[j]
    return out


def clause_starts(text: str) -> frozenset[int]:
    """Indices of the tokens that open a clause: after , ; : . ? ! or a line break ("inget
    vapen, lugnt nu": the "not" of one clause does not reach into the next)."""
    if not any(c in text for c in ",;:.?!\n"):
        return frozenset()
    text = unicodedata.normalize("NFC", text)
    out, last = set(), 0
    for n, m in enumerate(_TOKEN.finditer(text)):
        if n and any(c in ",;:.?!\n" for c in text[last:m.start()]):
            out.add(n)
        last = m.end()
    return frozenset(out)


def words(text: str) -> list[str]:
    """Casefolded tokens with å/ä/ö kept, aligned one to one with `tokens(text)`."""
    return _TOKEN.findall(unicodedata.normalize("NFC", text).casefold())


@functools.lru_cache(maxsize=65536)
def stem_word(word: str) -> str:
    """Snowball Swedish stem of a casefolded word with its diacritics (the better stem)."""
    if word.isdigit() or len(word) <= 3:
        return word
    return _STEMMERS.swedish.stemWord(word)


@functools.lru_cache(maxsize=65536)
def stem(token: str) -> str:
    """Snowball Swedish stem of a folded token (topic words only, never place names)."""
    if token.isdigit() or len(token) <= 3:
        return token
    return _STEMMERS.swedish.stemWord(token)


def content(tokens_: list[str]) -> list[str]:
    return [t for t in tokens_ if fold(t) not in _FOLDED_STOP]


_FOLDED_STOP = frozenset(fold(w) for w in STOP_WORDS)


def is_stop(token: str) -> bool:
    return token in _FOLDED_STOP


def original_words(text: str) -> list[str]:
    """The words as typed (NFC), aligned one to one with `tokens(text)`."""
    return _TOKEN.findall(unicodedata.normalize("NFC", text))
