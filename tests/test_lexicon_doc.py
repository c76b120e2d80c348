"""The lexicon's document forms live in directory/lexicon_doc.py: the files (read by the
importer, written by the exporter) and the stored form the version history keeps and the
topic model's digest reads. The stored form must not change shape: every existing
database's model would look stale and a lexicon version that changes nothing be recorded."""

from __future__ import annotations

import json

from directory.exporter import HEADER, export_files
from directory.lexicon_doc import PLACES_FILE, TOPICS_FILE, file_docs, parse_lexicon, stored_doc
from directory.yamlio import dump


async def test_the_stored_form_is_what_the_history_holds_and_the_digest_reads(service):
    lexicon = (await service.directory()).lexicon
    row = await service.db.fetchone(
        "SELECT after FROM versions WHERE entity = 'lexicon' ORDER BY id DESC LIMIT 1")
    stored = json.loads(row[0])
    assert stored == stored_doc(lexicon)
    assert set(stored) == {"concepts", "phrases", "signals", "municipalities", "places",
                           "subjects", "danger"}
    assert all(isinstance(p, list) and len(p) == 4 for p in stored["places"])
    assert await service.model_is_current()


async def test_the_files_are_written_and_read_by_the_same_module(service):
    lexicon = (await service.directory()).lexicon
    topics = [t.slug for t in await service.store.topics()]
    files = await export_files(service.store)
    docs = file_docs(lexicon, topics)
    assert set(docs) == {PLACES_FILE, TOPICS_FILE}
    for name, doc in docs.items():
        assert files[name] == HEADER + dump(doc)
    problems: list = []
    again = parse_lexicon((docs[PLACES_FILE], PLACES_FILE), (docs[TOPICS_FILE], TOPICS_FILE),
                          None, problems)
    assert not problems and again is not None
    assert stored_doc(again) == stored_doc(lexicon)  # a re-import records no new version
