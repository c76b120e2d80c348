"""Legal sources: the registry, checklist lines that cite it, and the demo data's legal texts."""

import datetime as dt
import re

import pytest
import yaml

from bot.settings import PROJECT_ROOT
from directory.legal import cite, line_doc, parse_checklist, parse_sources, reads_as_legal
from directory.model import ChecklistLine, LegalSource, Topic

DATA = PROJECT_ROOT / "data"
DOC = PROJECT_ROOT / "docs" / "legal-sources.md"


class Collect:
    def __init__(self) -> None:
        self.reasons: list[str] = []

    def add(self, node, key, reason: str) -> None:
        self.reasons.append(reason)


def test_citation_is_section_and_short_name_or_the_act():
    osl = LegalSource("osl-10-23", "Offentlighets- och sekretesslag (2009:400)",
                      dt.date(2026, 11, 29), short="OSL", section="10 kap. 23 §")
    sol = LegalSource("sol-anmalan", "Socialtjänstlag (2025:400)", dt.date(2026, 11, 29),
                      short="SoL (2025:400)")
    bare = LegalSource("x", "Lag (2005:225) om rättsintyg i anledning av brott",
                       dt.date(2026, 11, 29))
    assert osl.citation == "10 kap. 23 § OSL"
    assert sol.citation == "SoL (2025:400)"
    assert bare.citation == bare.act
    sources = {s.id: s for s in (osl, sol)}
    assert cite(["sol-anmalan", "osl-10-23", "sol-anmalan", "unknown"], sources) == (
        "SoL (2025:400); 10 kap. 23 § OSL")


def test_bad_sources_are_reported_not_guessed():
    p = Collect()
    found = parse_sources({"sources": [
        {"id": "ok", "act": "Brottsbalk (1962:700)", "checked": "2026-11-29"},
        {"id": "Bad Id", "act": "x", "checked": "2026-11-29"},
        {"id": "no-date", "act": "x"},
        {"id": "ok", "act": "Brottsbalk (1962:700)", "checked": "2026-11-29"},
        "text",
    ]}, p)
    assert [s.id for s in found] == ["ok", "ok"]
    assert any("giltig id" in r for r in p.reasons)
    assert any("checked" in r for r in p.reasons)
    assert any("två gånger" in r for r in p.reasons)
    assert any("ett lagrum ska ha" in r for r in p.reasons)


def test_checklist_lines_round_trip_and_askers_are_checked():
    p = Collect()
    raw = ["Ring 112.", {"text": "Gör en riskbedömning.", "askers": ["socialtjanst"],
                         "sources": ["hslf-fs-2022-39"]},
           {"text": "Fel frågande.", "askers": ["polisen"]}, {"sources": ["x"]}]
    lines = parse_checklist(raw, {}, p)
    assert [line_doc(x) for x in lines[:2]] == raw[:2]
    assert any("polisen" in r for r in p.reasons) and any("en rad ska" in r for r in p.reasons)
    topic = Topic("t", "T", True, lines[:2])
    assert topic.checklist == ("Ring 112.", "Socialtjänsten: Gör en riskbedömning.")
    assert [x.text for x in topic.checklist_for("vard")] == ["Ring 112."]
    assert [x.text for x in topic.checklist_for("socialtjanst")] == [
        "Ring 112.", "Gör en riskbedömning."]
    assert Topic("t", "T", True, ("a", "b")).lines == (ChecklistLine("a"), ChecklistLine("b"))


@pytest.mark.parametrize("text, legal", [
    ("Sekretessen hindrar inte anmälan.", True),
    ("Vårdnadshavarnas samtycke behövs inte.", True),
    ("Ett rättsintyg beställs av polis.", True),
    ("Enligt 10 kap. 23 § OSL får uppgiften lämnas.", True),
    ("Rapportera enligt lex Sarah.", True),
    ("Ring jourhavande direkt och ha ditt nummer redo.", False),
    ("Koordinatorerna arbetar i hela Bergslagen.", False),
])
def test_what_reads_as_a_legal_statement(text, legal):
    assert reads_as_legal(text) is legal


# ---- the demo directory -------------------------------------------------------------------


def _texts() -> list[tuple[str, str, list]]:
    """(where, text, sources) for every checklist line, path why and role instructions."""
    out = []
    taxonomy = yaml.safe_load((DATA / "taxonomy.yaml").read_text(encoding="utf-8"))
    for t in taxonomy["topics"]:
        for line in t.get("checklist") or []:
            item = line if isinstance(line, dict) else {"text": line}
            out.append((f"taxonomy {t['slug']}", item["text"], item.get("sources") or []))
    for path in sorted((DATA / "paths").rglob("*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        for topic, steps in (doc.get("paths") or {}).items():
            for s in steps:
                out.append((f"{path.name} {topic}", s["why"], s.get("sources") or []))
    for path in sorted((DATA / "organisations").glob("*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        for r in doc["roles"]:
            out.append((r["id"], r.get("instructions") or "", r.get("sources") or []))
    return out


def _registry() -> dict[str, dict]:
    doc = yaml.safe_load((DATA / "sources.yaml").read_text(encoding="utf-8"))
    return {s["id"]: s for s in doc["sources"]}


def test_every_legal_statement_in_the_demo_names_a_known_source():
    registry = _registry()
    for where, text, sources in _texts():
        if reads_as_legal(text):
            assert sources, f"{where}: '{text}' names no source"
        for source_id in sources:
            assert source_id in registry, f"{where}: unknown source {source_id}"


OUTDATED = [
    (r"14 kap\.? 1 §", "SoL (2001:453) was replaced by 2025:400"),
    (r"2001:453", "the old socialtjänstlag"),
    (r"4 kap\.? 8 a", "barnfridsbrott is 4 kap. 3 § BrB"),
    (r"10 kap\.? 21[–-]23", "22 § is not what the text said"),
    (r"10 kap\.? 22 §", "not established"),
    (r"[Ee]rbjud rättsintyg", "only the police or a prosecutor orders a rättsintyg"),
    (r"utan samtycke bara vid akut fara", "no such basis; in acute danger 112 (18 c §)"),
    (r"minst ett års fängelse", "the rule is a minimum penalty of one year"),
    (r"ska polisanmälas", "for health care a crime against a child is a permission"),
]


def test_no_outdated_or_misstated_legal_reference_remains_in_the_texts():
    for where, text, _ in _texts():
        for pattern, why in OUTDATED:
            assert not re.search(pattern, text), f"{where}: {why}: {text}"


def test_every_source_is_checked_within_a_year_and_names_its_act():
    for source in _registry().values():
        checked = dt.date.fromisoformat(str(source["checked"]))
        assert checked <= dt.date.today() + dt.timedelta(days=1)
        assert re.search(r"\(\d{4}:\d+\)|\d{4}/\d{2}:\d+|HSLF-FS|[Öö]verenskommelse",
                         source["act"]), source["id"]


def test_the_review_document_lists_every_source_with_its_checked_date():
    text = DOC.read_text(encoding="utf-8")
    for source_id, source in _registry().items():
        row = next((line for line in text.splitlines() if f"`{source_id}`" in line), None)
        assert row is not None, f"docs/legal-sources.md lacks {source_id}"
        assert str(source["checked"]) in row, f"{source_id}: checked date differs"
