import json
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from coding.models import Code, CodingScheme, GlobalScale, SummaryScore
from coding.schemes import SchemeError, validate_definition
from coding.services.schemes import scheme_load
from tests import factories

SHIPPED = Path(__file__).resolve().parents[2] / "coding" / "schemes" / "miti-4.2.1.json"


def minimal(**overrides):
    definition = {
        "slug": "tiny",
        "name": "Tiny",
        "dimensions": [
            {
                "slug": "b",
                "name": "B",
                "speaker": "practitioner",
                "multiple": True,
                "codes": [
                    {"abbreviation": "Q", "name": "Question", "key": "q"},
                    {"abbreviation": "R", "name": "Reflection", "key": "r"},
                ],
            }
        ],
        "globals": [{"slug": "emp", "name": "Empathy", "min": 1, "max": 5}],
        "summary_scores": [
            {
                "slug": "rq",
                "name": "R:Q",
                "type": "ratio",
                "numerator": ["R"],
                "denominator": ["Q"],
                "fair": 1,
                "good": 2,
            }
        ],
    }
    definition.update(overrides)
    return definition


@pytest.mark.django_db
def test_miti_421_exists_after_migrate_with_the_documented_names():
    scheme = CodingScheme.objects.get(slug="miti-4.2.1")
    assert list(Code.objects.filter(scheme=scheme).values_list("abbreviation", flat=True)) == [
        "GI",
        "Persuade",
        "Persuade with",
        "Q",
        "SR",
        "CR",
        "AF",
        "Seek",
        "Emphasize",
        "Confront",
    ]
    assert set(scheme.dimensions.values_list("slug", flat=True)) == {"behaviour"}
    assert list(GlobalScale.objects.filter(scheme=scheme).values_list("slug", flat=True)) == [
        "cct",
        "sst",
        "partnership",
        "empathy",
    ]
    assert list(SummaryScore.objects.filter(scheme=scheme).values_list("slug", flat=True)) == [
        "technical",
        "relational",
        "pct_cr",
        "r_q",
        "mia",
        "mina",
    ]
    thresholds = {s.slug: (s.fair, s.good) for s in scheme.summary_scores.all()}
    assert thresholds["relational"] == (3.5, 4)
    assert thresholds["technical"] == (3, 4)
    assert thresholds["pct_cr"] == (40, 50)
    assert thresholds["r_q"] == (1, 2)
    assert thresholds["mia"] == (None, None)


@pytest.mark.django_db
def test_every_miti_global_has_an_anchor_for_every_level():
    for scale in GlobalScale.objects.filter(scheme__slug="miti-4.2.1"):
        assert set(scale.anchors) == {"1", "2", "3", "4", "5"}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"dimensions": []}, "dimensions must be a non-empty list"),
        ({"slug": "has space"}, "may hold only"),
        ({"globals": [{"slug": "g", "name": "G", "min": 5, "max": 1}]}, "min < max"),
        (
            {"summary_scores": [{"slug": "s", "name": "S", "type": "sum", "of": ["NOPE"]}]},
            "unknown code 'NOPE'",
        ),
        (
            {"summary_scores": [{"slug": "s", "name": "S", "type": "median", "of": []}]},
            "type must be one of",
        ),
        (
            {"summary_scores": [{"slug": "s", "name": "S", "type": "mean", "of": ["nope"]}]},
            "unknown global",
        ),
    ],
)
def test_invalid_definitions_name_the_fault(change, message):
    with pytest.raises(SchemeError, match=message):
        validate_definition(minimal(**change))


def test_duplicate_codes_and_keys_are_refused():
    twice = minimal()
    twice["dimensions"][0]["codes"].append({"abbreviation": "q", "name": "Again"})
    with pytest.raises(SchemeError, match="appears twice"):
        validate_definition(twice)
    same_key = minimal()
    same_key["dimensions"][0]["codes"][1]["key"] = "q"
    with pytest.raises(SchemeError, match="used by two codes"):
        validate_definition(same_key)
    reserved = minimal()
    reserved["dimensions"][0]["codes"][1]["key"] = "j"
    with pytest.raises(SchemeError, match="reserved"):
        validate_definition(reserved)


@pytest.mark.django_db
def test_load_scheme_command_creates_then_updates(tmp_path):
    path = tmp_path / "tiny.json"
    path.write_text(json.dumps(minimal()))
    call_command("load_scheme", str(path))
    assert CodingScheme.objects.get(slug="tiny").codes.count() == 2
    grown = minimal()
    grown["dimensions"][0]["codes"].append({"abbreviation": "AF", "name": "Affirm", "key": "a"})
    path.write_text(json.dumps(grown))
    call_command("load_scheme", str(path))
    assert CodingScheme.objects.get(slug="tiny").codes.count() == 3


@pytest.mark.django_db
def test_a_scheme_in_use_may_gain_codes_but_not_lose_or_rename_them(agency, coder):
    scheme, _ = scheme_load(definition=minimal())
    transcript = factories.make_transcript(agency)
    factories.make_coding(transcript, coder, scheme=scheme)
    fewer = minimal(summary_scores=[])
    fewer["dimensions"][0]["codes"].pop()
    with pytest.raises(ValidationError, match="'R' is in use"):
        scheme_load(definition=fewer)
    renamed = minimal()
    renamed["dimensions"][0]["codes"][1]["name"] = "Mirror"
    with pytest.raises(ValidationError, match="cannot be renamed"):
        scheme_load(definition=renamed)
    assert set(scheme.codes.values_list("name", flat=True)) == {"Question", "Reflection"}
    grown = minimal()
    grown["dimensions"][0]["codes"].append({"abbreviation": "AF", "name": "Affirm"})
    scheme_load(definition=grown)
    assert scheme.codes.count() == 3


@pytest.mark.django_db
def test_load_scheme_command_reports_bad_json_with_its_line(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{\n  "slug": "x",\n  oops\n}')
    with pytest.raises(CommandError, match=r"broken.json: line 3"):
        call_command("load_scheme", str(path))
    assert not CodingScheme.objects.filter(slug="x").exists()


def test_shipped_miti_file_is_valid():
    definition = validate_definition(json.loads(SHIPPED.read_text()))
    assert definition["slug"] == "miti-4.2.1"


def _shipped_miti() -> dict:
    from coding.schemes import shipped_definitions

    return next(d for d in shipped_definitions() if d["slug"] == "miti-4.2.1")


@pytest.mark.django_db
def test_migrate_keeps_the_codes_load_scheme_added_to_a_shipped_scheme(agency, coder):
    extended = _shipped_miti()
    extended["dimensions"][0]["codes"].append({"abbreviation": "X1", "name": "Self-disclosure"})
    scheme, created = scheme_load(definition=extended)
    assert not created
    coding = factories.make_coding(factories.make_transcript(agency), coder, codes={1: ["X1"]})
    call_command("migrate", verbosity=0)
    assert scheme.codes.filter(abbreviation="X1").exists()
    assert coding.utterance_codes.get().code.abbreviation == "X1"
    assert scheme.codes.count() == 11


@pytest.mark.django_db
def test_migrate_adds_what_a_newer_shipped_file_has_and_rewrites_nothing():
    scheme = CodingScheme.objects.get(slug="miti-4.2.1")
    scheme.codes.get(abbreviation="Confront").delete()  # as if shipped before Confront existed
    question = scheme.codes.get(abbreviation="Q")
    question.description = "Our own wording."
    question.save()
    call_command("migrate", verbosity=0)
    assert scheme.codes.filter(abbreviation="Confront").exists()
    assert scheme.codes.get(abbreviation="Q").description == "Our own wording."


def test_definition_union_appends_only_what_is_missing():
    from coding.schemes import definition_union

    present = _shipped_miti()
    extra = json.loads(json.dumps(present))
    extra["dimensions"][0]["codes"][0]["name"] = "Renamed elsewhere"
    extra["dimensions"][0]["codes"].append({"abbreviation": "X1", "name": "New", "key": "q"})
    extra["globals"] = []
    union = definition_union(present, extra)
    codes = union["dimensions"][0]["codes"]
    assert codes[:-1] == present["dimensions"][0]["codes"]
    assert codes[-1] == {"abbreviation": "X1", "name": "New", "key": ""}  # q is Question's
    assert union["globals"] == present["globals"]
    assert definition_union(present, present) == present
