"""Which municipality a question is about: names, genitives, phrases and localities.

Place names are matched on folded tokens, never stemmed. A locality that is also an
ordinary word ("Vad", "By", "Nås") counts only after a place cue ("i", "på", "från")
or as the question's last word; typo tolerance applies only where a place is expected.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from directory.model import Lexicon
from directory.understand.text import PLACE_CUES, is_stop, tokens

# Cues that say where the person lives (beats where the asker works).
RESIDENCE_CUES = (("bor", "i"), ("boende", "i"), ("bosatt", "i"), ("hemma", "i"),
                  ("folkbokford", "i"), ("folkbokfort", "i"), ("folkbokforda", "i"),
                  ("skriven", "i"), ("skrivna", "i"), ("skrivet", "i"), ("bor", "pa"),
                  ("fran",), ("lives", "in"), ("living", "in"), ("live", "in"),
                  ("resides", "in"), ("registered", "in"), ("flyttat", "till"),
                  ("flyttade", "till"), ("flyttar", "till"), ("moved", "to"), ("from",),
                  ("kommun",), ("home", "in"), ("house", "in"), ("hus", "i"),
                  ("lagenheten", "i"), ("lagenhet", "i"), ("bostaden", "i"), ("hem", "till"),
                  ("apartment", "in"), ("flat", "in"), ("hemkommun", "ar"),
                  ("hemkommunen", "ar"), ("hemkommun",), ("hemkommunen",),
                  ("home", "municipality", "is"))
RESIDENCE_WORDS = frozenset(cue[0] for cue in RESIDENCE_CUES)  # "bor", "lives", "från"
# Words after a place that say it is the asker's workplace, not the person's home.
WORKPLACE_WORDS = frozenset({"lasarett", "lasarettet", "sjukhus", "sjukhuset", "akuten",
                             "vardcentral", "vardcentralen", "hospital"})
# "vi är på barnkliniken i Falun", "ER nurse in Mora": where the asker is, not the person
WORKPLACE_BEFORE = WORKPLACE_WORDS | frozenset({
    "barnkliniken", "akutmottagningen", "bup", "bvc", "mvc", "vc", "skolan", "geriatriken",
    "avdelningen", "mottagningen", "tandvarden", "ambulansen", "nurse", "doctor", "clinic",
    "er", "ward", "kliniken", "jobbar", "arbetar", "work", "works"})


@dataclass(frozen=True)
class PlaceHit:
    municipality: str
    start: int
    end: int
    priority: int  # 2 residence, 1 plain, 0 workplace
    fuzzy: bool
    ordinary: bool = False  # a place that is also a common word, written in lower case


@dataclass(frozen=True)
class _Entry:
    municipality: str
    common_word: bool


class PlaceFinder:
    def __init__(self, lexicon: Lexicon) -> None:
        self.entries: dict[tuple[str, ...], list[_Entry]] = {}
        for name in lexicon.municipalities:
            self._add(name, name, False)
        for place in lexicon.places:
            self._add(place.name, place.municipality, place.common_word)
        self.max_len = max((len(k) for k in self.entries), default=1)
        self.first_words = {k[0] for k in self.entries}  # most words begin no place name
        # single-token, not-common names for typo tolerance
        self.fuzzy_keys = [k[0] for k, v in self.entries.items()
                           if len(k) == 1 and len(k[0]) >= 6 and not any(e.common_word for e in v)]

    def _add(self, name: str, municipality: str, common: bool) -> None:
        key = tuple(tokens(name))
        if not key:
            return
        lst = self.entries.setdefault(key, [])
        if all(e.municipality != municipality for e in lst):
            lst.append(_Entry(municipality, common))
        if len(key) == 1 and not common and not key[0].endswith("s"):
            # genitive "Borlänges", "Moras": same place
            self.entries.setdefault((key[0] + "s",), []).append(_Entry(municipality, common))

    def find(self, text: str, original: list[str] | None = None) -> list[PlaceHit]:
        toks = tokens(text)
        starts = sentence_starts(text)
        hits: list[PlaceHit] = []
        i = 0
        while i < len(toks):
            hit = self._exact_at(toks, i, starts, text, original)
            if hit is None:
                hit = self._fuzzy_at(toks, i, original)
            if hit is not None:
                hits.append(hit)
                i = hit.end
            else:
                i += 1
        if any(not h.ordinary for h in hits):  # "Orsa … vet inte för vad": another place
            hits = [h for h in hits if not h.ordinary]  # is named, "vad" is the word
        if not hits:
            return hits
        apart = sentence_starts(text, APART)
        return [h for h in hits if not _negated(toks, h.start, apart)]

    def _cued(self, toks: list[str], i: int) -> bool:
        return i > 0 and toks[i - 1] in PLACE_CUES

    def _priority(self, toks: list[str], start: int, end: int) -> int:
        if end < len(toks) and toks[end] in WORKPLACE_WORDS:
            return 0
        if start >= 2 and toks[start - 1] in PLACE_CUES and toks[start - 2] in WORKPLACE_BEFORE:
            return 0
        if start >= 1 and toks[start - 1] in WORKPLACE_BEFORE:  # "BVC Borlänge", "VC Mora"
            return 0
        for cue in RESIDENCE_CUES:
            n = len(cue)
            if start >= n and tuple(toks[start - n:start]) == cue:
                return 2
            if cue == ("kommun",) and end < len(toks) and toks[end] == "kommun":
                return 1
        return 1

    def _exact_at(self, toks: list[str], i: int, starts: set[int], text: str,
                  original: list[str] | None = None) -> PlaceHit | None:
        if toks[i] not in self.first_words:
            return None
        for n in range(min(self.max_len, len(toks) - i), 0, -1):
            key = tuple(toks[i:i + n])
            entries = self.entries.get(key)
            if not entries:
                continue
            entry = entries[0]
            last = i + n == len(toks)
            # "Sälen" written with a capital inside a sentence is the place, not "salen"
            capital = bool(original and i < len(original) and original[i][:1].isupper())
            named = capital and i > 0 and i not in starts
            # "… again. Sälen, Saturday night": a capitalised word set apart by a comma
            apart = capital and n == 1 and not is_stop(toks[i]) and _comma_after(text, i)
            if entry.common_word and not apart and ((i in starts and not last) or not (
                    self._cued(toks, i) or (last and i > 0 and not (
                        text.rstrip().endswith("?") and i not in sentence_starts(
                            text, APART))) or named)):
                continue  # "Vad", "By" start a sentence far more often than they name one;
                # a last word asked about ("vem gör vad?") names one only set apart ("…, Vad?")
            return PlaceHit(entry.municipality, i, i + n, self._priority(toks, i, i + n), False,
                            entry.common_word and not capital)
        return None

    def _fuzzy_at(self, toks: list[str], i: int, original: list[str] | None) -> PlaceHit | None:
        tok = toks[i]
        if len(tok) < 6 or is_stop(tok):  # "säger" is not a typo of "Säter"
            return None
        capitalised = bool(original and i < len(original) and original[i][:1].isupper() and i > 0)
        if not (self._cued(toks, i) or i == len(toks) - 1 or capitalised):
            return None
        limit = 1 if len(tok) < 8 else 2
        found = process.extractOne(tok, self.fuzzy_keys, scorer=Levenshtein.distance,
                                   score_cutoff=limit)
        if found is None:
            return None
        entry = self.entries[(found[0],)][0]
        return PlaceHit(entry.municipality, i, i + 1, self._priority(toks, i, i + 1), True)


NOT_THERE = frozenset({"inte", "ej", "not", "never", "aldrig", "doesnt", "isnt"})
LIVES = frozenset({"live", "lives", "living", "bott", "bodde"})


def _negated(toks: list[str], start: int, apart: set[int]) -> bool:
    """"bor inte i Falun", "she doesn't live in Falun", "not from Mora": where the person is
    not (a "not" with a word of living beside it, and only cues between it and the place;
    not "… stämmer inte. Avesta", "mamman är inte hemma, Orsa": the place set apart)."""
    living = False
    for k in range(start - 1, max(-1, start - 5), -1):
        if k + 1 in apart:
            return False
        tok = toks[k]
        if tok in NOT_THERE or (tok == "t" and k > 0 and toks[k - 1].endswith("n")):
            return living or (k > 0 and toks[k - 1] in RESIDENCE_WORDS | LIVES)
        if not (tok in PLACE_CUES or tok in RESIDENCE_WORDS or tok in LIVES):
            return False
        living = living or tok in RESIDENCE_WORDS or tok in LIVES
    return False


APART = ".,;:?!\n()–-"  # marks that set a word apart from the clause before it
_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def sentence_starts(text: str, marks: str = ".?!:\n") -> set[int]:
    """Indices of the words that begin a sentence (after . ? ! : or a line break; a word
    after a colon begins one for capitals, not for what a sentence tells)."""
    out, last = set(), 0
    ends = re.compile(f"[{re.escape(marks)}]")
    for n, m in enumerate(_WORD.finditer(unicodedata.normalize("NFC", text))):
        if n == 0 or ends.search(text, last, m.start()):
            out.add(n)
        last = m.end()
    return out


def _comma_after(text: str, i: int) -> bool:
    """Is word `i` followed right away by a comma: a capitalised word set apart so, even
    at a sentence's start, names a place ("Sälen, lördag natt"), unlike "Vad gör vi?"."""
    for n, m in enumerate(_WORD.finditer(unicodedata.normalize("NFC", text))):
        if n == i:
            return text[m.end():m.end() + 1] == ","
    return False


def choose(hits: list[PlaceHit]) -> tuple[str | None, list[str]]:
    """The municipality meant, or None with the competing options when it is unclear."""
    if not hits:
        return None, []
    top = max(h.priority for h in hits)
    best = [h for h in hits if h.priority == top]
    names = list(dict.fromkeys(h.municipality for h in best))
    if len(names) == 1:
        return names[0], []
    exact = list(dict.fromkeys(h.municipality for h in best if not h.fuzzy))
    if len(exact) == 1:
        return exact[0], []
    return None, names

