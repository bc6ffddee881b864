"""Import → export → compare: what comes out is exactly what went in."""

import csv
import io
import itertools
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from accounts.models import Agency
from coding.models import Coding
from exchange.selectors import score_table, utterance_code_table
from tests import factories
from tests.exchange.conftest import csv_text, run

pytestmark = pytest.mark.django_db

BEHAVIOUR = {"Q": "Question", "SR": "Simple Reflection", "CR": "Complex Reflection",
             "AF": "Affirm"}  # fmt: skip
TALK = {"CT": "Change talk", "ST": "Sustain talk"}
_agencies = itertools.count(1)


def spellings(abbreviation: str, name: str) -> st.SearchStrategy[str]:
    """The ways a file may name a code: abbreviation or name, in any case."""
    return st.sampled_from([abbreviation, abbreviation.lower(), name, name.upper()])


@st.composite
def coded_sessions(draw: st.DrawFn) -> dict:
    coders = draw(st.lists(st.sampled_from(["ana", "ben", "cal"]), min_size=1, max_size=3,
                           unique=True))  # fmt: skip
    sessions = {}
    for number in range(draw(st.integers(1, 3))):
        roles = draw(st.lists(st.sampled_from(["practitioner", "client"]), min_size=1, max_size=8))
        codes = {}
        for coder in coders:
            for position, role in enumerate(roles, start=1):
                if role == "practitioner":
                    chosen = draw(st.lists(st.sampled_from(list(BEHAVIOUR)), unique=True,
                                           max_size=3))  # fmt: skip
                else:
                    chosen = draw(st.lists(st.sampled_from(list(TALK)), max_size=1))
                codes[(coder, position)] = chosen
        sessions[f"Session {number + 1}"] = {"roles": roles, "codes": codes}
    return {"coders": coders, "sessions": sessions}


def file_rows(data: dict, draw_spelling) -> list[list[object]]:
    rows = []
    for coder in data["coders"]:
        for title, session in data["sessions"].items():
            for position, role in enumerate(session["roles"], start=1):
                chosen = session["codes"][(coder, position)]
                names = {**BEHAVIOUR, **TALK}
                cell = ";".join(draw_spelling(code, names[code]) for code in chosen) or "n/a"
                speaker = "Therapist" if role == "practitioner" else "Client"
                rows.append([title, position, speaker, f"{title}, line {position}", coder, cell])
    return rows


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=coded_sessions(), spelling=st.data())
def test_imported_codes_and_counts_come_back_out_unchanged(
    talk_scheme, tmp_path_factory, data, spelling
):
    slug = f"round-trip-{next(_agencies)}"
    agency = factories.make_agency(slug=slug)
    factories.make_practitioner(agency, "Pat Doe")
    path = tmp_path_factory.mktemp("round-trip") / "coded.csv"
    path.write_text(csv_text(file_rows(data, lambda a, n: spelling.draw(spellings(a, n)))))
    run(
        "import_codings", str(path), "--agency", slug, "--scheme", "mi-talk",
        "--ignore-value", "n/a", "--practitioner", "Pat Doe",
    )  # fmt: skip

    expected_codes = {
        (title, position, role, coder, code)
        for title, session in data["sessions"].items()
        for (coder, position), chosen in session["codes"].items()
        for code in chosen
        for role in [session["roles"][position - 1]]
    }
    codings = Coding.objects.filter(transcript__agency=agency)
    long = utterance_code_table(codings, include_text=True)
    assert {
        (r["transcript"], r["utterance"], r["speaker_role"], r["coder"], r["code"])
        for r in long.rows
    } == expected_codes
    assert all(r["text"] == f"{r['transcript']}, line {r['utterance']}" for r in long.rows)

    scores = score_table(codings, Agency.objects.get(slug=slug))
    assert len(scores.rows) == len(data["coders"]) * len(data["sessions"])
    for row in scores.rows:
        session = data["sessions"][row["transcript"]]
        counts = Counter(
            code
            for (coder, _position), chosen in session["codes"].items()
            if coder == row["coder"]
            for code in chosen
        )
        assert {code: row[code] for code in [*BEHAVIOUR, *TALK]} == {
            code: counts[code] for code in [*BEHAVIOUR, *TALK]
        }


def test_csv_and_xlsx_exports_of_an_import_agree(agency, practitioner, talk_scheme, tmp_path):
    rows = [
        ["A", 1, "T", "Hello", "ana", "Q"],
        ["A", 2, "C", "Hi", "ana", "CT"],
        ["A", 1, "T", "Hello", "ben", "SR"],
        ["A", 2, "C", "Hi", "ben", "n/a"],
    ]
    path = tmp_path / "coded.csv"
    path.write_text(csv_text(rows))
    run("import_codings", str(path), "--agency", "home", "--scheme", "mi-talk",
        "--ignore-value", "n/a", "--practitioner", "Dana Reyes")  # fmt: skip
    text = run("export_scores", "--agency", "home")
    run("export_scores", "--agency", "home", "--format", "xlsx", "--output",
        str(tmp_path / "s.xlsx"))  # fmt: skip
    from_csv = list(csv.reader(io.StringIO(text)))
    sheet = load_workbook(tmp_path / "s.xlsx").active
    from_xlsx = list(sheet.iter_rows(values_only=True))
    assert [_same(row) for row in from_csv] == [_same(row) for row in from_xlsx]


def _same(row) -> list:
    """Cells as comparable values: numbers as floats, blanks as empty text."""
    result = []
    for cell in row:
        try:
            result.append(float(cell))
        except (TypeError, ValueError):
            result.append("" if cell is None else str(cell))
    return result
