"""History, restore and verification on a real SQLite file."""

import dataclasses
import datetime as dt

from directory.db import Database, schema_version_expected


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
    assert await service.understander() is matcher  # no lexicon change, no rebuild
    await service.store.save_role(role, "x")
    d3 = await service.directory()
    assert [r.id for r in d3.by_kind_area[("socialtjanst-barn", "Mora")]] == [role.id]


async def test_a_path_or_lexicon_change_reloads_everything(service):
    from directory.model import Path, Step

    d1 = await service.directory()
    matcher = await service.understander()
    await service.store.save_path(Path("sip", "Orsa", (Step("always", "Lokal SIP-väg.",
                                                             kind="socialtjanst-vuxen"),)), "x")
    d2 = await service.directory()
    assert d2 is not d1 and ("sip", "Orsa") in d2.local_paths
    await service.store.add_terms("oro", "sv", ["snurrigt hemma"], "samordnare")
    assert await service.understander() is not matcher
    assert "oro" in (await service.understander()).understand("snurrigt hemma").analysis.concepts


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
