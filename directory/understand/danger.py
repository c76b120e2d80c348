"""Immediate danger and risk markers: the lexicon's danger rules (data) applied to a question.

A rule holds when all its concepts are found within its reach of each other; a concept
counts only at full strength (not negated, not a weak typo match). Two readings of grammar
stay here: "nu" of the asker's next step ("vad gör jag nu", "öppet nu?") is no danger, and a
killing word turned on oneself ("ta livet av sig") is no threat to another.
"""

from __future__ import annotations

from directory.model import DangerRule
from directory.understand.topics import Analysis

NOW_CONCEPT = "nu"
# "vad gör jag nu", "vem ringer jag nu", "what now": "nu" of the asker's next step
ASKING_NOW = frozenset({"vad", "vem", "hur", "vart", "vilken", "vilka", "what", "who", "how",
                        "where", "which", "ringa", "ringer", "ring", "call", "kontakta",
                        "gora", "gor", "do", "ga", "vidare",
                        # "öppet nu?", "are they open now": asks about opening hours
                        "oppen", "oppet", "oppna", "open", "stangt", "stangd", "closed"})
KILL = "dod"  # killing words: "ta livet av", "döda", "kill"
REFLEXIVE = frozenset({"sig", "himself", "herself", "themselves", "myself"})


def danger_and_risks(a: Analysis, rules: tuple[DangerRule, ...], toks: list[str] | None = None
                     ) -> tuple[bool, tuple[str, ...]]:
    """Whether the danger is immediate, and the notes of the risk markers that hold, in one
    pass over the lexicon's rules. A rule holds when all its concepts are found within its
    reach of each other; a concept counts only at full strength (not negated, not a weak
    typo match), and "nu" not when it asks what to do now ("vad gör jag nu"). A rule with a
    note is a risk marker ("stryptag": a strong sign of lethal violence), not danger."""
    danger, notes = False, []
    for rule in rules:
        if (rule.note or not danger) and _holds(rule, a, toks or []):
            if rule.note:
                notes.append(rule.note)
            else:
                danger = True
    return danger, tuple(dict.fromkeys(notes))


def _holds(rule: DangerRule, a: Analysis, toks: list[str]) -> bool:
    def counts(concept: str, p: int) -> bool:
        if concept == KILL and any(t in REFLEXIVE for t in toks[p + 1:p + 3]):
            return False  # "ta livet av sig", "kill himself": not a threat to another
        return not (concept == NOW_CONCEPT
                    and any(t in ASKING_NOW for t in toks[max(0, p - 3):p]))

    if any(a.concepts.get(c, 0.0) >= 0.9 for c in rule.unless):
        return False  # "hotade henne med kniv förra veckan": told, not happening
    where = [[p for p in a.positions.get(c, []) if a.concepts.get(c, 0.0) >= 0.9
              and counts(c, p)] for c in rule.concepts]
    if not all(where):
        return False
    first, *rest = where
    return any(all(any(abs(p - q) <= rule.reach for q in ps) for ps in rest) for p in first)
