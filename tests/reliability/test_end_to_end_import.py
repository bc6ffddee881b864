"""From a researcher's spreadsheet to published numbers: coded data brought in with
`manage.py import_codings` reproduces Shrout & Fleiss's ICC table through
`manage.py reliability`."""

from __future__ import annotations

import csv
import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from accounts.models import Agency
from tests.reliability.test_command import PUBLISHED_ICC, SHROUT_FLEISS

pytestmark = pytest.mark.django_db

CODERS = ["judge1", "judge2", "judge3", "judge4"]
PRACTITIONER_TURNS = 10  # the table's largest count


def write_shrout_fleiss_csv(path: Path) -> None:
    """Six transcripts × four coders in long format; coder j puts Q on the first
    SHROUT_FLEISS[i][j] counsellor turns of transcript i, and `n/a` elsewhere."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["transcript", "utterance", "speaker", "text", "coder", "code"])
        for index, counts in enumerate(SHROUT_FLEISS, start=1):
            for coder, count in zip(CODERS, counts, strict=True):
                for turn in range(PRACTITIONER_TURNS):
                    code = "Q" if turn < count else "n/a"
                    writer.writerow(
                        [
                            f"S&F target {index}",
                            2 * turn + 1,
                            "Counselor",
                            f"Question or statement {turn} of session {index}?",
                            coder,
                            code,
                        ]
                    )
                    writer.writerow(
                        [
                            f"S&F target {index}",
                            2 * turn + 2,
                            "Client",
                            f"Answer {turn} of session {index}.",
                            coder,
                            "n/a",
                        ]
                    )


def test_imported_question_counts_give_the_published_icc_values(tmp_path: Path) -> None:
    Agency.objects.create(slug="study", name="Study")
    call_command("create_practitioner", "Study Counselor", "--agency", "study", stdout=StringIO())
    data = tmp_path / "shrout-fleiss.csv"
    write_shrout_fleiss_csv(data)
    imported = StringIO()
    call_command(
        "import_codings",
        str(data),
        "--agency",
        "study",
        "--scheme",
        "miti-4.2.1",
        "--ignore-value",
        "n/a",
        "--practitioner",
        "Study Counselor",
        stdout=imported,
    )
    assert len(imported.getvalue().splitlines()) == 24  # one line per coding

    out = StringIO()
    call_command(
        "reliability",
        "--agency",
        "study",
        "--scheme",
        "miti-4.2.1",
        "--format",
        "json",
        stdout=out,
    )
    report = json.loads(out.getvalue())
    assert report["transcripts"] == 6
    assert sorted(report["coders"]) == CODERS
    question = report["session_level"]["Q"]
    assert question["transcripts"] == 6
    for form, published in PUBLISHED_ICC.items():
        assert question["icc"][form] == pytest.approx(published, abs=5e-5), form
    low, high = question["ci95"]["ICC2"]
    assert (round(low, 4), round(high, 4)) == (0.0188, 0.7611)
    assert question["band"] == "poor"
