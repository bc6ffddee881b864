"""Shared pieces for the import and export tests: a scheme with client codes, coded files."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import pytest
from django.core.management import call_command

from coding.models import CodingScheme
from coding.services.schemes import scheme_load

TALK_SCHEME = {
    "slug": "mi-talk",
    "name": "MI behaviour and client talk",
    "version": "1",
    "dimensions": [
        {
            "slug": "behaviour",
            "name": "Practitioner behaviour",
            "speaker": "practitioner",
            "multiple": True,
            "codes": [
                {"abbreviation": "Q", "name": "Question", "key": "q"},
                {"abbreviation": "SR", "name": "Simple Reflection", "key": "s"},
                {"abbreviation": "CR", "name": "Complex Reflection", "key": "c"},
                {"abbreviation": "AF", "name": "Affirm", "key": "a"},
            ],
        },
        {
            "slug": "talk",
            "name": "Client talk",
            "speaker": "client",
            "multiple": False,
            "codes": [
                {"abbreviation": "CT", "name": "Change talk", "key": "1"},
                {"abbreviation": "ST", "name": "Sustain talk", "key": "2"},
            ],
        },
    ],
    "globals": [
        {"slug": "empathy", "name": "Empathy", "min": 1, "max": 5},
        {"slug": "partnership", "name": "Partnership", "min": 1, "max": 5},
    ],
    "summary_scores": [
        {"slug": "relational", "name": "Relational", "type": "mean",
         "of": ["partnership", "empathy"]},
        {"slug": "r_q", "name": "Reflection:Question", "type": "ratio",
         "numerator": ["SR", "CR"], "denominator": ["Q"]},
        {"slug": "pct_ct", "name": "% Change talk", "type": "ratio", "numerator": ["CT"],
         "denominator": ["CT", "ST"], "percent": True},
    ],
}  # fmt: skip

HEADER = ["transcript", "utterance", "speaker", "text", "coder", "code"]


@pytest.fixture
def talk_scheme(db: None) -> CodingScheme:
    return scheme_load(definition=TALK_SCHEME)[0]


def csv_text(rows: Iterable[Sequence[object]], header: Sequence[str] = HEADER) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


@pytest.fixture
def coded_file(tmp_path: Path) -> Callable[..., Path]:
    """Write rows (and a header) to a CSV file and return its path."""

    def write(
        rows: Iterable[Sequence[object]],
        header: Sequence[str] = HEADER,
        name: str = "coded.csv",
    ) -> Path:
        path = tmp_path / name
        path.write_text(csv_text(rows, header), encoding="utf-8")
        return path

    return write


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def session_rows(
    title: str,
    coders: Sequence[str],
    codes: dict[str, dict[int, str]] | None = None,
    utterances: int = 4,
) -> list[list[object]]:
    """Rows of one transcript alternating Therapist and Client, for each coder in turn;
    ``codes`` gives {coder: {utterance number: code cell}}."""
    rows = []
    for coder in coders:
        for number in range(1, utterances + 1):
            speaker = "Therapist" if number % 2 else "Client"
            cell = (codes or {}).get(coder, {}).get(number, "")
            rows.append([title, number, speaker, f"{title} line {number}", coder, cell])
    return rows
