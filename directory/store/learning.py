"""Writes for what understanding learns from: labelled examples and the built topic model."""

from __future__ import annotations

import sqlite3

from directory.model import Example
from directory.store.writes import _all, _one, record
from directory.understand.model import TopicModel

Conn = sqlite3.Connection


def add_example(conn: Conn, example: Example, actor: str, at: str) -> bool:
    row = _one(conn, "SELECT COALESCE(MAX(position), 0) FROM examples WHERE source = ?",
               (example.source,))
    cur = conn.execute("INSERT OR IGNORE INTO examples(source, question, topic, position, "
                       "danger) VALUES (?, ?, ?, ?, ?)",
                       (example.source, example.question, example.topic, row[0] + 1,
                        int(example.danger)))
    if cur.rowcount:
        record(conn, "example", example.source, at, actor, "create", None,
               {"question": example.question, "topic": example.topic,
                "danger": example.danger})
    return bool(cur.rowcount)


def put_examples(conn: Conn, source: str, examples: list[Example], actor: str, action: str,
                 at: str) -> bool:
    """Replace one source's examples; a version only when something changed."""
    before = [[r["question"], r["topic"], *([True] if r["danger"] else [])] for r in _all(
        conn, "SELECT question, topic, danger FROM examples WHERE source = ? "
        "ORDER BY position", (source,))]
    after = [[e.question, e.topic, *([True] if e.danger else [])] for e in examples]
    if before == after:
        return False
    conn.execute("DELETE FROM examples WHERE source = ?", (source,))
    conn.executemany("INSERT OR IGNORE INTO examples(source, question, topic, position, danger) "
                     "VALUES (?, ?, ?, ?, ?)",
                     [(source, e.question, e.topic, i, int(e.danger))
                      for i, e in enumerate(examples)])
    record(conn, "examples", source, at, actor, action, before or None, after)
    return True


def put_model(conn: Conn, name: str, model: TopicModel, at: str) -> None:
    """The model is derived data: stored whole, without a version of its own."""
    conn.execute("INSERT INTO models(name, digest, built_at, body) VALUES (?, ?, ?, ?) "
                 "ON CONFLICT(name) DO UPDATE SET digest = excluded.digest, "
                 "built_at = excluded.built_at, body = excluded.body",
                 (name, model.digest, model.built_at, model.to_bytes()))
