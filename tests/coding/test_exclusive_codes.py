"""Codes that exclude each other inside a multi-code dimension (one reflection per volley in
MITI 4.2.1: SR or CR; one of Persuade and Persuade with), declared as data in the scheme."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from coding.definitions import scheme_definitions
from coding.models import CodingScheme, Dimension, UtteranceCode
from coding.schemes import SchemeError, definition_union, shipped_definitions, validate_definition
from coding.services.codes import utterance_code_put, utterance_code_set, utterance_codes_add
from coding.services.schemes import scheme_load
from tests import factories

pytestmark = pytest.mark.django_db


def _shipped(slug):
    return next(d for d in shipped_definitions() if d["slug"] == slug)


def _sets(slug):
    return CodingScheme.objects.get(slug=slug).dimensions.get(slug="behaviour").exclusive


def test_shipped_miti_421_declares_one_reflection_and_one_persuade_per_utterance():
    assert _sets("miti-4.2.1") == [["SR", "CR"], ["Persuade", "Persuade with"]]


def test_shipped_miti_311_declares_its_pairs_of_the_same_kind():
    # MITI 3.1.1 codes a question as open or closed, a reflection as simple or complex and
    # advice as with or without permission: one of each pair per utterance.
    assert _sets("miti-3.1.1") == [["OQ", "CQ"], ["SR", "CR"], ["ADP", "ADW"]]


def test_misc_needs_no_sets_because_each_utterance_takes_one_code():
    misc = CodingScheme.objects.get(slug="misc-2.5")
    assert not any(dimension.exclusive for dimension in misc.dimensions.all())
    assert not misc.dimensions.filter(multiple=True).exists()


def _tiny(exclusive, multiple=True):
    return {
        "slug": "tiny",
        "name": "Tiny",
        "dimensions": [
            {
                "slug": "b",
                "name": "B",
                "multiple": multiple,
                "exclusive": exclusive,
                "codes": [
                    {"abbreviation": "Q", "name": "Question"},
                    {"abbreviation": "SR", "name": "Simple"},
                    {"abbreviation": "CR", "name": "Complex"},
                ],
            }
        ],
    }


@pytest.mark.parametrize(
    ("exclusive", "multiple", "message"),
    [
        ([["SR", "XR"]], True, r"dimensions\[0\]\.exclusive\[0\] names 'XR', which is not a code"),
        ([["SR"]], True, r"exclusive\[0\] must list at least two code abbreviations"),
        ("SR,CR", True, r"exclusive must be a list of lists"),
        ([["SR", "SR"]], True, r"names a code twice"),
        ([["SR", "CR"], ["CR", "SR"]], True, r"exclusive\[1\] repeats an earlier set"),
        ([["SR", "CR"]], False, r"exclusive sets belong to a dimension with multiple: true"),
    ],
)
def test_bad_exclusive_sets_are_refused_with_one_line_naming_them(exclusive, multiple, message):
    with pytest.raises(SchemeError, match=message) as caught:
        validate_definition(_tiny(exclusive, multiple))
    assert "\n" not in str(caught.value)


def test_load_scheme_refuses_a_set_naming_an_unknown_code(tmp_path):
    path = tmp_path / "tiny.json"
    path.write_text(json.dumps(_tiny([["SR", "Complex"]])))
    with pytest.raises(CommandError, match=r"tiny.json: .*'Complex', which is not a code"):
        call_command("load_scheme", str(path))
    assert not CodingScheme.objects.filter(slug="tiny").exists()


def test_load_scheme_stores_the_sets_and_gives_them_back():
    scheme, _ = scheme_load(definition=_tiny([["SR", "CR"]]))
    assert Dimension.objects.get(scheme=scheme).exclusive == [["SR", "CR"]]
    assert scheme_definitions([scheme])[scheme.pk]["dimensions"][0]["exclusive"] == [["SR", "CR"]]


def test_an_older_database_gains_the_shipped_sets_on_migrate():
    dimension = CodingScheme.objects.get(slug="miti-4.2.1").dimensions.get(slug="behaviour")
    dimension.exclusive = []
    dimension.save()
    call_command("migrate", verbosity=0)
    dimension.refresh_from_db()
    assert dimension.exclusive == [["SR", "CR"], ["Persuade", "Persuade with"]]


def test_definition_union_adds_a_set_only_where_its_codes_exist():
    present = _tiny([])
    present = validate_definition(present)
    extra = validate_definition(_tiny([["SR", "CR"]]))
    assert definition_union(present, extra)["dimensions"][0]["exclusive"] == [["SR", "CR"]]
    extra["dimensions"][0]["exclusive"] = [["SR", "XX"]]
    assert definition_union(present, extra)["dimensions"][0]["exclusive"] == []


# ---------------------------------------------------------------- the one write path


@pytest.fixture
def coding(agency, practitioner, coder):
    transcript = factories.make_transcript(agency, practitioner, utterances=4)
    return factories.make_coding(transcript, coder, codes={1: ["CR", "Q"]})


def _codes_on(coding, position):
    return sorted(
        UtteranceCode.objects.filter(coding=coding, utterance__position=position).values_list(
            "code__abbreviation", flat=True
        )
    )


@pytest.mark.parametrize(
    ("held", "adding"), [("CR", "SR"), ("SR", "CR"), ("Persuade", "Persuade with")]
)
def test_the_server_refuses_a_second_code_of_a_set_and_saves_nothing(
    agency, practitioner, coder, held, adding
):
    transcript = factories.make_transcript(agency, practitioner, utterances=4)
    coding = factories.make_coding(transcript, coder, codes={1: [held]})
    utterance = transcript.utterances.get(position=1)
    with pytest.raises(ValidationError, match=f"{adding} and {held} exclude each other"):
        utterance_code_set(coding=coding, utterance=utterance, code=factories.code(adding))
    assert _codes_on(coding, 1) == [held]


def test_the_workspace_save_is_refused_too(coding):
    utterance = coding.transcript.utterances.get(position=1)
    with pytest.raises(ValidationError, match="clear CR before setting SR"):
        utterance_code_put(
            coding=coding, utterance_id=utterance.pk, code_id=factories.code("SR").pk, present=True
        )
    assert _codes_on(coding, 1) == ["CR", "Q"]


def test_a_bulk_write_giving_both_saves_nothing(coding):
    u1, u3 = coding.transcript.utterances.filter(position__in=[1, 3]).order_by("position")
    with pytest.raises(ValidationError, match="exclude each other"):
        utterance_codes_add(
            coding=coding,
            pairs=[
                (u3, factories.code("AF")),
                (u3, factories.code("SR")),
                (u3, factories.code("CR")),
            ],
        )
    assert _codes_on(coding, 3) == []
    assert _codes_on(coding, 1) == ["CR", "Q"]


def test_clearing_then_setting_swaps_within_the_set(coding):
    utterance = coding.transcript.utterances.get(position=1)
    sr, cr = factories.code("SR"), factories.code("CR")
    utterance_code_put(coding=coding, utterance_id=utterance.pk, code_id=cr.pk, present=False)
    utterance_code_put(coding=coding, utterance_id=utterance.pk, code_id=sr.pk, present=True)
    assert _codes_on(coding, 1) == ["Q", "SR"]


def test_the_workspace_page_is_given_the_sets(client, coding, coder):
    client.force_login(coder)
    response = client.get(f"/codings/{coding.pk}/")
    dimension = factories.code("SR").dimension
    assert {"dim": dimension.pk, "codes": ["SR", "CR"]} in response.context["config"]["exclusive"]


def test_the_scheme_page_names_the_sets(client, coder):
    client.force_login(coder)
    html = client.get("/codings/schemes/miti-4.2.1/").content.decode()
    assert "One per utterance of each of: SR or CR; Persuade or Persuade with." in html
