"""An in-memory, read-only view of the directory with the indexes routing needs.

Questions are answered from a snapshot so that an answer costs dictionary lookups, not
queries; the snapshot is rebuilt when the store's generation counter moves.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from directory.model import Kind, Lexicon, Organisation, Path, Role, Topic
from directory.store import Store


@dataclass
class Directory:
    generation: int
    topics: dict[str, Topic]
    kinds: dict[str, Kind]
    municipalities: tuple[str, ...]
    organisations: dict[str, Organisation]
    roles: dict[str, Role]
    areas: dict[str, frozenset[str]]
    regional_paths: dict[str, Path]
    local_paths: dict[tuple[str, str], Path]
    lexicon: Lexicon
    by_kind_area: dict[tuple[str, str], list[Role]] = field(default_factory=dict)
    everywhere: dict[str, list[Role]] = field(default_factory=dict)
    kinds_in_use: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        everyone = frozenset(self.municipalities)
        for role in self.roles.values():
            if role.status == "inaktiv":
                continue
            self.kinds_in_use.add(role.kind)
            area = self.areas.get(role.id, frozenset())
            for m in area:
                self.by_kind_area.setdefault((role.kind, m), []).append(role)
            if everyone and area >= everyone:
                self.everywhere.setdefault(role.kind, []).append(role)

    def path_for(self, topic: str, municipality: str | None) -> Path | None:
        if municipality is not None:
            local = self.local_paths.get((topic, municipality))
            if local is not None:
                return local
        return self.regional_paths.get(topic)

    def is_demo(self, role: Role) -> bool:
        org = self.organisations.get(role.org_id)
        return bool(org and org.demo)


async def load_directory(store: Store) -> Directory:
    generation = await store.generation()
    paths = await store.paths()
    areas = await store.role_areas()
    return Directory(
        generation=generation,
        topics={t.slug: t for t in await store.topics()},
        kinds={k.slug: k for k in await store.kinds()},
        municipalities=tuple(await store.municipalities()),
        organisations={o.id: o for o in await store.organisations()},
        roles={r.id: r for r in await store.roles()},
        areas={k: frozenset(v) for k, v in areas.items()},
        regional_paths={p.topic: p for p in paths if p.municipality is None},
        local_paths={(p.topic, p.municipality): p for p in paths if p.municipality},
        lexicon=await store.lexicon(),
    )


class DirectoryCache:
    """Keeps one snapshot and reloads it only when something was written."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._current: Directory | None = None

    async def get(self) -> Directory:
        generation = await self.store.generation()
        if self._current is None or self._current.generation != generation:
            self._current = await load_directory(self.store)
        return self._current
