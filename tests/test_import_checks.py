"""Import checks across files: unknown legal sources are errors; unsourced legal text, plain
e-mail for reports and shelter addresses are warnings that do not stop the import."""

import pytest

from directory.importer import ImportFailed, import_path
from tests.conftest import DATA
from tests.test_importer import broken_copy


async def test_the_demo_directory_imports_without_warnings(service):
    warned = []
    await import_path(DATA, service.store, "test", warned=warned)
    assert warned == []


async def test_warnings_name_file_and_line_and_the_import_still_applies(service, tmp_path):
    root = broken_copy(tmp_path, {
        "organisations/mora-kommun.yaml": (
            "  - channel: web\n    value: https://mora.example/e-tjanst/orosanmalan",
            "  - channel: email\n    value: barnochunga@mora.example"),
        "organisations/kvinnojouren-falun.yaml": (
            "    kodord: Demo-lövsångare", "    address: Hemliga vägen 1, Falun"),
        "organisations/polisen.yaml": (
            "  sources:\n  - osl-10-23\n  - osl-10-21\n  - osl-10-18c\n", ""),
    })
    warned = []
    await import_path(root, service.store, "test", warned=warned)
    text = "\n".join(str(w) for w in warned)
    assert "organisations/mora-kommun.yaml:" in text and "vanlig e-post" in text
    assert "mora-socialtjanst-barn" in text
    assert "organisations/kvinnojouren-falun.yaml:" in text and "'address'" in text
    assert "polisen-114-14: instruktionerna" in text and "inget lagrum" in text
    assert len(warned) == 3
    role = await service.store.role("mora-socialtjanst-barn")
    assert any(c.channel == "email" for c in role.contacts)  # applied all the same


async def test_a_plain_email_on_a_role_that_takes_no_reports_is_fine(service, tmp_path):
    root = broken_copy(tmp_path, {})  # vuxen.mottagning@… is plain e-mail, not for reports
    warned = []
    await import_path(root, service.store, "test", warned=warned)
    assert not any("vuxen" in str(w) for w in warned)


async def test_an_unknown_source_is_an_error_with_its_file_and_line(service, tmp_path):
    root = broken_copy(tmp_path, {
        "taxonomy.yaml": ("    - osl-10-28\n", "    - osl-10-99\n"),
        "paths/regional.yaml": ("    - brb-4-3\n", "    - brb-4-8a\n"),
    })
    with pytest.raises(ImportFailed) as failed:
        await import_path(root, service.store, "test")
    text = [str(p) for p in failed.value.problems]
    assert any(t.startswith("paths/regional.yaml:") and "brb-4-8a" in t for t in text)
    assert any(t.startswith("taxonomy.yaml:") and "osl-10-99" in t for t in text)


async def test_a_source_still_cited_cannot_be_removed(service, tmp_path):
    sources = (DATA / "sources.yaml").read_text(encoding="utf-8")
    start = sources.index("- id: brb-4-3")
    end = sources.index("- id: brb-4-4c")
    path = tmp_path / "sources.yaml"
    path.write_text(sources[:start] + sources[end:], encoding="utf-8")
    with pytest.raises(ImportFailed):
        await import_path(tmp_path, service.store, "test")
