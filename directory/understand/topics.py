"""Which situation a question describes, scored over the lexicon with rapidfuzz.

Terms are matched on folded Snowball stems; a word that is not known is tried as a
typo (no tolerance for short words) and as a Swedish compound (barnmisshandel = barn +
misshandel). Concepts found add their weights to each topic; a phrase that names a
situation outright outranks single words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from directory.model import Lexicon
from directory.understand.text import is_stop, stem, tokens

PHRASE_WEIGHT = 1.6  # a phrase naming the situation, plus a bit per extra word
PHRASE_EXTRA = 0.3
FUZZY_STRENGTH = 0.85
COMPOUND_STRENGTH = 0.95
KIND_PREFIX = "kind-"  # concepts named kind-<slug> name a function directly
_AGE = re.compile(r"(\d{1,3})\s*-?\s*(?:ar|aring|arig|arige|years?|yrs?|yo|year-old|arsaldern)\b")
# Ages are facts of law, not wording: under 18 is a child.
AGE_CONCEPTS = ((0, 12, ("barn",)), (13, 17, ("barn", "ung")), (18, 25, ("ung",)),
                (65, 130, ("aldre",)))


@dataclass
class Analysis:
    concepts: dict[str, float] = field(default_factory=dict)
    phrases: dict[str, float] = field(default_factory=dict)  # topic -> phrase score
    scores: dict[str, float] = field(default_factory=dict)
    known_words: int = 0
    words: int = 0

    def ranked(self) -> list[tuple[str, float]]:
        return sorted(self.scores.items(), key=lambda kv: -kv[1])


def _max_distance(token: str) -> int:
    if len(token) < 5:
        return 0
    return 1 if len(token) < 9 else 2


class TopicMatcher:
    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon
        # key (stem or folded surface form of a one-word term) -> targets
        self.single: dict[str, set[tuple[str, str]]] = {}
        # multi-word terms: first stem -> [(stems, target)]
        self.multi: dict[str, list[tuple[tuple[str, ...], tuple[str, str]]]] = {}
        for concept, langs in lexicon.concepts.items():
            for terms in langs.values():
                for term in terms:
                    self._add(term, ("concept", concept))
        for topic, langs in lexicon.phrases.items():
            for terms in langs.values():
                for term in terms:
                    self._add(term, ("phrase", topic))
        self.keys = [k for k in self.single if len(k) >= 4]
        self._cache: dict[str, list[tuple[str, float]]] = {}

    def _add(self, term: str, target: tuple[str, str]) -> None:
        toks = [t for t in tokens(term) if not is_stop(t)]
        if not toks:
            return
        stems = tuple(stem(t) for t in toks)
        if len(stems) == 1:
            self.single.setdefault(stems[0], set()).add(target)
            self.single.setdefault(toks[0], set()).add(target)
        else:
            self.multi.setdefault(stems[0], []).append((stems, target))

    def _known(self, key: str) -> bool:
        return key in self.single or key in self.multi

    def _lookup(self, token: str) -> list[tuple[str, float]]:
        """Stems this token stands for, with how sure we are."""
        if token in self._cache:
            return self._cache[token]
        s = stem(token)
        if self._known(s) or self._known(token):
            out = [(s if self._known(s) else token, 1.0)]
        else:
            out = self._compound(token) or self._fuzzy(token)
        if len(self._cache) < 50_000:
            self._cache[token] = out
        return out

    def _fuzzy(self, token: str) -> list[tuple[str, float]]:
        limit = _max_distance(token)
        if not limit or token.isdigit():
            return []
        found = process.extractOne(token, self.keys, scorer=Levenshtein.distance,
                                   score_cutoff=limit)
        if found is None or len(found[0]) < 5:
            return []
        return [(found[0], FUZZY_STRENGTH)]

    def _compound(self, token: str) -> list[tuple[str, float]]:
        if len(token) < 7:
            return []
        best: list[tuple[str, float]] = []
        for i in range(3, len(token) - 3):
            left, right = token[:i], token[i:]
            heads = [right]
            if right.startswith("s") and len(right) > 4:
                heads.append(right[1:])  # linking s: orosanmalan, mannisko-s-handel
            for head in heads:
                hs = stem(head)
                head_key = hs if self._known(hs) else head if self._known(head) else None
                if head_key is None or len(head) < 4:
                    continue
                parts = [(head_key, COMPOUND_STRENGTH)]
                left_key = next((k for k in (left, stem(left), left.rstrip("s"))
                                 if len(k) >= 3 and self._known(k)), None)
                if left_key:
                    parts.insert(0, (left_key, COMPOUND_STRENGTH))
                elif len(head) < 5:
                    continue
                if len(parts) > len(best) or (len(parts) == len(best) and
                                              len(parts[-1][0]) > len(best[-1][0])):
                    best = parts
        return best

    def analyse(self, text: str) -> Analysis:
        a = Analysis()
        toks = tokens(text)
        for m in _AGE.finditer(" ".join(toks)):
            age = int(m.group(1))
            for lo, hi, concepts in AGE_CONCEPTS:
                if lo <= age <= hi:
                    for c in concepts:
                        if c in self.lexicon.concepts:
                            a.concepts[c] = max(a.concepts.get(c, 0.0), 1.0)
        stream: list[list[tuple[str, float]]] = []
        for tok in toks:
            if is_stop(tok) or tok.isdigit():
                continue
            a.words += 1
            found = self._lookup(tok)
            if found:
                a.known_words += 1
                stream.extend([[x] for x in found] if len(found) > 1 else [found])
            else:
                stream.append([])
        for i, slot in enumerate(stream):
            for key, strength in slot:
                for target in self.single.get(key, ()):
                    self._hit(a, target, strength, 1)
                for stems, target in self.multi.get(key, ()):
                    if self._matches(stream, i, stems):
                        self._hit(a, target, strength, len(stems))
        for topic, signals in self.lexicon.signals.items():
            a.scores[topic] = sum(w * a.concepts[c] for c, w in signals.items()
                                  if c in a.concepts)
        for topic, score in a.phrases.items():
            a.scores[topic] = a.scores.get(topic, 0.0) + score
        return a

    @staticmethod
    def _matches(stream: list[list[tuple[str, float]]], i: int, stems: tuple[str, ...]) -> bool:
        if i + len(stems) > len(stream):
            return False
        return all(any(k == s for k, _ in stream[i + j]) for j, s in enumerate(stems))

    @staticmethod
    def _hit(a: Analysis, target: tuple[str, str], strength: float, n_words: int) -> None:
        what, name = target
        if what == "concept":
            a.concepts[name] = max(a.concepts.get(name, 0.0), strength)
        else:
            score = (PHRASE_WEIGHT + PHRASE_EXTRA * (n_words - 1)) * strength
            a.phrases[name] = max(a.phrases.get(name, 0.0), score)

    def named_kinds(self, a: Analysis) -> list[str]:
        return [c[len(KIND_PREFIX):] for c in a.concepts if c.startswith(KIND_PREFIX)]
