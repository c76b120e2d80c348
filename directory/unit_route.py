"""A unit of many needs asked for by name and nothing more ("soc i Orsa?", "socialtjänsten
Mora, nummer?"). The contract puts a unit asked for by name first, so the answer lists each
kind the name stands for that serves the municipality (children's and adults' social
services, in the taxonomy's order) and, when none of them is open, what is open now for the
same need right after the first: the first open step of the first kind's own topic (after
hours, the social services' duty).
"""

from __future__ import annotations

import datetime as dt

from directory.model import NamedUnit
from directory.routing import NAMED_WHY, RouteStep, build_step, of_kind, route
from directory.snapshot import Directory


def family_kinds(d: Directory, named: list[NamedUnit]) -> list[str]:
    """The kinds a name of a family stands for ("soc": socialtjanst-barn and -vuxen); none
    when a real kind or one role is named."""
    out: list[str] = []
    for unit in named:
        if unit.role is None and unit.kind not in d.kinds:
            out += [k for k in d.kinds if of_kind(k, unit.kind) and k not in out]
    return out


def units_route(d: Directory, kinds: list[str], municipality: str,
                at: dt.datetime) -> list[RouteStep]:
    """The nearest unit of each kind serving the municipality, and when none is open, the
    first open step of the first kind's topic right after the first unit."""
    steps = [build_step(d, roles[0], NAMED_WHY, at)
             for kind in kinds if (roles := d.nearest(kind, municipality))]
    topic = d.kinds[kinds[0]].topic if kinds else None
    if steps and not any(s.open_now for s in steps) and topic in d.topics:
        shown = {s.role.id for s in steps}
        stand_in = next((s for s in route(d, topic, municipality, at).steps
                         if s.open_now and s.role.id not in shown), None)
        if stand_in is not None:
            steps.insert(1, stand_in)
    return steps
