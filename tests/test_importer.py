"""Import is all or nothing; export -> import -> export is byte-identical."""

import shutil
from pathlib import Path

import pytest

from directory.exporter import export_files, export_to
from directory.importer import ImportFailed, import_path
from directory.service import DirectoryService
from tests.conftest import DATA


async def snapshot_tables(service):
    out = {}
    for table in ("organisations", "roles", "contact_points", "paths", "versions", "concepts",
                  "places", "protected_fields"):
        out[table] = [tuple(r) for r in await service.db.fetchall(f"SELECT * FROM {table}")]
    return out


async def test_bundled_demo_data_is_exactly_what_export_writes(service):
    files = await export_files(service.store)
    for rel, text in files.items():
        assert (DATA / rel).read_text(encoding="utf-8") == text, rel
    on_disk = {str(p.relative_to(DATA)) for p in DATA.rglob("*.yaml")}
    assert on_disk == set(files)


async def test_export_files_are_for_their_owner_only(service, tmp_path):
    """An export holds protected fields (shelters' addresses): mode 0600, even over an
    older, world-readable export."""
    target = tmp_path / "ut"
    (target / "organisations").mkdir(parents=True)
    old = target / "organisations" / "kvinnojouren-falun.yaml"
    old.write_text("gammal", encoding="utf-8")
    old.chmod(0o644)
    written = await export_to(service.store, target)
    assert old in written and len(written) > 30
    assert {p.stat().st_mode & 0o777 for p in written} == {0o600}
    assert (target / "paths").stat().st_mode & 0o777 == 0o700


async def test_export_import_export_is_identical(service, tmp_path):
    first = tmp_path / "one"
    await export_to(service.store, first)
    fresh = await DirectoryService.open(tmp_path / "fresh.db")
    try:
        await import_path(first, fresh.store, "test")
        assert await export_files(fresh.store) == await export_files(service.store)
    finally:
        await fresh.close()


def broken_copy(tmp_path: Path, edits: dict[str, tuple[str, str]]) -> Path:
    root = tmp_path / "in"
    shutil.copytree(DATA, root)
    for rel, (old, new) in edits.items():
        path = root / rel
        text = path.read_text(encoding="utf-8")
        assert old in text, (rel, old)
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return root


async def failed_import(service, root: Path) -> list[str]:
    """Import `root`, which must fail and change nothing; its problems as text."""
    before = await snapshot_tables(service)
    with pytest.raises(ImportFailed) as failed:
        await import_path(root, service.store, "test")
    assert await snapshot_tables(service) == before
    return [str(p) for p in failed.value.problems]


async def test_a_bad_import_lists_every_error_with_file_and_line_and_changes_nothing(
        service, tmp_path):
    root = broken_copy(tmp_path, {
        "organisations/mora-kommun.yaml": ("kind: socialtjanst-barn", "kind: socialtjanst-bra"),
        "organisations/falun-kommun.yaml": ("mon-fri: ", "mon-fry: "),
        "paths/regional.yaml": ("kind: socialjour", "kind: nattjour"),
    })
    (root / "organisations" / "trasig.yaml").write_text("id: trasig\nroles: [\n",
                                                         encoding="utf-8")
    # the good parts must not be applied either
    mora = root / "organisations" / "mora-kommun.yaml"
    mora.write_text(mora.read_text(encoding="utf-8").replace(
        "name: Mora kommun", "name: Mora kommun ÄNDRAD", 1), encoding="utf-8")
    before = await snapshot_tables(service)
    with pytest.raises(ImportFailed) as failed:
        await import_path(root, service.store, "test")
    problems = [str(p) for p in failed.value.problems]
    assert any(p.startswith("organisations/mora-kommun.yaml:") and "socialtjanst-bra" in p
               for p in problems)
    assert any(p.startswith("organisations/falun-kommun.yaml:") and "mon-fry" in p
               for p in problems)
    assert any(p.startswith("paths/regional.yaml:") and "nattjour" in p for p in problems)
    assert any(p.startswith("organisations/trasig.yaml:") and "YAML" in p for p in problems)
    assert all(p.line > 0 for p in failed.value.problems)
    assert await snapshot_tables(service) == before


async def test_import_of_garbage_bytes_is_an_error_not_a_crash(service, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_bytes(b"\xff\xfe\x00garbage")
    before = await snapshot_tables(service)
    with pytest.raises(ImportFailed) as failed:
        await import_path(bad, service.store, "test")
    assert "bad.yaml" in str(failed.value.problems[0])
    assert await snapshot_tables(service) == before


async def test_import_of_one_changed_file_versions_only_what_changed(service, tmp_path):
    root = broken_copy(tmp_path, {"organisations/orsa-kommun.yaml": (
        "instructions: ", "instructions: Ny instruktion. ")})
    changed = await import_path(root / "organisations" / "orsa-kommun.yaml", service.store,
                                "samordnare")
    assert changed["roles"] == 1 and changed["organisations"] == 0
    versions = await service.store.versions("role", limit=1)
    assert versions[0].actor == "samordnare" and versions[0].action == "import"
    assert "Ny instruktion" in versions[0].after["instructions"]


async def test_importing_does_not_count_as_verifying(service, tmp_path):
    role_before = await service.store.role("orsa-socialtjanst-barn")
    root = broken_copy(tmp_path, {"organisations/orsa-kommun.yaml": (
        "instructions: ", "instructions: Ändrad. ")})
    await import_path(root / "organisations" / "orsa-kommun.yaml", service.store, "x")
    role_after = await service.store.role("orsa-socialtjanst-barn")
    assert role_after.verified == role_before.verified


async def test_a_places_file_cannot_drop_municipalities_still_in_use(service, tmp_path):
    bad = tmp_path / "places.yaml"
    bad.write_text("municipalities:\n  - name: Mora\nlocalities: []\n", encoding="utf-8")
    before = await snapshot_tables(service)
    with pytest.raises(ImportFailed) as failed:
        await import_path(bad, service.store, "test")
    assert "Falun" in str(failed.value.problems[0]) and "saknas" in str(failed.value.problems[0])
    empty = tmp_path / "empty.yaml"
    empty.write_text("municipalities: []\n", encoding="utf-8")
    with pytest.raises(ImportFailed):
        await import_path(empty, service.store, "test")
    assert await snapshot_tables(service) == before


@pytest.mark.parametrize("text", ["municipalities: true\n", "localities: 5\n",
                                  "concepts: [1]\n", "concepts: {a: {sv: 3}}\n",
                                  "topics: 7\nkinds: []\n"])
async def test_wrongly_shaped_lexicon_and_taxonomy_files_are_errors(service, tmp_path, text):
    path = tmp_path / "odd.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ImportFailed) as failed:
        await import_path(path, service.store, "test")
    assert str(failed.value.problems[0]).startswith("odd.yaml:")


async def test_a_topics_ask_municipality_must_be_true_or_false(service, tmp_path):
    """Whether a topic's case always needs the municipality is data: a bad value names the
    file and line and changes nothing; a good one is stored and exported as written."""
    root = broken_copy(tmp_path, {"taxonomy.yaml": (
        "  ask_municipality: true\n", "  ask_municipality: ja\n")})
    problems = await failed_import(service, root)
    assert any(p.startswith("taxonomy.yaml:") and "ask_municipality" in p for p in problems)
    topics = {t.slug: t for t in await service.store.topics()}
    assert topics["barn-far-illa"].ask_municipality
    assert not topics["vuxen-valdsutsatt"].ask_municipality


async def test_a_steps_condition_of_two_tags_needs_both_known(service, tmp_path):
    """"for: barn-drabbat+skada" holds when both hold; an unknown part names the file, the
    line and the part, and changes nothing."""
    root = broken_copy(tmp_path, {"paths/regional.yaml": (
        "    - barn-drabbat+skada\n", "    - barn-drabbat+skadorna\n")})
    problems = await failed_import(service, root)
    assert any(p.startswith("paths/regional.yaml:") and "'skadorna'" in p for p in problems)


async def test_an_organisation_without_roles_in_an_unknown_municipality_names_its_file(
        service, tmp_path):
    path = tmp_path / "ny.yaml"
    path.write_text("id: ny\nname: Ny\ntype: ideell\nmunicipalities: [Narnia]\nroles: []\n",
                    encoding="utf-8")
    with pytest.raises(ImportFailed) as failed:
        await import_path(path, service.store, "test")
    assert str(failed.value.problems[0]).startswith("ny.yaml:4:")


@pytest.mark.parametrize("concept", ["ung", "barn", "vuxen", "aldre", "nu", "partner",
                                     "utovare", "arbetsplats"])
async def test_a_concept_the_code_reads_by_name_cannot_be_renamed_away(
        service, tmp_path, concept):
    """Renaming a concept the understanding reads by name (ages, the person, the asker's
    workplace, "nu") fails the import and names it, rather than silently switching off
    what reads it; nothing changes."""
    from directory.understand import REQUIRED_CONCEPTS

    assert concept in REQUIRED_CONCEPTS
    root = broken_copy(tmp_path, {
        "lexicon/topics.yaml": (f"\n  {concept}:\n", f"\n  {concept}-omdopt:\n")})
    problems = await failed_import(service, root)
    assert any(p.startswith("lexicon/topics.yaml:") and "saknar begrepp" in p
               and concept in [c.strip() for c in p.rpartition(":")[2].split(",")]
               for p in problems), problems


@pytest.mark.parametrize("concept", ["akut", "vald", "hot"])
async def test_a_concept_a_danger_rule_names_cannot_be_renamed_away(service, tmp_path, concept):
    """The danger rules are data: renaming a concept they name fails the import too."""
    root = broken_copy(tmp_path, {
        "lexicon/topics.yaml": (f"\n  {concept}:\n", f"\n  {concept}-omdopt:\n")})
    problems = await failed_import(service, root)
    assert any("akut fara" in p and concept in p for p in problems), problems


async def test_a_risk_markers_note_must_be_text(service, tmp_path):
    """A danger rule's `note` makes it a risk marker shown in the answer; a note that is no
    text is an import error naming the file and the line, and changes nothing."""
    root = broken_copy(tmp_path, {
        "lexicon/topics.yaml": ("  note: 'Strypvåld är", "  note: [1, 2]\n  x: 'Strypvåld är")})
    problems = await failed_import(service, root)
    assert any(p.startswith("lexicon/topics.yaml:") and "'note'" in p for p in problems), problems
