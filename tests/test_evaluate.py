"""The evaluation harness reads labelled question files as their writers mean them."""

from __future__ import annotations

from pathlib import Path

from directory.evaluate import figures, judge, load_cases

SET = """\
times:
  office: "2027-03-02T10:00:00+01:00"
questions:
  - {q: "numret till socialjouren", at: office, municipality: null, first: [socialjour]}
  - {q: "skrivaren på avdelningen krånglar", at: office, topic: null}
  - {q: "något känns fel hemma hos en familj", at: office, topic: null, clarify: topic}
"""


def answer(topic, kinds, clarify=None):
    return {"understood": {"topic": topic, "municipality": None, "person": {}},
            "route": [{"kind": k} for k in kinds],
            "clarify": {"field": clarify} if clarify else None}


def cases(tmp_path: Path):
    path = tmp_path / "set.yaml"
    path.write_text(SET, encoding="utf-8")
    return load_cases(path)


def test_a_unit_asked_for_by_name_with_no_topic_line_is_judged_by_its_route(tmp_path):
    named = cases(tmp_path)[0]
    assert not named.topic_given and not named.off_topic
    right = judge(named, answer("barn-far-illa", ["socialjour", "polis"]))
    assert right.route_ok and right.topic_ok and not right.problems
    assert not judge(named, answer("barn-far-illa", ["socialtjanst-barn"])).route_ok
    assert not judge(named, answer(None, [])).route_ok  # nothing given is no answer


def test_off_topic_counts_neither_units_by_name_nor_clarifications(tmp_path):
    named, printer, vague = cases(tmp_path)
    assert printer.off_topic and not vague.off_topic
    results = [judge(named, answer("vuxen-valdsutsatt", ["socialjour"])),
               judge(printer, answer(None, [])),
               # a topic clarification may carry a guess at the topic: still no answer
               judge(vague, answer("barn-far-illa", [], clarify="topic"))]
    out = figures(results)
    assert "frågor utanför katalogen som ändå besvarades: 0 av 1" in out
    assert "motfrågor som behövdes och ställdes: 1 av 1" in out
    assert "route[0] rätt, frågor med ämne och utan motfråga: 100.0 % (1/1)" in out
