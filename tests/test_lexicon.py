"""The lexicon and the examples teach concepts, not one evaluation question's wording.

A phrase of four or more words that fits exactly one question fits no other: the issue
found 95 such phrases copied from learnt question sets. These tests fail when a lexicon
term or an example is copied from a question that measures the understanding (the public
set beside the project, and the sealed set in tests/eval/).
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest
import yaml

from bot.settings import PROJECT_ROOT

DATA = PROJECT_ROOT / "data"
SEALED = PROJECT_ROOT / "tests" / "eval" / "sealed_questions.yaml"
PUBLIC_QUESTIONS = PROJECT_ROOT / "tests" / "fixtures" / "public_questions.yaml"
LONG = 4  # words in a lexicon term that count as a phrase
RUN = 8  # consecutive words an example may not share with an evaluation question


def _words(text: str) -> list[str]:
    return re.findall(r"[^\W_]+", unicodedata.normalize("NFC", text).casefold())


def _padded(text: str) -> str:
    return " " + " ".join(_words(text)) + " "


def _questions(path: Path) -> list[str]:
    return [q["q"] for q in yaml.safe_load(path.read_text(encoding="utf-8"))["questions"]]


@pytest.fixture(scope="module")
def evaluation() -> list[str]:
    paths = [SEALED, PUBLIC_QUESTIONS]  # the public set vendored: it is there in any clone
    return [q for p in paths for q in _questions(p)]


@pytest.fixture(scope="module")
def examples() -> list[str]:
    return [e["q"] for f in sorted((DATA / "examples").glob("*.yaml"))
            for e in yaml.safe_load(f.read_text(encoding="utf-8"))["examples"]]


def _terms() -> list[str]:
    lex = yaml.safe_load((DATA / "lexicon" / "topics.yaml").read_text(encoding="utf-8"))
    terms = [t for c in lex["concepts"].values() for lang in ("sv", "en")
             for t in c.get(lang) or []]
    terms += [p for t in lex["topics"].values() for ps in (t.get("phrases") or {}).values()
              for p in ps]
    return [t.lstrip("=") for t in terms]


def test_the_sealed_set_is_there(evaluation):
    assert SEALED.exists() and len(_questions(SEALED)) >= 200


def copied_phrases(terms: list[str], evaluation: list[str], examples: list[str]) -> list[str]:
    """Terms of four or more words found in an evaluation question and in fewer than three
    questions in all: the wording of one question, not a concept."""
    asked = [_padded(q) for q in evaluation]
    everywhere = asked + [_padded(q) for q in examples]
    copied = []
    for term in terms:
        words = _words(term)
        if len(words) < LONG:
            continue
        key = " " + " ".join(words) + " "
        if any(key in q for q in asked) and sum(key in q for q in everywhere) < 3:
            copied.append(term)
    return copied


def test_no_lexicon_phrase_fits_only_an_evaluation_question(evaluation, examples):
    copied = copied_phrases(_terms(), evaluation, examples)
    assert not copied, f"lexicon phrases that fit one evaluation question: {copied}"


def test_no_example_is_copied_from_an_evaluation_question(evaluation, examples):
    asked = {" ".join(_words(q)) for q in evaluation}
    runs = {tuple(w[i:i + RUN]) for q in evaluation for w in [_words(q)]
            for i in range(len(w) - RUN + 1)}
    same = [q for q in examples if " ".join(_words(q)) in asked]
    shared = [q for q in examples for w in [_words(q)]
              if any(tuple(w[i:i + RUN]) in runs for i in range(len(w) - RUN + 1))]
    assert not same, f"examples that are evaluation questions: {same[:5]}"
    assert not shared, f"examples sharing {RUN} words in a row with one: {shared[:5]}"


def test_the_check_catches_a_copied_phrase(evaluation, examples):
    """The check can fail: five words taken from the longest sealed question are caught,
    a term of art found in many questions is not."""
    question = max(evaluation, key=lambda q: len(_words(q)))
    phrase = " ".join(_words(question)[3:8])
    found = copied_phrases([phrase, "våld i nära relation"], evaluation, examples)
    assert found == [phrase]
