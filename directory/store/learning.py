"""Writes for what understanding learns from: labelled examples and the built topic model."""

from __future__ import annotations

import sqlite3

from directory.model import Example
from directory.store.writes import _all, _one, record
from directory.understand.model import TopicModel

Conn = sqlite3.Connection


COLUMNS = "source, question, topic, position, danger, gender, person_group"


def _row(e: Example, position: int) -> tuple[object, ...]:
    return (e.source, e.question, e.topic, position, int(e.danger), e.gender, e.group)


def _doc(e: Example) -> list[object]:
    """An example as its history keeps it: question, topic and what else it says."""
    labels = e.labels()
    return [e.question, e.topic, *([labels] if labels else [])]


def add_example(conn: Conn, example: Example, actor: str, at: str) -> bool:
    row = _one(conn, "SELECT COALESCE(MAX(position), 0) FROM examples WHERE source = ?",
               (example.source,))
    cur = conn.execute(f"INSERT OR IGNORE INTO examples({COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)",
                       _row(example, row[0] + 1))
    if cur.rowcount:
        record(conn, "example", example.source, at, actor, "create", None,
               {"question": example.question, "topic": example.topic} | example.labels())
    return bool(cur.rowcount)


def put_examples(conn: Conn, source: str, examples: list[Example], actor: str, action: str,
                 at: str) -> bool:
    """Replace one source's examples; a version only when something changed."""
    before = [_doc(Example(r["question"], r["topic"], source, bool(r["danger"]), r["gender"],
                           r["person_group"])) for r in _all(
        conn, "SELECT * FROM examples WHERE source = ? ORDER BY position", (source,))]
    after = [_doc(e) for e in examples]
    if before == after:
        return False
    conn.execute("DELETE FROM examples WHERE source = ?", (source,))
    conn.executemany(f"INSERT OR IGNORE INTO examples({COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)",
                     [_row(e, i) for i, e in enumerate(examples)])
    record(conn, "examples", source, at, actor, action, before or None, after)
    return True


def put_model(conn: Conn, name: str, model: TopicModel, at: str) -> None:
    """The model is derived data: stored whole, without a version of its own."""
    conn.execute("INSERT INTO models(name, digest, built_at, body) VALUES (?, ?, ?, ?) "
                 "ON CONFLICT(name) DO UPDATE SET digest = excluded.digest, "
                 "built_at = excluded.built_at, body = excluded.body",
                 (name, model.digest, model.built_at, model.to_bytes()))
