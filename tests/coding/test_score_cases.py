"""coding/scores.py gives the cases in tests/fixtures/score_cases.json; no database.

The workspace computes summary scores in the browser with static/js/lib/scores.mjs, and
tests/js/scores.test.mjs holds that module to the same file: together the two tests prove the
page and the server agree, on the shipped schemes' definitions and on every rounding tie.
"""

import json
from pathlib import Path

import pytest

from coding import scores

ROOT = Path(__file__).resolve().parents[2]
CASES = json.loads((ROOT / "tests" / "fixtures" / "score_cases.json").read_text("utf-8"))


def _row(definition, counts, globals_):
    value = scores.summary_score(definition, counts, globals_)
    band = scores.band(value, definition.get("fair"), definition.get("good"))
    return {
        "slug": definition["slug"],
        "value": value,
        "display": scores.format_score(
            value, percent=bool(definition.get("percent")), kind=definition["type"]
        ),
        "band": band,
        "band_label": scores.BAND_LABELS.get(band, ""),
    }


@pytest.mark.parametrize("case", CASES["cases"], ids=lambda case: case["name"])
def test_server_scores_match_the_shared_cases(case):
    rows = [_row(d, case["counts"], case["globals"]) for d in case["definitions"]]
    assert rows == case["expected"]


def test_server_display_matches_the_shared_formats():
    shown = [
        (f["value"], f["type"], scores.format_score(f["value"], percent=f["percent"], kind=t))
        for f in CASES["formats"]
        for t in [f["type"]]
    ]
    assert shown == [(f["value"], f["type"], f["display"]) for f in CASES["formats"]]


def test_the_shared_formats_hold_rounding_ties():
    # Python rounds an exact tie half to even: these are where a naive browser rounding differs.
    displays = {(f["value"], f["percent"]): f["display"] for f in CASES["formats"]}
    assert displays[(0.125, False)] == "0.12"
    assert displays[(12.5, True)] == "12%"
    assert displays[(37.5, True)] == "38%"


def test_band_labels_are_the_servers():
    assert CASES["band_labels"] == scores.BAND_LABELS


def test_every_shipped_summary_score_is_among_the_cases():
    covered = {
        json.dumps(definition, sort_keys=True)
        for case in CASES["cases"]
        for definition in case["definitions"]
    }
    for path in sorted((ROOT / "coding" / "schemes").glob("*.json")):
        for summary in json.loads(path.read_text("utf-8"))["summary_scores"]:
            definition = {key: value for key, value in summary.items() if key != "name"}
            definition.setdefault("fair", None)
            definition.setdefault("good", None)
            assert json.dumps(definition, sort_keys=True) in covered, (path.name, summary["slug"])
