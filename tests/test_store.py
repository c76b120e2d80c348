"""History, restore and verification on a real SQLite file."""

import asyncio
import dataclasses
import datetime as dt
import time

from directory.db import Database, schema_version_expected
from directory.hours import STOCKHOLM
from directory.model import Bundle


async def test_migrations_set_wal_full_sync_foreign_keys(tmp_path):
    db = await Database.open(tmp_path / "x.db")
    try:
        assert (await db.fetchone("PRAGMA journal_mode"))[0] == "wal"
        assert (await db.fetchone("PRAGMA synchronous"))[0] == 2  # FULL
        assert (await db.fetchone("PRAGMA foreign_keys"))[0] == 1
        assert await db.schema_version() == schema_version_expected()
        assert await db.migrate() == []  # idempotent
    finally:
        await db.close()


async def test_every_save_is_a_version_and_can_be_restored(service):
    store = service.store
    role = await store.role("mora-socialtjanst-barn")
    edited = dataclasses.replace(role, instructions="Nytt: ring växeln först.")
    assert await store.save_role(edited, "samordnare-mora")
    history = await store.versions("role", "mora-socialtjanst-barn")
    latest = history[0]
    assert latest.actor == "samordnare-mora" and latest.action == "update"
    assert latest.before["instructions"] == role.instructions
    assert latest.after["instructions"] == "Nytt: ring växeln först."
    assert (await store.role(role.id)).instructions == "Nytt: ring växeln först."

    await store.restore(latest.id, "admin")  # restore the state *after* that version...
    original = next(v for v in history if v.action in ("create", "import"))
    await store.restore(original.id, "admin")  # ...and then the very first state
    assert (await store.role(role.id)).instructions == role.instructions
    newest = (await store.versions("role", role.id))[0]
    assert newest.action == "restore" and newest.actor == "admin"
    assert len(await store.versions("role", role.id)) == len(history) + 1


async def test_saving_does_not_verify_and_verifying_does_not_modify(service):
    store = service.store
    role = await store.role("orsa-socialtjanst-vuxen")
    fake = dataclasses.replace(role, name=role.name + " (ny)", verified=None)
    await store.save_role(fake, "samordnare")
    saved = await store.role(role.id)
    assert saved.verified == role.verified  # saving kept the old verification
    versions_before = len(await store.versions("role", role.id))
    await store.verify_role(role.id, "samordnare-orsa", dt.date(2026, 11, 23))
    verified = await store.role(role.id)
    assert verified.verified.at == dt.date(2026, 11, 23)
    assert verified.verified.by == "samordnare-orsa"
    assert all(c.verified.at == dt.date(2026, 11, 23) for c in verified.contacts)
    assert len(await store.versions("role", role.id)) == versions_before
    assert (await store.versions("verification", role.id))[0].actor == "samordnare-orsa"


async def test_nothing_is_hard_deleted_roles_are_deactivated(service):
    store = service.store
    role = await store.role("orsa-socialtjanst-vuxen")
    await store.save_role(dataclasses.replace(role, status="inaktiv"), "admin")
    assert (await store.role(role.id)).status == "inaktiv"
    d = await service.directory()
    assert role.id in d.roles  # still stored...
    assert all(r.id != role.id for r in d.by_kind_area.get((role.kind, "Orsa"), []))  # not routed


async def test_the_snapshot_follows_writes_role_edits_in_place(service):
    d1 = await service.directory()
    generation, matcher = d1.generation, await service.understander()
    role = await service.store.role("mora-socialtjanst-barn")
    moved = dataclasses.replace(role, name="Mottagningen Mora", status="inaktiv")
    await service.store.save_role(moved, "x")
    d2 = await service.directory()
    assert d2.generation > generation
    assert d2.roles[role.id].name == "Mottagningen Mora"
    assert all(r.id != role.id for r in d2.by_kind_area[("socialtjanst-barn", "Mora")])
    assert await service.understander() is matcher  # a name only: not waited for ...
    for _ in range(100):  # ... but rebuilt beside the answers
        if (newer := await service.understander()) is not matcher:
            break
        await asyncio.sleep(0.05)
    assert newer is not matcher
    matcher = newer
    await service.store.save_role(dataclasses.replace(moved, instructions="Ny text."), "x")
    assert await service.understander() is matcher  # nothing a question names: no rebuild
    await service.store.save_role(role, "x")
    d3 = await service.directory()
    assert [r.id for r in d3.by_kind_area[("socialtjanst-barn", "Mora")]] == [role.id]


async def test_an_edited_role_keeps_its_place_among_its_kind_as_a_fresh_load_has_it(service):
    """An answer lists three roles a step: an edit must not move a role to the end of its
    kind's list in the running server while a fresh load keeps it where it was."""
    from directory.refresh import load_directory

    d = await service.directory()
    key = max(d.by_kind_area, key=lambda k: len(d.by_kind_area[k]))
    before = [r.id for r in d.by_kind_area[key]]
    assert len(before) >= 3
    first = await service.store.role(before[0])
    await service.store.save_role(dataclasses.replace(first, name=first.name + " (ny)"), "x")
    running = [r.id for r in (await service.directory()).by_kind_area[key]]
    fresh = [r.id for r in (await load_directory(service.store)).by_kind_area[key]]
    assert running == fresh == before


async def test_a_path_or_lexicon_change_is_applied_in_place(service):
    from directory.model import ContactPath, Step
    from directory.routing import route

    d1 = await service.directory()
    matcher, version = await service.understander(), d1.route_version
    await service.store.save_path(ContactPath("sip", "Orsa", (Step("always", "Lokal SIP-väg.",
                                                             kind="socialtjanst-vuxen"),)), "x")
    d2 = await service.directory()
    assert d2 is d1 and ("sip", "Orsa") in d2.local_paths and d2.route_version > version
    assert route(d2, "sip", "Orsa", dt.datetime(2026, 11, 24, 10, tzinfo=STOCKHOLM)).local
    assert await service.understander() is matcher  # paths are not what it reads
    await service.store.add_terms("oro", "sv", ["snurrigt hemma"], "samordnare")
    assert await service.directory() is d1
    assert await service.understander() is not matcher
    assert "oro" in (await service.understander()).understand("snurrigt hemma").analysis.concepts
    assert service.cache.full_loads == 1  # the first load only


async def test_sources_agreements_organisations_and_the_model_in_place(service):
    d = await service.directory()
    org = d.organisations["mora-kommun"]
    await service.store.apply_bundle(Bundle(organisations=[(
        dataclasses.replace(org, name="Moras kommun"), [])]), "x")
    model = d.model
    await service.store.save_model(dataclasses.replace(model, built_at="2030-01-01T00:00:00"))
    assert await service.directory() is d
    assert d.organisations["mora-kommun"].name == "Moras kommun"
    assert d.model.built_at == "2030-01-01T00:00:00" and d.model is not model
    assert service.cache.full_loads == 1


async def test_a_renamed_one_role_organisation_is_found_by_its_new_name(service):
    """A one-role organisation's name names its unit (the names index): renaming the
    organisation must reach the matcher as renaming the role does."""
    d = await service.directory()
    org = d.organisations["kvinnojouren-siljan"]
    assert "kvinnojouren siljan" in d.unit_aliases()["kvinnojour-siljan"]
    version = d.alias_version
    await service.store.apply_bundle(Bundle(organisations=[(
        dataclasses.replace(org, name="Siljansbygdens kvinnojour"), [])]), "x")
    d = await service.directory()
    assert d.alias_version > version
    assert "siljansbygdens kvinnojour" in d.unit_aliases()["kvinnojour-siljan"]


async def test_an_import_of_many_roles_loads_again_beside_the_answers(service):
    cache = service.cache
    d1 = await service.directory()
    cache.role_batch, cache.RELOAD_WAIT = 1, 0.0  # two roles are "many"; no waiting
    for role_id in ("mora-socialtjanst-barn", "orsa-socialtjanst-barn"):
        role = await service.store.role(role_id)
        await service.store.save_role(dataclasses.replace(role, name=role.name + " (ny)"), "x")
    stale = await service.directory()
    assert stale is d1 and not stale.roles["orsa-socialtjanst-barn"].name.endswith(" (ny)")
    await cache.close()  # the load under way ends
    d2 = await service.directory()
    assert d2 is not d1 and d2.roles["orsa-socialtjanst-barn"].name.endswith(" (ny)")
    assert cache.full_loads == 2


async def test_a_write_by_another_process_is_seen_within_a_second(service, demo_db):
    from directory.service import DirectoryService

    d = await service.directory()
    other = await DirectoryService.open(demo_db)
    try:
        role = await other.store.role("mora-socialtjanst-barn")
        await other.store.save_role(dataclasses.replace(role, name="Annan process"), "x")
    finally:
        await other.close()
    deadline = time.monotonic() + service.cache.OTHER_WRITERS_EVERY + 0.5
    while (await service.directory()).roles[role.id].name != "Annan process":
        assert time.monotonic() < deadline
        await asyncio.sleep(0.05)
    assert await service.directory() is d


async def test_a_database_from_a_newer_version_is_refused(tmp_path):
    import aiosqlite
    import pytest

    from directory.db import SchemaTooNew

    path = tmp_path / "new.db"
    async with aiosqlite.connect(path) as conn:
        await conn.execute(f"PRAGMA user_version = {schema_version_expected() + 1}")
    with pytest.raises(SchemaTooNew, match="uppgradera"):
        await Database.open(path)


async def test_migration_4_keeps_local_agreement_titles(tmp_path):
    """A database from before 0004 keeps its agreements' titles and its roles."""
    import sqlite3

    from directory.db import _statements, migrations

    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)
    for number, _name, sql in migrations():
        if number < 4:
            for statement in _statements(sql):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version={number}")
    conn.execute("INSERT INTO local_agreements(municipality, agreement) VALUES "
                 "('Orsa', 'Lokal överenskommelse Orsa 2024'), ('Vansbro', NULL)")
    conn.commit()
    conn.close()
    db = await Database.open(path)
    try:
        from directory.store import Store

        agreements = await Store(db).agreements()
        assert list(agreements) == ["Orsa"]
        assert agreements["Orsa"].title == "Lokal överenskommelse Orsa 2024"
        assert agreements["Orsa"].review is None
        assert await db.fetchone("SELECT name FROM sqlite_master WHERE name = "
                                 "'local_agreements'") is None
    finally:
        await db.close()


async def test_a_new_database_is_for_its_owner_only(tmp_path):
    """It holds protected fields, password hashes and sessions: 0600 like an export or a
    backup, whatever the umask (the systemd unit sets 0077; `uv run` in a shell does not)."""
    import os

    old = os.umask(0o022)
    try:
        db = await Database.open(tmp_path / "ny.db")
        try:
            await db.fetchone("SELECT 1")
            made = [p for p in tmp_path.iterdir() if p.name.startswith("ny.db")]
            assert {p.name for p in made} >= {"ny.db", "ny.db-wal"}
            assert {p.stat().st_mode & 0o777 for p in made} == {0o600}
        finally:
            await db.close()
    finally:
        os.umask(old)


async def test_writes_that_cannot_change_the_directory_do_not_make_the_snapshot_look_again(
        service):
    """An unanswered question (kept on every off-topic ask) must not send every answer to
    the database to see what changed; a role's edit must."""
    db = service.db
    before = db.local_commits
    await service.reports.record_unanswered("hur bokar jag en parkeringsplats")
    assert db.local_commits == before
    role = next(iter((await service.directory()).roles.values()))
    await service.verify(role.id, "test", dt.date(2026, 11, 24), "webb")
    assert db.local_commits == before + 1
