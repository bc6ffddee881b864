"""The three schemes that ship with the project, as present after migrate."""

import json
from pathlib import Path

import pytest

from coding.models import Code, CodingScheme, GlobalScale, SummaryScore
from coding.schemes import RESERVED_KEYS, validate_definition

SCHEMES = Path(__file__).resolve().parents[2] / "coding" / "shipped_schemes"

pytestmark = pytest.mark.django_db


def _codes(slug):
    return list(Code.objects.filter(scheme__slug=slug).values_list("abbreviation", flat=True))


@pytest.mark.parametrize("name", ["miti-4.2.1.json", "miti-3.1.1.json", "misc-2.5.json"])
def test_every_shipped_file_is_valid_and_fully_described(name):
    definition = validate_definition(json.loads((SCHEMES / name).read_text()))
    for dimension in definition["dimensions"]:
        for code in dimension["codes"]:
            assert code["description"], code["abbreviation"]
            assert code["key"] and code["key"] not in RESERVED_KEYS, code["abbreviation"]
    for scale in definition["globals"]:
        levels = {str(level) for level in range(scale["min"], scale["max"] + 1)}
        assert set(scale["anchors"]) == levels, scale["slug"]
        assert scale["description"]


def test_miti_311_has_its_codes_globals_and_proficiency_thresholds():
    assert _codes("miti-3.1.1") == [
        "GI", "OQ", "CQ", "SR", "CR", "ADP", "AF", "EC", "SU", "ADW", "CO", "DI", "RCW", "WA",
    ]  # fmt: skip
    scheme = CodingScheme.objects.get(slug="miti-3.1.1")
    assert list(GlobalScale.objects.filter(scheme=scheme).values_list("slug", flat=True)) == [
        "evocation", "collaboration", "autonomy", "direction", "empathy",
    ]  # fmt: skip
    fair = dict(SummaryScore.objects.filter(scheme=scheme).values_list("slug", "fair"))
    assert fair["spirit"] == 3.5
    assert fair["globals_mean"] == 3.5
    assert fair["r_q"] == 1
    assert fair["pct_oq"] == 50
    assert fair["pct_cr"] == 40
    assert fair["pct_mia"] == 90
    spirit = SummaryScore.objects.get(scheme=scheme, slug="spirit")
    assert spirit.definition == {"of": ["evocation", "collaboration", "autonomy"]}
    pct_mia = SummaryScore.objects.get(scheme=scheme, slug="pct_mia")
    assert pct_mia.definition["numerator"] == ["ADP", "AF", "EC", "SU"]
    assert sorted(pct_mia.definition["denominator"]) == sorted(
        ["ADP", "AF", "EC", "SU", "ADW", "CO", "DI", "RCW", "WA"]
    )
    groups = dict(Code.objects.filter(scheme=scheme).values_list("abbreviation", "group"))
    assert {a for a, g in groups.items() if g == "MI-adherent"} == {"ADP", "AF", "EC", "SU"}
    assert {a for a, g in groups.items() if g == "MI non-adherent"} == {
        "ADW", "CO", "DI", "RCW", "WA",
    }  # fmt: skip


def test_misc_25_codes_each_speaker_with_exactly_one_code():
    scheme = CodingScheme.objects.get(slug="misc-2.5")
    dimensions = {d.slug: d for d in scheme.dimensions.all()}
    assert set(dimensions) == {"practitioner", "client"}
    assert dimensions["practitioner"].speaker == "practitioner"
    assert dimensions["client"].speaker == "client"
    assert not dimensions["practitioner"].multiple
    assert not dimensions["client"].multiple
    client_codes = list(
        Code.objects.filter(dimension=dimensions["client"]).values_list("abbreviation", flat=True)
    )
    kinds = ["R", "D", "A", "N", "C", "TS", "O"]
    assert client_codes == [f"{k}+" for k in kinds] + [f"{k}-" for k in kinds] + ["FN"]


def test_miti_421_keys_stay_as_documented():
    keys = dict(Code.objects.filter(scheme__slug="miti-4.2.1").values_list("abbreviation", "key"))
    assert keys == {
        "GI": "g", "Persuade": "p", "Persuade with": "w", "Q": "q", "SR": "s", "CR": "c",
        "AF": "a", "Seek": "e", "Emphasize": "m", "Confront": "x",
    }  # fmt: skip
