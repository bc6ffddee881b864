"""The reliability page reads plainly: one name per measure, a note beside every dash, an
ICC interval that leaves the ICC's range flagged, and per-code and per-set tables for a
dimension where an utterance takes several codes."""

from __future__ import annotations

import re

import numpy as np
import pytest
from django.urls import reverse

from coding.models import CodingKind, UtteranceCode
from reliability import stats
from tests import factories
from tests.factories import ALL_GLOBALS

INDEX = reverse("reliability:index")


# ---------------------------------------------------------------- pure statistics


def test_presence_table_counts_both_only_one_and_neither():
    first = np.array([1, 1, 0, 0, 1], dtype=bool)
    second = np.array([1, 0, 1, 0, 0], dtype=bool)
    assert stats.presence_table(first, second).tolist() == [[1, 1], [2, 1]]


def test_exclusive_set_confusion_has_neither_and_shows_old_double_codes_apart():
    members = ["SR", "CR"]
    # Units: SR/SR, CR/SR, none/CR, none/none, SR+CR (saved before the rule) / CR.
    first = np.array([[1, 0, 0, 0, 1], [0, 1, 0, 0, 1]], dtype=bool)
    second = np.array([[1, 1, 0, 0, 0], [0, 0, 1, 0, 1]], dtype=bool)
    table = stats.exclusive_set_confusion(first, second, members)
    assert list(table.index) == ["SR", "CR", "neither", "SR + CR"]
    assert table.loc["SR", "SR"] == 1
    assert table.loc["CR", "SR"] == 1
    assert table.loc["neither", "CR"] == 1
    assert table.loc["neither", "neither"] == 1
    assert table.loc["SR + CR", "CR"] == 1
    assert int(table.to_numpy().sum()) == 5
    clean = stats.exclusive_set_confusion(first[:, :4], second[:, :4], members)
    assert list(clean.columns) == ["SR", "CR", "neither"]


def test_an_icc_interval_outside_the_icc_range_is_named():
    note = stats.icc_interval_note("ICC2", (-1.19, 0.8), 2)
    assert note.startswith("the 95% interval of ICC(2,1) reaches −1.19, outside the values")
    assert "(−1 to 1)" in note
    assert stats.icc_interval_note("ICC2", (-0.9, 0.8), 2) is None
    assert "(−0.5 to 1)" in stats.icc_interval_note("ICC3", (-0.6, 0.8), 3)
    assert stats.icc_interval_note("ICC2k", (-5.0, 0.8), 2) is None  # no lower limit
    assert "9.40" in stats.icc_interval_note("ICC2k", (9.4, 0.97), 2)
    assert stats.icc_interval_note("ICC2", None, 2) is None


def test_an_icc_estimate_outside_the_icc_range_is_named():
    import pandas as pd

    result = stats.icc(pd.DataFrame({"a": [1, 2, 3], "b": [3, 2, 1]}))
    value = result.forms["ICC2"].value
    assert value < -1  # pingouin's ICC(A,1) is not confined to [−1, 1]
    note = stats.icc_value_note("ICC2", value, 2)
    assert note.startswith(f"ICC(2,1) = {value:.2f}".replace("-", "−"))
    assert "outside −1 to 1" in note
    assert stats.icc_value_note("ICC2", -0.5, 2) is None
    assert stats.icc_value_note("ICC2k", -3.0, 2) is None


# ---------------------------------------------------------------- the page


@pytest.fixture
def coded(db, agency, practitioner, coder, coder2):
    """Transcripts whose Q counts (0/0, 0/1, 1/0 and 0/0) leave ICC(2,1)'s interval reaching
    below −1, the last with an utterance coded SR and CR before the scheme declared them
    exclusive."""
    transcripts = []
    for ana, ben in [(0, 0), (0, 1), (1, 0)]:
        transcript = factories.make_transcript(agency, practitioner, utterances=12)
        factories.make_coding_with_counts(
            transcript, coder, {"Q": ana, "SR": 1}, globals_=ALL_GLOBALS
        )
        factories.make_coding_with_counts(
            transcript, coder2, {"Q": ben, "SR": 1}, kind=CodingKind.DOUBLE, globals_=ALL_GLOBALS
        )
        transcripts.append(transcript)
    old = factories.make_coding(
        factories.make_transcript(agency, practitioner, utterances=4),
        coder,
        globals_=ALL_GLOBALS,
        submitted=True,
    )
    factories.make_coding(
        old.transcript,
        coder2,
        kind=CodingKind.DOUBLE,
        codes={1: ["CR"]},
        globals_=ALL_GLOBALS,
        submitted=True,
    )
    utterance = old.transcript.utterances.get(position=1)
    for abbreviation in ("SR", "CR"):  # as an older release saved it
        code = factories.code(abbreviation)
        UtteranceCode.objects.create(
            coding=old, utterance=utterance, code=code, dimension=code.dimension
        )
    return transcripts


def _rows(content: str) -> dict[str, str]:
    """Each session-table row's header cell and the whole row."""
    found = {}
    for row in re.findall(r"<tr>\s*<th scope=\"row\">(.*?)</tr>", content, flags=re.S):
        name = row.split("</th>")[0].strip()
        found[name] = row
    return found


def test_each_measure_has_one_name(client_for, researcher, coded):
    content = client_for(researcher).get(INDEX, {"scheme": "miti-4.2.1"}).content.decode()
    rows = _rows(content)
    assert "Persuade" in rows
    assert "Persuade with Permission (Persuade with)" in rows
    assert "Simple Reflection (SR)" in rows
    assert "Empathy" in rows
    assert "Relational global" in rows
    assert "<code" not in "".join(rows.values())


def test_every_dash_has_a_note_saying_why(client_for, researcher, coded):
    content = client_for(researcher).get(INDEX, {"scheme": "miti-4.2.1"}).content.decode()
    session = content.split('id="session-heading"')[1]
    rows = _rows(session)
    assert rows
    for name, row in rows.items():
        if "—" in row:
            note = re.findall(r'<td class="small text-body-secondary">(.*?)</td>', row, re.S)
            assert note and note[-1].strip(), f"{name}: a dash without a note"
    utterance = content.split('id="utterance-heading"')[1].split('id="session-heading"')[0]
    for row in re.findall(r"<tr>(.*?)</tr>", utterance, flags=re.S):
        if "—" in row and "<th" in row:
            assert re.search(r'text-body-secondary">[^<\s]', row), f"a dash without a note: {row}"


def test_an_icc_interval_below_minus_one_says_so(client_for, researcher, coded):
    response = client_for(researcher).get(INDEX, {"scheme": "miti-4.2.1"})
    (question,) = [m for m in response.context["report"].session if m.key == "Q"]
    low, _ = question.icc.forms["ICC2"].ci95
    assert low < -1
    row = _rows(response.content.decode())["Question (Q)"]
    assert "outside the values it can take with 2 coders (−1 to 1)" in row


def test_old_rows_with_both_reflections_do_not_break_the_page(client_for, researcher, coded):
    response = client_for(researcher).get(INDEX, {"scheme": "miti-4.2.1"})
    assert response.status_code == 200
    (behaviour,) = response.context["report"].dimensions
    reflections = behaviour.result.pairs[0].sets[0]
    assert reflections.loc["SR + CR", "CR"] == 1
    assert "SR + CR" in response.content.decode()
    download = client_for(researcher).get(
        reverse("reliability:download", args=["json"]), {"scheme": "miti-4.2.1"}
    )
    assert download.status_code == 200
