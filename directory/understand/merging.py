"""Putting together the words that stand for one person (`mentions.Mention`): an age
beside a person ("kvinna 34 år", "34-årig kvinna"), set apart by commas or in brackets,
said of a pronoun later ("… Hon är 17"), and a group said of a pronoun ("hon är
pensionär")."""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING

from directory.understand.grammar import (
    AGE_WORDS,
    ATTRIBUTIVE_AGE,
    COPULA,
    PRONOUNS,
    RELATIONS,
    RELATIVE,
    SKIPPABLE,
    TURNED,
    owner_in,
)

if TYPE_CHECKING:
    from directory.understand.mentions import Mention

AGE_NOUNS = frozenset({"aring", "aringen", "aringens"})  # "en 80-åring": the age is the person


def relatives_ages(at: dict[int, set[str]], bracketed: Collection[int]) -> set[int]:
    """The numbers in brackets right after a relation or a partner ("sambon (20)",
    "her boyfriend (21)"): that one's age, never the person's, though the question may not
    follow the relation as a person of its own."""
    return {i for i in bracketed if at.get(i - 1, set()) & set(RELATIONS)}


def merge_apart_ages(found: list[Mention], apart: Collection[int], starts: Collection[int],
                      bracketed: Collection[int] = ()) -> list[Mention]:
    """"Patient in the ER, 34, says her husband …", "kvinna från Nås, 41, …": a bare number
    set apart by commas is the age of the person named last before it in its sentence; one
    in brackets right after a person is that one's, a partner's too ("sambon (20)")."""
    out: list[Mention] = []
    for m in found:
        if m.index in bracketed and m.gender is None and m.group is None and out and (
                out[-1].index == m.index - 1 and not out[-1].possessor and out[-1].age is None):
            out[-1].age = m.age  # "kille (16)"
            continue
        if m.index in apart and m.gender is None and m.group is None:
            sentence = max((s for s in starts if s <= m.index), default=0)
            before = [p for p in out if sentence <= p.index and p.age is None
                      and not p.possessor and not p.relation]
            if before:
                before[-1].age = m.age
                continue
        out.append(m)
    return out


def said_outright(found: list[Mention], toks: list[str]) -> None:
    """"En tjej i tvåan … Hon är 17": an age said outright of a pronoun of the same gender
    later on is truer than one read from a school year (a year of gymnasiet is no year of
    grundskolan), when no one else of that gender stands between; so is a birthday told
    next, of no one else ("tjej i trean på gymnasiet, fyller 18 i april": 17)."""
    for i, m in enumerate(found):
        if not m.by_grade or m.gender is None:
            continue
        for p in found[i + 1:]:
            if (p.age is not None and p.gender is None and p.group is None and not (
                    p.patient or p.grade or p.possessor)
                    and p.index > 0 and toks[p.index - 1] in TURNED):
                m.age, m.by_grade = p.age, False
                break
            if p.gender != m.gender or p.possessor:
                continue
            if p.word not in PRONOUNS:
                break  # another one of that gender: the age may be theirs
            if p.age is not None and not (p.by_grade or p.grade):
                m.age, m.by_grade = p.age, False
                break


def merge_said_groups(toks: list[str], found: list[Mention]) -> list[Mention]:
    """"hon är pensionär", "she is retired": a group said of a pronoun is its person's."""
    out: list[Mention] = []
    for m in found:
        prev = out[-1] if out else None
        if (prev is not None and m.gender is None and m.group and not m.relation
                and m.age is None and m.index - prev.index == 2 and prev.word in PRONOUNS
                and toks[m.index - 1] in COPULA and prev.group is None):
            prev.group = m.group
            continue
        out.append(m)
    return out


def merge_ages(toks: list[str], found: list[Mention], starts: Collection[int] = ()
                ) -> tuple[list[Mention], set[int]]:
    """"kvinna 34 år", "34-årig kvinna", "6-year-old boy": the age is the person's beside
    it, whatever little words stand between."""
    people = [m for m in found if (m.gender or m.group or m.patient) and not m.possessor]
    out: list[Mention] = []
    consumed: set[int] = set()
    for m in found:
        if m.gender is None and m.group is None and m.age is not None and not m.possessor \
                and not m.patient:
            near = [p for p in people if not owner_in(toks, p.index, m.index) and (
                abs(p.index - m.index) <= 2 or (m.grade and 0 < m.index - p.index <= 4) or (
                    abs(p.index - m.index) <= 4 and all(
                        toks[k] in AGE_WORDS or toks[k] in SKIPPABLE or toks[k].isdigit()
                        for k in range(min(p.index, m.index) + 1, max(p.index, m.index)))))]
            if m.grade:  # "tjejen går i nian": the school year is the one's before it
                near = [p for p in near if p.index < m.index]
            if m.index + 2 < len(toks) and toks[m.index + 1] in AGE_NOUNS and toks[
                    m.index + 2] in RELATIVE:
                near = []  # "80-åring som sonen misshandlar": a person of its own
            if m.index + 1 < len(toks) and toks[m.index + 1] in AGE_NOUNS and near and all(
                    p.couple or p.relation for p in near):
                near = []  # "… hos pappan: 7-åringen berättar": the child, not the father
            ahead = m.index + 1 < len(toks) and toks[m.index + 1] in ATTRIBUTIVE_AGE | {
                "year", "years", "y", "yo"} and not (m.index > 0 and toks[m.index - 1] in COPULA)
            said = m.index > 0 and toks[m.index - 1] in COPULA | TURNED  # "som är 19"
            if (m.index == 0 or m.index in starts or (said and not any(
                    p.index < m.index for p in near))) and not ahead and near and all(
                    p.couple or p.relation for p in near):
                near = []  # "19 år, pojkvännen slår henne", "just turned 18, bf hits her": an
                # age opening a sentence is the one the question is about, not the partner
                # or relative named after it
            if near:
                p = min(near, key=lambda p: (
                    (p.index < m.index) if ahead else (p.index > m.index) if said else 0,
                    abs(p.index - m.index), p.index > m.index))
                if p.age is None:
                    p.age, p.by_grade = m.age, m.grade
                consumed.add(m.index)
                continue
        out.append(m)
    return out, consumed
