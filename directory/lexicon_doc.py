"""The lexicon's document forms, in one place: the files (data/lexicon/places.yaml and
topics.yaml, read by the importer and written by the exporter) and the stored form the
version history keeps.

The stored form (`stored_doc`) is not the files' form: it keeps every place in its stored
order and the phrases and signals of every topic, and it is what the topic model's digest
is made from (directory.training), so that a lexicon change rebuilds the model. It must
stay byte-identical: a different form would make every existing database's model look
stale and record a lexicon version that changes nothing.
"""

from __future__ import annotations

from typing import Any

from directory.documents import Problems
from directory.model import DangerRule, Lexicon, Place
from directory.understand import REQUIRED_CONCEPTS
from directory.yamlio import Problem

PLACES_FILE = "lexicon/places.yaml"
TOPICS_FILE = "lexicon/topics.yaml"


def parse_lexicon(places_src: tuple[Any, str] | None, topics_src: tuple[Any, str] | None,
                  current: Lexicon | None, p_all: list[Problem]) -> Lexicon | None:
    """The lexicon from its files, each (document, file name) or None when not imported
    (then the current one's part stays); every problem goes to `p_all`."""
    if places_src is None and topics_src is None:
        return None
    municipalities = list(current.municipalities) if current else []
    places = list(current.places) if current else []
    concepts = dict(current.concepts) if current else {}
    phrases = dict(current.phrases) if current else {}
    signals = dict(current.signals) if current else {}
    subjects = set(current.subjects) if current else set()
    danger = list(current.danger) if current else []
    if places_src:
        doc, name = places_src
        p = Problems(name)
        municipalities, places = [], []
        for key in ("municipalities", "localities"):
            if not isinstance(doc.get(key) or [], list):
                p.add(doc, key, f"'{key}' ska vara en lista")
                doc = {k: v for k, v in doc.items() if k != key}
        if not doc.get("municipalities"):
            p.add(doc, None, "orterna behöver en lista 'municipalities' med minst en kommun")
        for i, m in enumerate(doc.get("municipalities") or []):
            if not isinstance(m, dict) or not m.get("name"):
                p.add(doc["municipalities"], i, "en kommun behöver name")
                continue
            municipalities.append(str(m["name"]))
            if not isinstance(m.get("forms") or [], list):
                p.add(m, "forms", "'forms' ska vara en lista")
                continue
            for form in m.get("forms") or []:
                places.append(Place(str(form), str(m["name"]), "form"))
        for i, loc in enumerate(doc.get("localities") or []):
            if not isinstance(loc, dict) or not loc.get("name") or not loc.get("municipality"):
                p.add(doc["localities"], i, "en ort behöver name och municipality")
                continue
            if str(loc["municipality"]) not in municipalities:
                p.add(loc, "municipality", f"okänd kommun '{loc['municipality']}'")
                continue
            places.append(Place(str(loc["name"]), str(loc["municipality"]), "ort",
                                bool(loc.get("common_word", False))))
        p_all.extend(p.items)
    if topics_src:
        doc, name = topics_src
        p = Problems(name)
        concepts, phrases, signals, subjects, danger = {}, {}, {}, set(), []
        for key in ("concepts", "topics"):
            if not isinstance(doc.get(key) or {}, dict):
                p.add(doc, key, f"'{key}' ska vara en mappning")
                doc = {k: v for k, v in doc.items() if k != key}
        for concept, langs in (doc.get("concepts") or {}).items():
            if not isinstance(langs, dict):
                p.add(doc["concepts"], str(concept), "ett begrepp ska ha sv: och en: listor")
                continue
            if langs.get("subject"):
                subjects.add(str(concept))
            bad = [lang for lang in ("sv", "en") if not isinstance(langs.get(lang) or [], list)]
            if bad:
                p.add(langs, bad[0], f"'{bad[0]}' ska vara en lista med ord")
                continue
            concepts[str(concept)] = {lang: tuple(str(t) for t in (terms or []))
                                      for lang, terms in langs.items() if lang in ("sv", "en")}
        for topic, spec in (doc.get("topics") or {}).items():
            if not isinstance(spec, dict):
                p.add(doc["topics"], str(topic), "ett ämne ska ha phrases och signals")
                continue
            raw_phrases, raw_signals = spec.get("phrases") or {}, spec.get("signals") or {}
            if not isinstance(raw_phrases, dict) or not isinstance(raw_signals, dict) or any(
                    not isinstance(v or [], list) for v in raw_phrases.values()):
                p.add(spec, None, "phrases ska vara sv:/en:-listor och signals begrepp: vikt")
                continue
            phrases[str(topic)] = {str(lang): tuple(str(t) for t in (terms or []))
                                   for lang, terms in raw_phrases.items()}
            sig = {}
            for concept, weight in raw_signals.items():
                if not isinstance(weight, int | float) or isinstance(weight, bool):
                    p.add(spec["signals"], str(concept), "vikten ska vara ett tal")
                    continue
                if str(concept) not in concepts:
                    p.add(spec["signals"], str(concept), f"okänt begrepp '{concept}'")
                    continue
                sig[str(concept)] = float(weight)
            signals[str(topic)] = sig
        raw_danger = doc.get("danger") or []
        if not isinstance(raw_danger, list):
            p.add(doc, "danger", "'danger' ska vara en lista med regler (listor av begrepp)")
            raw_danger = []
        for i, rule in enumerate(raw_danger):
            names = rule.get("all") if isinstance(rule, dict) else None
            reach = rule.get("reach", 5) if isinstance(rule, dict) else None
            if not isinstance(names, list) or not names or not isinstance(reach, int) \
                    or isinstance(reach, bool) or not 1 <= reach <= 20:
                p.add(raw_danger, i, "en regel för akut fara är {all: [begrepp, ...], "
                      "reach: 1–20 ord}")
                continue
            unless = rule.get("unless") or []
            if not isinstance(unless, list):
                p.add(raw_danger, i, "'unless' ska vara en lista med begrepp")
                continue
            note = rule.get("note", "")
            if not isinstance(note, str) or len(note) > 400:
                p.add(raw_danger, i, "'note' ska vara en text (högst 400 tecken): en riskmarkör "
                      "som visas i svaret i stället för att 112 kommer först")
                continue
            unknown = [str(c) for c in [*names, *unless] if str(c) not in concepts]
            if unknown:
                p.add(raw_danger, i, f"okänt begrepp i regel för akut fara: {', '.join(unknown)}")
                continue
            danger.append(DangerRule(tuple(str(c) for c in names), reach,
                                     tuple(str(c) for c in unless), note.strip()))
        missing = [c for c in REQUIRED_CONCEPTS if c not in concepts]
        if missing:
            p.add(doc, "concepts", "lexikonet saknar begrepp som förståelsen bygger på: "
                  + ", ".join(missing))
        p_all.extend(p.items)
    return Lexicon(concepts, phrases, signals, tuple(municipalities), tuple(places),
                   frozenset(subjects), tuple(danger))


def file_docs(lex: Lexicon, topics: list[str]) -> dict[str, dict[str, Any]]:
    """The lexicon as its two files (relative path -> document), the way the importer reads
    them; `topics` are the taxonomy's topic slugs, in order."""
    forms: dict[str, list[str]] = {m: [] for m in lex.municipalities}
    localities: list[dict[str, Any]] = []
    for p in lex.places:
        if p.kind == "form":
            forms.setdefault(p.municipality, []).append(p.name)
        else:
            item: dict[str, Any] = {"name": p.name, "municipality": p.municipality}
            if p.common_word:
                item["common_word"] = True
            localities.append(item)
    places = {
        "municipalities": [{"name": m, "forms": forms.get(m, [])} for m in lex.municipalities],
        "localities": localities,
    }
    topic_docs: dict[str, dict[str, Any]] = {}
    for slug in topics:
        entry: dict[str, Any] = {}
        if lex.phrases.get(slug):
            entry["phrases"] = {lang: list(v) for lang, v in lex.phrases[slug].items()}
        if lex.signals.get(slug):
            entry["signals"] = dict(lex.signals[slug])
        if entry:
            topic_docs[slug] = entry
    topics_doc = {
        "concepts": {c: ({"subject": True} if c in lex.subjects else {})
                     | {lang: list(v) for lang, v in langs.items()}
                     for c, langs in lex.concepts.items()},
        "topics": topic_docs,
        "danger": [rule.doc() for rule in lex.danger],
    }
    return {PLACES_FILE: places, TOPICS_FILE: topics_doc}


def stored_doc(lex: Lexicon) -> dict[str, Any]:
    """The lexicon as the version history stores it and the topic model's digest reads it
    (byte-identical across versions: see the module's docstring)."""
    return {
        "concepts": {c: {lang: list(t) for lang, t in v.items()} for c, v in lex.concepts.items()},
        "phrases": {t: {lang: list(p) for lang, p in v.items()} for t, v in lex.phrases.items()},
        "signals": lex.signals,
        "municipalities": list(lex.municipalities),
        "places": [[p.name, p.municipality, p.kind, p.common_word] for p in lex.places],
        "subjects": sorted(lex.subjects),
        "danger": [rule.doc() for rule in lex.danger],
    }
