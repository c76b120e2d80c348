"""What an answer says beside the route: the checklist for the asker with its sources, the
local agreement, the agreement's note for the topic and where cooperation problems go."""

import datetime as dt

import pytest

from directory.ask import parse_moment
from directory.guidance import known_asker

OFFICE = parse_moment("2026-11-24T10:15:00+01:00")


async def ask(service, question, asker=None, at=OFFICE):
    return (await service.ask(question, at, asker=asker)).to_json()


async def test_the_checklist_stays_strings_and_every_legal_line_cites_its_source(service):
    a = await ask(service, "orosanmälan Mora")
    assert all(isinstance(line, str) for line in a["checklist"])
    assert len(a["checklist"]) == len(a["checklist_items"])
    first = a["checklist_items"][0]
    assert first["sources"] == ["sol-anmalan"]
    assert a["checklist"][0].endswith("[SoL (2025:400)]")
    consent = next(line for line in a["checklist"] if "samtycke" in line)
    assert consent.endswith("[SoL (2025:400); 10 kap. 28 § OSL]")
    ids = [s["id"] for s in a["sources"]]
    assert ids[:2] == ["sol-anmalan", "osl-10-28"] and len(ids) == len(set(ids))
    for source in a["sources"]:
        dt.date.fromisoformat(source["checked"])
        assert source["citation"]


async def test_sources_of_the_route_are_listed_too(service):
    a = await ask(service, "polisanmälan Falun")
    police = next(s for s in a["route"] if s["role_id"] == "polisen-114-14")
    assert police["sources"] == ["osl-10-23", "osl-10-21", "osl-10-18c"]
    assert "lägst ett års fängelse" in police["instructions"]
    assert {"osl-10-23", "osl-10-21", "osl-10-18c"} <= {s["id"] for s in a["sources"]}
    line = next(x for x in a["checklist"] if "redan begånget brott" in x)
    assert "Vanlig misshandel räcker inte" in line and line.endswith("[10 kap. 23 § OSL]")


@pytest.mark.parametrize("asker, riskline, agencyline", [
    (None, "Socialtjänsten: Gör en strukturerad riskbedömning", True),
    ("socialtjanst", "Gör en strukturerad riskbedömning", False),
    ("vard", None, False),
    ("myndighet", None, True),
])
async def test_the_asker_decides_which_lines_are_shown(service, asker, riskline, agencyline):
    a = await ask(service, "våldsutsatt kvinna Falun", asker)
    assert a["asker"] == asker
    risk = [x for x in a["checklist"] if "riskbedömning" in x]
    assert (risk[0].startswith(riskline) if riskline else risk == [])
    assert any("Våga fråga om våld" in x for x in a["checklist"]) is agencyline
    assert any("kräver ingen polisanmälan" in x for x in a["checklist"])  # for everyone


async def test_children_at_a_shelter_get_their_own_decision(service):
    a = await ask(service, "skyddat boende Avesta")
    line = next(x for x in a["checklist"] if "följer med en förälder" in x)
    assert "eget beslut" in line and "orosanmälan" in line
    assert "lagen (2024:79)" in line


def test_unknown_askers_are_refused():
    assert known_asker(" Vard ") == "vard" and known_asker(None) is None
    with pytest.raises(ValueError, match="polisen"):
        known_asker("polisen")


async def test_a_local_path_names_its_agreement_and_flags_a_passed_review(service):
    a = await ask(service, "våldsutsatt kvinna Mora")
    assert a["local_path"] is True
    assert a["agreement"]["text"] == (
        "Enligt Moras lokala överenskommelse, 2025-03, granskas 2026-03")
    assert a["agreement"]["overdue"] is True and a["agreement"]["scope"] == "Mora"
    assert a["agreement"]["url"].endswith(".example/kvinnofrid/lokal-overenskommelse")
    early = await ask(service, "våldsutsatt kvinna Mora", at=parse_moment("2026-02-02T10:00"))
    assert early["agreement"]["overdue"] is False
    regional = await ask(service, "orosanmälan Mora")
    assert regional["local_path"] is False and regional["agreement"] is None


async def test_who_calls_to_a_sip_is_shown_with_the_sip_topic(service):
    mora = await ask(service, "SIP Mora")
    assert mora["understood"]["topic"] == "sip"
    assert mora["agreement_note"].startswith("I Mora kallar")
    gagnef = await ask(service, "SIP Gagnef")  # no local agreement: the regional rule
    assert gagnef["agreement_note"].startswith("Den som i kommunen eller regionen")
    other = await ask(service, "orosanmälan Mora")
    assert other["agreement_note"] is None


async def test_where_cooperation_problems_are_reported(service):
    mora = await ask(service, "orosanmälan Mora")
    assert "kvinnofridssamordnaren i Mora" in mora["deviations"]
    gagnef = await ask(service, "orosanmälan Gagnef")
    assert "Region Dalarnas kvalitets- och avvikelsesystem" in gagnef["deviations"]
