"""Which situation a question describes, scored over the lexicon with rapidfuzz.

A word is looked up by its Snowball stem with å/ä/ö kept ("säger" is not "såg"); a
word typed without them is looked up folded. A word still unknown is tried as a
Swedish compound (barnmisshandel = barn + misshandel) and then as a typo (no tolerance
for short words). Concepts found add their weights to each topic; a phrase that names
a situation outright outranks single words. Place names are masked out first.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rapidfuzz import process
from rapidfuzz.distance import OSA  # a swap of two letters is one typo ("barnahsu")

from directory.model import Lexicon
from directory.understand.ages import MOST_AGE_APART, find_ages
from directory.understand.text import (
    clause_starts,
    fold,
    is_stop,
    numbers_set_apart,
    stem,
    stem_word,
    tokens,
    words,
)

PHRASE_WEIGHT = 1.0  # a phrase naming the situation, plus a bit per extra word
PHRASE_EXTRA = 0.25
FUZZY_STRENGTH = 0.85
SURE_FUZZY_LENGTH = 8  # a typo-matched word shorter than this cannot alone make a topic
WEAK_FUZZY = 0.45
COMPOUND_STRENGTH = 0.95
MIN_SITUATION = 0.5  # evidence beyond "who" (a child, a partner) needed for any topic
KIND_PREFIX = "kind-"  # concepts named kind-<slug> name a function directly
# Words that turn the next few words around: "vill inte polisanmäla", "not safe" is a
# phrase of its own and keeps its meaning.
NEGATIONS = frozenset({"inte", "ej", "icke", "aldrig", "utan", "inga", "ingen", "inget", "not",
                       "never", "no", "dont", "doesnt", "without", "nt"})
NEGATION_REACH = 3
NEGATED = 0.3
# Ages are facts of law, not wording: under 18 is a child.
ELDERLY_FROM = 60
AGE_CONCEPTS = ((0, 12, ("barn",)), (13, 17, ("barn", "ung")), (18, 24, ("ung",)),
                (25, 64, ("vuxen",)),
                (65, 130, ("aldre",)))

Target = tuple[str, str]  # ("concept", name) | ("phrase", topic)


@dataclass
class Analysis:
    concepts: dict[str, float] = field(default_factory=dict)
    phrases: dict[str, float] = field(default_factory=dict)  # topic -> phrase score
    scores: dict[str, float] = field(default_factory=dict)
    evidence: dict[str, str] = field(default_factory=dict)  # concept/topic -> word that hit
    positions: dict[str, list[int]] = field(default_factory=dict)  # concept -> token indices
    ages: list[tuple[int, int]] = field(default_factory=list)  # (age, token index)
    apart: frozenset[int] = frozenset()  # of those, a number set apart by commas: ", 34,"
    # a number in brackets ("kille (16)", "ungdom (16)"): an age (no age concept), but after
    # a relation ("sambon (20)") never the person's (`mentions.relatives_ages`)
    bracketed: frozenset[int] = frozenset()
    covered: set[int] = field(default_factory=set)  # token indices some term matched
    inside: set[int] = field(default_factory=set)  # words after a term's first ("eve")
    situation: float = 0.0  # strongest evidence that is not only "who"
    beyond_names: float = 0.0  # the same, leaving out services named by name

    def ranked(self) -> list[tuple[str, float]]:
        return sorted(self.scores.items(), key=lambda kv: -kv[1])

    def concepts_at(self) -> dict[int, set[str]]:
        """Token index -> the concepts found there."""
        out: dict[int, set[str]] = {}
        for concept, where in self.positions.items():
            for i in where:
                out.setdefault(i, set()).add(concept)
        return out


def _max_distance(token: str) -> int:
    if len(token) < 5:
        return 0
    return 1 if len(token) < 9 else 2


def _has_diacritics(word: str) -> bool:
    return any(ord(c) > 127 for c in word)


ROLE_PREFIX = "role:"  # concepts named role:<id> are one unit's own aliases
SPLIT_PART = 3  # the shortest part of a unit's name typed in two words
UNIT_TYPO_LENGTH = 9  # a unit's one-word name this long, one letter off, beats two words
UNIT_FORM_TYPO_LENGTH = 6  # a unit's "=form" this long is found one letter off


class TopicMatcher:
    def __init__(self, lexicon: Lexicon, units: dict[str, tuple[str, ...]] | None = None
                 ) -> None:
        """`units`: role id -> the names staff use for that one unit ("Bris", "ATV")."""
        self.lexicon = lexicon
        self.subjects = lexicon.subjects | {ROLE_PREFIX + r for r in units or {}}
        self.unfolded: dict[str, str] = {}  # stem or word with å/ä/ö -> canonical key
        self.folded: dict[str, str] = {}  # folded stem or word -> canonical key
        self.single: dict[str, set[Target]] = {}  # canonical key -> targets
        self.exact: dict[str, str] = {}  # a form written "=form" -> its own key
        # phrases by their first two keys: a common first word ("en", "att", "har") begins
        # hundreds of phrases, and only those whose second word follows are tried
        self.multi: dict[tuple[str, str], list[tuple[tuple[str, ...], Target]]] = {}
        # "heders teamet", "kvinno jouren": a unit's one-word name typed as two words, by
        # its first part and then the rest
        self.split_names: dict[str, dict[str, set[Target]]] = {}
        for concept, langs in lexicon.concepts.items():
            for terms in langs.values():
                for term in terms:
                    self._add(term, ("concept", concept))
        for topic, langs in lexicon.phrases.items():
            for terms in langs.values():
                for term in terms:
                    self._add(term, ("phrase", topic))
        for role_id, aliases in (units or {}).items():
            for term in aliases:
                self._add(term, ("concept", ROLE_PREFIX + role_id))
        # typos seldom hit the first letter: candidates share it (lunch is not punch)
        self.fuzzy_keys: dict[str, list[str]] = {}
        # a unit's one-word name, for a typo that splits into two known words
        # ("barnhuset" for "barnahuset": not a house for children)
        self.unit_keys: dict[str, list[str]] = {}
        for k, key in self.folded.items():
            if len(k) >= 5:
                self.fuzzy_keys.setdefault(k[0], []).append(k)
            if len(k) >= UNIT_TYPO_LENGTH and any(t[1].startswith((KIND_PREFIX, ROLE_PREFIX))
                                                  for t in self.single.get(key, ())):
                self.unit_keys.setdefault(k[0], []).append(k)
        # a unit's own form, one letter off ("akutn"), found only by a typo of the whole form
        # before any other word as near ("akuta" is as near, and not a unit)
        self.exact_typos: dict[str, str] = {}
        self.exact_typo_keys: dict[str, list[str]] = {}
        for form, key in self.exact.items():
            if len(form) >= UNIT_FORM_TYPO_LENGTH and not _has_diacritics(form) and any(
                    t[1].startswith((KIND_PREFIX, ROLE_PREFIX)) for t in self.single[key]):
                self.exact_typos[form] = key
                self.exact_typo_keys.setdefault(form[0], []).append(form)
        self._cache: dict[str, list[tuple[str, float]]] = {}

    def _canonical(self, word: str) -> str:
        """The key a word is known by: its stem with å/ä/ö kept ("nån" is not "nana")."""
        key = stem_word(word)
        self.unfolded.setdefault(stem_word(word), key)
        self.unfolded.setdefault(word, key)
        for alias in (key, stem(fold(word)), fold(word)):
            self.folded.setdefault(alias, key)
        return key

    def _add(self, term: str, target: Target) -> None:
        """A one-word term is matched alone; a phrase word by word, function words too
        ("jag slår" must not shrink to "slår"). A term written "=akuten" matches only that
        form, never what shares its stem ("akut": urgent)."""
        if term.startswith("="):
            form = words(term[1:])
            if len(form) == 1:
                key = "=" + form[0]
                self.exact.setdefault(form[0], key)
                self.exact.setdefault(fold(form[0]), key)
                self.single.setdefault(key, set()).add(target)
            return
        pairs = list(zip(words(term), tokens(term), strict=False))
        if not pairs:
            return
        if len(pairs) == 1:
            if not is_stop(pairs[0][1]):
                self.single.setdefault(self._canonical(pairs[0][0]), set()).add(target)
                if target[1].startswith((KIND_PREFIX, ROLE_PREFIX)):
                    whole = pairs[0][1]
                    for cut in range(SPLIT_PART, len(whole) - SPLIT_PART + 1):
                        self.split_names.setdefault(whole[:cut], {}).setdefault(
                            whole[cut:], set()).add(target)
            return
        keys = tuple(t if is_stop(t) else self._canonical(w) for w, t in pairs)
        self.multi.setdefault((keys[0], keys[1]), []).append((keys, target))

    def _lookup(self, word: str) -> list[tuple[str, float]]:
        """Canonical keys this word stands for, with how sure we are."""
        cached = self._cache.get(word)
        if cached is not None:
            return cached
        out: list[tuple[str, float]] = []
        # by its stem, and by the word as written when that is a term's own form that the
        # stem misses ("barnenheten" stems to "barnen", the children)
        keys = dict.fromkeys(self.unfolded[k] for k in (stem_word(word), word)
                             if k in self.unfolded)
        if keys:
            out = [(k, 1.0) for k in keys]
        else:
            f = fold(word)
            if not _has_diacritics(word):
                for key in (stem(f), f):
                    if key in self.folded:
                        out = [(self.folded[key], 1.0)]
                        break
            if not out:
                out = self._compound(f)
                if len(out) < 2:  # none, or a head after an unknown part: "kvinojouren"
                    out = (self._fuzzy(f, self.exact_typo_keys, 1, self.exact_typos)
                           or self._fuzzy(f) or out)  # is a typo of a word known whole
                else:  # two known parts, or one letter from a unit's name
                    out = self._fuzzy(f, self.unit_keys, 1) or out
        exact = self.exact.get(word) or self.exact.get(fold(word))
        if exact:
            out = [x for x in out if x[1] != COMPOUND_STRENGTH] + [(exact, 1.0)]
        if len(self._cache) < 50_000:
            self._cache[word] = out
        return out

    def _fuzzy(self, token: str, keys: dict[str, list[str]] | None = None,
               most: int = 2, targets: dict[str, str] | None = None
               ) -> list[tuple[str, float]]:
        limit = min(_max_distance(token), most)
        if not limit or token.isdigit():
            return []
        near = (self.fuzzy_keys if keys is None else keys).get(token[:1], ())
        found = process.extractOne(token, near, scorer=OSA.distance, score_cutoff=limit)
        if not found:
            return []
        return [((self.folded if targets is None else targets)[found[0]], FUZZY_STRENGTH)]

    def _known_folded(self, part: str) -> str | None:
        for key in (part, stem(part)):
            if key in self.folded and len(key) >= 3:
                return self.folded[key]
        return None

    def _compound(self, token: str) -> list[tuple[str, float]]:
        """barnmisshandel -> barn + misshandel; an unknown first part keeps the head."""
        if len(token) < 7:
            return []
        best: list[tuple[str, float]] = []
        for i in range(3, len(token) - 3):
            left, right = token[:i], token[i:]
            heads = [right]
            if right.startswith("s") and len(right) > 4:
                heads.append(right[1:])  # linking s: oro-s-anmalan
            for head in heads:
                head_key = self._known_folded(head)
                if head_key is None or len(head) < 4 or len(left) < 4:
                    continue
                parts = [(head_key, COMPOUND_STRENGTH)]
                left_key = self._known_folded(left) or (
                    self._known_folded(left[:-1]) if left.endswith("s") else None)
                if left_key:
                    parts.insert(0, (left_key, COMPOUND_STRENGTH))
                elif len(head) < 6:
                    continue
                if len(parts) > len(best) or (len(parts) == len(best)
                                              and len(head) > len(best[-1][0])):
                    best = parts
        return best

    def analyse(self, text: str, skip: frozenset[int] = frozenset()) -> Analysis:
        """Score every topic; token positions in `skip` (place names) are left out."""
        a = Analysis()
        toks, ws = tokens(text), words(text)
        a.ages = find_ages(toks, skip)
        said = {i for _, i in a.ages}
        marks = numbers_set_apart(text)
        apart = frozenset(i for i in marks if i not in said
                          and i not in skip and 0 < int(toks[i]) <= MOST_AGE_APART)
        a.apart = frozenset(i for i in apart if marks[i] == ",")
        a.bracketed = apart - a.apart
        a.ages += [(int(toks[i]), i) for i in sorted(a.apart)]
        ages = [age for age, _ in a.ages]
        for age, i in a.ages:
            for lo, hi, concepts in AGE_CONCEPTS:
                if lo <= age <= hi:
                    for c in concepts:
                        if c in self.lexicon.concepts:
                            a.concepts[c] = 1.0
                            a.evidence[c] = toks[i]
        stream: list[tuple[str, list[tuple[str, float]], int]] = []
        negated_until = -1
        negated: set[int] = set()
        clauses = clause_starts(text)
        for i, (tok, word) in enumerate(zip(toks, ws, strict=False)):
            if i in clauses:
                negated_until = -1  # a "not" stays in its clause
            if i in skip:
                continue
            if tok in NEGATIONS:
                negated_until = len(stream) + NEGATION_REACH
            elif len(stream) <= negated_until:
                negated.add(len(stream))
            if is_stop(tok) or tok.isdigit():
                stream.append((word, [(tok, 1.0)], i))  # kept for phrases, never alone
                continue
            found = self._lookup(word)
            if found and found[0][1] == FUZZY_STRENGTH and len(tok) < SURE_FUZZY_LENGTH:
                found = [(key, WEAK_FUZZY) for key, _ in found]
            if len(found) > 1 and all(x[1] == COMPOUND_STRENGTH for x in found):
                stream.extend((word, [x], i) for x in found)  # barn + misshandel
            else:
                stream.append((word, found, i))
        for n, (word, slot, i) in enumerate(stream):
            rest = self.split_names.get(toks[i]) if n + 1 < len(stream) else None
            if rest:
                nxt = stream[n + 1][2]
                for target in rest.get(toks[nxt], ()):
                    self._hit(a, target, 1.0, 2, word, i)
                    a.covered.update((i, nxt))
                    a.inside.add(nxt)
            for key, strength in slot:
                alone = strength * (NEGATED if n in negated else 1.0)
                for target in self.single.get(key, ()) if not is_stop(key) else ():
                    self._hit(a, target, alone, 1, word, i)
                    a.covered.add(i)
                for second, _ in stream[n + 1][1] if n + 1 < len(stream) else ():
                    for keys, target in self.multi.get((key, second), ()):
                        if self._matches(stream, n, keys):
                            self._hit(a, target, alone, len(keys), word, i)
                            a.covered.update(stream[n + j][2] for j in range(len(keys)))
                            a.inside.update(stream[n + j][2] for j in range(1, len(keys)))
        if ages and max(ages) < ELDERLY_FROM:
            a.concepts.pop("aldre", None)  # a stated age beats "hemtjänst", "brukaren"
        subjects = self.subjects
        a.situation = max([v for c, v in a.concepts.items() if c not in subjects]
                          + list(a.phrases.values()) + [0.0])
        a.beyond_names = max([v for c, v in a.concepts.items()
                              if c not in subjects and not c.startswith(KIND_PREFIX)
                              and not c.startswith(ROLE_PREFIX)]
                             + list(a.phrases.values()) + [0.0])
        for topic, signals in self.lexicon.signals.items():
            a.scores[topic] = sum(w * a.concepts[c] for c, w in signals.items()
                                  if c in a.concepts)
        for topic, score in a.phrases.items():
            a.scores[topic] = a.scores.get(topic, 0.0) + score
        return a

    @staticmethod
    def _matches(stream: list[tuple[str, list[tuple[str, float]], int]], i: int,
                 keys: tuple[str, ...]) -> bool:
        if i + len(keys) > len(stream):
            return False
        return all(any(k == s for k, _ in stream[i + j][1]) for j, s in enumerate(keys))

    @staticmethod
    def _hit(a: Analysis, target: Target, strength: float, n_words: int, word: str,
             position: int) -> None:
        what, name = target
        if what == "concept":
            where = a.positions.setdefault(name, [])
            if not where or where[-1] != position:  # one token reached by two keys or a
                where.append(position)  # phrase and a word counts once
            if strength > a.concepts.get(name, 0.0):
                a.concepts[name] = strength
                a.evidence[name] = word
        else:
            score = (PHRASE_WEIGHT + PHRASE_EXTRA * (n_words - 1)) * strength
            if score > a.phrases.get(name, 0.0):
                a.phrases[name] = score
                a.evidence["phrase:" + name] = word

    def named_kinds(self, a: Analysis) -> list[str]:
        return [c[len(KIND_PREFIX):] for c in a.concepts if c.startswith(KIND_PREFIX)]

    def named_roles(self, a: Analysis) -> list[str]:
        return [c[len(ROLE_PREFIX):] for c in a.concepts if c.startswith(ROLE_PREFIX)]
