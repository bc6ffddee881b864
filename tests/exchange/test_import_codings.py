"""manage.py import_codings: long-format coded data in, exactly as the README documents it."""

import csv
import io
import re
from collections import Counter

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.models import AuditEvent, Membership, Role, User
from coding.models import Coding, CodingKind, CodingStatus, GlobalRating, UtteranceCode
from coding.services.schemes import scheme_load
from tests import factories
from tests.exchange.conftest import TALK_SCHEME, run, session_rows
from transcripts.models import SourceFormat, SpeakerRole, Transcript, Utterance

pytestmark = pytest.mark.django_db

LINE = re.compile(r"^coding (\d+): transcript (\d+) coder (\S+) \((\d+) codes\)$")
P_CODES = ["Q", "SR", "Q;CR", "n/a", "AF", "complex reflection", "q; sr", ""]
C_CODES = ["CT", "ST", "n/a", "", "change talk", "st"]
NORMAL = {"q": "Q", "sr": "SR", "cr": "CR", "af": "AF", "complex reflection": "CR",
          "ct": "CT", "st": "ST", "change talk": "CT"}  # fmt: skip


def snapshot() -> tuple[int, ...]:
    return (
        Transcript.objects.count(),
        Utterance.objects.count(),
        Coding.objects.count(),
        UtteranceCode.objects.count(),
        GlobalRating.objects.count(),
        User.objects.count(),
        Membership.objects.count(),
    )


def import_args(path, *extra):
    return ["import_codings", str(path), "--agency", "home", "--scheme", "mi-talk", *extra]


def three_coders_five_transcripts():
    """Rows with a practitioner-code and a client-code column, and the counts they hold."""
    rows, expected = [], {}
    coders = ["ana", "ben", "cal"]
    for t in range(1, 6):
        for c, coder in enumerate(coders):
            counts = Counter()
            for u in range(1, 9):
                practitioner = u % 2 == 1
                p_cell = P_CODES[(t + c + u) % len(P_CODES)] if practitioner else "n/a"
                c_cell = "n/a" if practitioner else C_CODES[(t * c + u) % len(C_CODES)]
                for cell in (p_cell, c_cell):
                    for value in cell.split(";"):
                        value = value.strip()
                        if value and value != "n/a":
                            counts[NORMAL[value.lower()]] += 1
                speaker = "Counsellor" if practitioner else "Client"
                rows.append([f"Session {t}", u, speaker, f"Text {t}.{u}", coder, p_cell, c_cell])
            expected[(f"Session {t}", coder)] = counts
    header = ["transcript", "utterance", "speaker", "text", "coder", "p_code", "c_code"]
    return header, rows, expected


def test_three_coders_five_transcripts_two_code_columns_counts_through_export_scores(
    agency, practitioner, talk_scheme, coded_file
):
    header, rows, expected = three_coders_five_transcripts()
    path = coded_file(rows, header)
    out = run(
        *import_args(path, "--code-col", "p_code", "--code-col", "c_code"),
        "--ignore-value", "n/a", "--practitioner", "Dana Reyes",
    )  # fmt: skip
    lines = out.splitlines()
    assert len(lines) == 15
    assert all(LINE.match(line) for line in lines)

    exported = list(csv.DictReader(io.StringIO(run("export_scores", "--agency", "home"))))
    assert len(exported) == 15
    for row in exported:
        counts = expected[(row["transcript"], row["coder"])]
        for code in ("Q", "SR", "CR", "AF", "CT", "ST"):
            assert int(row[code]) == counts[code], (row["transcript"], row["coder"], code)
        q = counts["Q"]
        reflections = counts["SR"] + counts["CR"]
        assert row["r_q"] == ("" if q == 0 else str(reflections / q))
        talk = counts["CT"] + counts["ST"]
        assert row["pct_ct"] == ("" if talk == 0 else str(counts["CT"] / talk * 100))
        assert row["practitioner"] == "Dana Reyes"
        assert row["status"] == "submitted"
        assert row["scheme"] == "mi-talk"
    assert Transcript.objects.filter(agency=agency).count() == 5
    assert Utterance.objects.count() == 5 * 8


def test_output_line_names_coding_transcript_coder_and_code_count(
    agency, practitioner, talk_scheme, coded_file
):
    rows = session_rows("S1", ["ana"], {"ana": {1: "Q", 2: "CT", 3: "SR;AF"}})
    out = run(*import_args(coded_file(rows), "--practitioner", "Dana Reyes"))
    coding = Coding.objects.get()
    assert out == f"coding {coding.pk}: transcript {coding.transcript_id} coder ana (4 codes)\n"


def test_transcripts_utterances_and_codings_are_built_from_the_first_coders_rows(
    agency, practitioner, talk_scheme, coded_file
):
    # Rows out of order, numbered 1, 2, 10 (numeric order, not text order), and two
    # consecutive client utterances that must stay two utterances.
    rows = [
        ["S1", "10", "Client", "Third", "ana", "CT"],
        ["S1", "1", "Therapist", "First", "ana", "Q"],
        ["S1", "2", "Client", "Second", "ana", "ST"],
        ["S1", "1", "Therapist", "First", "ben", "SR"],
        ["S1", "2", "Client", "Second", "ben", ""],
        ["S1", "10", "Client", "Third", "ben", "CT"],
    ]
    run(*import_args(coded_file(rows), "--practitioner", "Dana Reyes"))
    transcript = Transcript.objects.get()
    assert transcript.title == "S1"
    assert transcript.practitioner == practitioner
    assert transcript.source_format == SourceFormat.CODED_IMPORT
    utterances = list(transcript.utterances.in_order())
    assert [(u.position, u.source_ref, u.text, u.speaker_role) for u in utterances] == [
        (1, "1", "First", SpeakerRole.PRACTITIONER),
        (2, "2", "Second", SpeakerRole.CLIENT),
        (3, "10", "Third", SpeakerRole.CLIENT),
    ]
    ana = Coding.objects.get(coder__username="ana")
    ben = Coding.objects.get(coder__username="ben")
    assert (ana.kind, ben.kind) == (CodingKind.PRIMARY, CodingKind.DOUBLE)
    assert ana.status == ben.status == CodingStatus.SUBMITTED
    assert ana.submitted_at is not None
    assert sorted(ana.utterance_codes.values_list("utterance__position", "code__abbreviation")) == [
        (1, "Q"),
        (2, "ST"),
        (3, "CT"),
    ]


def test_text_identifiers_sort_naturally(agency, practitioner, talk_scheme, coded_file):
    rows = [
        ["S1", "u10", "T", "c", "ana", ""],
        ["S1", "u2", "C", "b", "ana", ""],
        ["S1", "u1", "T", "a", "ana", ""],
    ]
    run(*import_args(coded_file(rows), "--practitioner", "Dana Reyes"))
    assert list(Utterance.objects.in_order().values_list("source_ref", flat=True)) == [
        "u1",
        "u2",
        "u10",
    ]


def test_identifiers_with_digits_int_cannot_read_sort_as_text(
    agency, practitioner, talk_scheme, coded_file
):
    # "²" is a digit to str.isdigit() but not a number to int(); "٣" is a decimal three.
    rows = [
        ["S1", "²", "T", "c", "ana", ""],
        ["S1", "u٣", "C", "b", "ana", ""],
        ["S1", "u1", "T", "a", "ana", ""],
    ]
    run(*import_args(coded_file(rows), "--practitioner", "Dana Reyes"))
    refs = list(Utterance.objects.in_order().values_list("source_ref", flat=True))
    assert refs[:2] == ["u1", "u٣"]
    assert len(refs) == 3


def test_coders_become_passwordless_coder_accounts_and_existing_users_keep_their_role(
    agency, practitioner, talk_scheme, coded_file, supervisor, outsider
):
    rows = session_rows("S1", ["newbie", "sofia", "otto"])
    run(*import_args(coded_file(rows), "--practitioner", "Dana Reyes"))
    newbie = User.objects.get(username="newbie")
    assert not newbie.has_usable_password()
    assert Membership.objects.get(user=newbie).role == Role.CODER
    # An existing member keeps their role; a user of another agency joins this one as coder.
    assert Membership.objects.get(user=supervisor, agency=agency).role == Role.SUPERVISOR
    assert Membership.objects.get(user=outsider, agency=agency).role == Role.CODER
    assert outsider.check_password(factories.PASSWORD)
    assert set(
        AuditEvent.objects.filter(action="membership.create").values_list(
            "details__username", flat=True
        )
    ) == {"newbie", "otto"}
    event = AuditEvent.objects.get(action="codings.import")
    assert event.details["codings"] == 3
    assert event.details["coders_created"] == ["newbie"]


def test_globals_file_rates_each_coding(agency, practitioner, talk_scheme, coded_file, tmp_path):
    rows = session_rows("S1", ["ana", "ben"], {"ana": {1: "Q", 3: "CR"}})
    globals_path = tmp_path / "globals.csv"
    globals_path.write_text(
        "transcript,coder,scale,value\nS1,ana,empathy,4\nS1,ana,partnership,3\n"
        "S1,ben,Empathy,5\nS1,ben,partnership,n/a\n"
    )
    run(
        *import_args(coded_file(rows), "--practitioner", "Dana Reyes"),
        "--globals", str(globals_path), "--ignore-value", "n/a",
    )  # fmt: skip
    ratings = set(
        GlobalRating.objects.values_list("coding__coder__username", "scale__slug", "value")
    )
    assert ratings == {("ana", "empathy", 4), ("ana", "partnership", 3), ("ben", "empathy", 5)}
    exported = {
        row["coder"]: row
        for row in csv.DictReader(io.StringIO(run("export_scores", "--agency", "home")))
    }
    assert exported["ana"]["relational"] == "3.5"
    assert exported["ben"]["relational"] == ""


def test_codings_attach_to_a_transcript_imported_earlier(
    agency, practitioner, talk_scheme, coded_file
):
    run(*import_args(coded_file(session_rows("S1", ["ana"])), "--practitioner", "Dana Reyes"))
    transcript = Transcript.objects.get()
    run(*import_args(coded_file(session_rows("S1", ["ben"], {"ben": {1: "Q"}}))))
    assert Transcript.objects.count() == 1
    ben = Coding.objects.get(coder__username="ben")
    assert ben.transcript == transcript
    # ana's primary coding stays the primary one.
    assert ben.kind == CodingKind.DOUBLE
    assert ben.utterance_codes.get().utterance.position == 1


def test_existing_transcript_with_other_utterances_fails_naming_the_row(
    agency, practitioner, talk_scheme, coded_file
):
    run(*import_args(coded_file(session_rows("S1", ["ana"])), "--practitioner", "Dana Reyes"))
    before = snapshot()
    changed = session_rows("S1", ["ben"])
    changed[2][3] = "Something else entirely"
    with pytest.raises(CommandError, match=r"coded\.csv: row 4: utterance '3' of transcript 'S1'"):
        run(*import_args(coded_file(changed)))
    shorter = session_rows("S1", ["ben"], utterances=3)
    with pytest.raises(CommandError, match="already exists in the agency with 4 utterances"):
        run(*import_args(coded_file(shorter)))
    assert snapshot() == before


def test_importing_an_existing_coding_fails_unless_replace(
    agency, practitioner, talk_scheme, coded_file
):
    path = coded_file(session_rows("S1", ["ana"], {"ana": {1: "Q"}}))
    run(*import_args(path, "--practitioner", "Dana Reyes"))
    first = Coding.objects.get()
    before = snapshot()
    with pytest.raises(CommandError, match="already has a coding by ana with mi-talk"):
        run(*import_args(path))
    assert snapshot() == before

    replacement = coded_file(session_rows("S1", ["ana"], {"ana": {1: "SR", 3: "AF"}}), name="r.csv")
    out = run(*import_args(replacement, "--replace"))
    assert "(2 codes)" in out
    coding = Coding.objects.get()
    assert coding.pk != first.pk
    assert coding.kind == CodingKind.PRIMARY
    assert sorted(coding.utterance_codes.values_list("code__abbreviation", flat=True)) == [
        "AF",
        "SR",
    ]
    assert AuditEvent.objects.filter(action="codings.import").latest("pk").details[
        "replaced_codings"
    ] == [first.pk]


@pytest.mark.parametrize("used_as", ["gold", "consensus source", "unfinished"])
def test_replace_refuses_a_coding_others_depend_on(
    agency, practitioner, talk_scheme, coded_file, supervisor, used_as
):
    path = coded_file(session_rows("S1", ["ana", "ben"], {"ana": {1: "Q"}, "ben": {1: "SR"}}))
    run(*import_args(path, "--practitioner", "Dana Reyes"))
    ana = Coding.objects.get(coder__username="ana")
    if used_as == "gold":
        Coding.objects.filter(pk=ana.pk).update(kind=CodingKind.GOLD)
        why = "is a gold standard"
    elif used_as == "unfinished":
        Coding.objects.filter(pk=ana.pk).update(status=CodingStatus.IN_PROGRESS, submitted_at=None)
        why = "is still in progress"
    else:
        factories.make_coding(
            ana.transcript, supervisor, talk_scheme, CodingKind.CONSENSUS, submitted=True
        )
        why = "was reconciled into a consensus coding"
    before = snapshot()
    replacement = coded_file(session_rows("S1", ["ana"], {"ana": {1: "SR"}}), name="r.csv")
    with pytest.raises(CommandError, match=f"r.csv: row 2: .*coding by ana .*{why}"):
        run(*import_args(replacement, "--replace"))
    assert snapshot() == before
    assert Coding.objects.filter(pk=ana.pk).exists()


def test_new_transcripts_need_a_practitioner(agency, talk_scheme, coded_file):
    with pytest.raises(CommandError, match="1 transcript is not in the agency yet \\('S1'\\)"):
        run(*import_args(coded_file(session_rows("S1", ["ana"]))))
    assert Transcript.objects.count() == 0
    with pytest.raises(CommandError, match="no practitioner named 'Nobody'"):
        run(*import_args(coded_file(session_rows("S1", ["ana"])), "--practitioner", "Nobody"))


def test_custom_column_names_and_speaker_labels(agency, practitioner, talk_scheme, coded_file):
    header = ["Session", "Line", "Who", "Said", "Rater", "Codes"]
    rows = [
        ["A", 1, "MW", "Hello", "ana", "Q"],
        ["A", 2, "Pat", "Hi", "ana", "CT"],
        ["A", 3, "Mum", "Hm", "ana", ""],
    ]
    run(
        *import_args(coded_file(rows, header), "--practitioner", "Dana Reyes"),
        "--transcript-col", "Session", "--utterance-col", "Line", "--speaker-col", "Who",
        "--text-col", "Said", "--coder-col", "Rater", "--code-col", "Codes",
        "--practitioner-speaker", "mw", "--client-speaker", "Pat",
    )  # fmt: skip
    assert list(Utterance.objects.in_order().values_list("speaker_label", "speaker_role")) == [
        ("MW", SpeakerRole.PRACTITIONER),
        ("Pat", SpeakerRole.CLIENT),
        ("Mum", SpeakerRole.OTHER),
    ]


def test_a_speaker_named_in_both_roles_is_refused(agency, practitioner, talk_scheme, coded_file):
    path = coded_file(session_rows("S1", ["ana"]))
    with pytest.raises(CommandError, match="speaker 'T' is named both as the practitioner"):
        run(
            *import_args(path, "--practitioner", "Dana Reyes"),
            "--practitioner-speaker", "T", "--client-speaker", "t",
        )  # fmt: skip
    assert not Transcript.objects.exists()


# ---------------------------------------------------------------- bad input changes nothing


BAD_FILES = {
    "unknown codes": (
        session_rows("S1", ["ana"], {"ana": {1: "Q;XYZ", 3: "Reflect", 2: "xyz"}}),
        r"coded\.csv: row 2: unknown code values: 'XYZ' \(row 2\); 'xyz' \(row 3\); 'Reflect' "
        r"\(row 4\); valid values \(abbreviation or name, any case\) of mi-talk: "
        r"Q, SR, CR, AF, CT, ST",
    ),
    "code on the wrong speaker": (
        session_rows("S1", ["ana"], {"ana": {2: "SR"}}),
        r"row 3: code 'SR' \(Practitioner behaviour\) is for practitioner utterances, but "
        r"speaker 'Client' is client",
    ),
    "two codes in a single-code dimension": (
        session_rows("S1", ["ana"], {"ana": {2: "CT;ST"}}),
        r"row 3: Client talk takes one code per utterance",
    ),
    "the same code twice": (
        session_rows("S1", ["ana"], {"ana": {1: "Q; question"}}),
        r"row 2: code Q is given twice",
    ),
    "two rows for one transcript, utterance and coder": (
        session_rows("S1", ["ana"]) + [["S1", 2, "Client", "S1 line 2", "ana", ""]],
        r"row 6: a second row for transcript 'S1', utterance '2', coder 'ana' \(the first is "
        r"row 3\)",
    ),
    "an utterance only the second coder has": (
        session_rows("S1", ["ana", "ben"]) + [["S1", 5, "Therapist", "extra", "ben", ""]],
        r"row 10: utterance '5' of transcript 'S1' is not among ana's utterances of it",
    ),
    "an utterance the second coder lacks": (
        session_rows("S1", ["ana"]) + session_rows("S1", ["ben"])[:3],
        r"row 5: coder 'ben' has no row for utterance '4' of transcript 'S1' \(ana's row 5\)",
    ),
    "text that differs between coders": (
        session_rows("S1", ["ana"])
        + [
            r if r[1] != 2 else [*r[:3], "other words", *r[4:]] for r in session_rows("S1", ["ben"])
        ],
        r"row 7: the text of utterance '2' of transcript 'S1' differs from ana's row 3",
    ),
    "a missing coder": (
        [["S1", 1, "Therapist", "hi", "", "Q"]],
        r"row 2: no value in coder",
    ),
    "a coder that cannot be a user name": (
        [["S1", 1, "Therapist", "hi", "Ana Castillo", "Q"]],
        r"row 2: coder 'Ana Castillo' is not a valid user name",
    ),
}


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_bad_rows_fail_naming_the_row_and_save_nothing(
    agency, practitioner, talk_scheme, coded_file, case
):
    rows, message = BAD_FILES[case]
    before = snapshot()
    with pytest.raises(CommandError, match=message) as excinfo:
        run(*import_args(coded_file(rows), "--practitioner", "Dana Reyes"))
    assert "\n" not in str(excinfo.value)
    assert snapshot() == before


def test_every_problem_is_listed_with_more_verbosity(agency, practitioner, talk_scheme, coded_file):
    rows = session_rows("S1", ["ana"], {"ana": {2: "SR", 4: "AF"}})
    path = coded_file(rows)
    args = import_args(path, "--practitioner", "Dana Reyes")
    with pytest.raises(CommandError, match=r"\(and 1 more problems\); -v 2 lists them all$"):
        run(*args)
    err = io.StringIO()
    with pytest.raises(CommandError, match=r"row 3: .*\(and 1 more problems\)$"):
        call_command(*args, "--verbosity", "2", stdout=io.StringIO(), stderr=err)
    assert err.getvalue().startswith("coded.csv: row 5: code 'AF'")
    assert not Transcript.objects.exists()


def test_missing_columns_are_named_with_the_columns_the_file_has(
    agency, practitioner, talk_scheme, coded_file
):
    path = coded_file([["S1", 1, "T", "hi", "ana"]], HEADER_WITHOUT_CODE)
    with pytest.raises(
        CommandError,
        match=r"coded\.csv: no column 'code'; the file's columns are transcript, utterance, "
        r"speaker, text, coder",
    ):
        run(*import_args(path, "--practitioner", "Dana Reyes"))
    with pytest.raises(CommandError, match="no columns 'p', 'c'"):
        run(*import_args(path, "--code-col", "p", "c", "--practitioner", "Dana Reyes"))


HEADER_WITHOUT_CODE = ["transcript", "utterance", "speaker", "text", "coder"]


def test_empty_and_header_only_files_are_refused(agency, talk_scheme, tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(CommandError, match=r"^empty\.csv is empty$"):
        run(*import_args(empty))
    header_only = tmp_path / "header.csv"
    header_only.write_text(",".join(HEADER_WITHOUT_CODE) + ",code\n")
    with pytest.raises(CommandError, match="header.csv has a header but no data rows"):
        run(*import_args(header_only))


def test_a_file_over_the_import_limit_is_refused(
    agency, practitioner, talk_scheme, coded_file, settings
):
    path = coded_file(session_rows("S1", ["ana"]))
    settings.MI_IMPORT_MAX_BYTES = 100
    with pytest.raises(CommandError, match=r"coded\.csv is .* larger than the import limit"):
        run(*import_args(path, "--practitioner", "Dana Reyes"))
    assert Transcript.objects.count() == 0


def test_globals_problems_name_the_globals_file_row(
    agency, practitioner, talk_scheme, coded_file, tmp_path
):
    globals_path = tmp_path / "g.csv"
    globals_path.write_text(
        "transcript,coder,scale,value\nS1,ana,empathy,9\nS1,zed,empathy,3\nS1,ana,warmth,2\n"
    )
    before = snapshot()
    with pytest.raises(CommandError, match=r"g\.csv: row 2: empathy takes a whole number from 1"):
        run(
            *import_args(coded_file(session_rows("S1", ["ana"])), "--practitioner", "Dana Reyes"),
            "--globals", str(globals_path),
        )  # fmt: skip
    assert snapshot() == before


def test_unknown_agency_and_scheme_are_refused(agency, coded_file):
    path = coded_file(session_rows("S1", ["ana"]))
    with pytest.raises(CommandError, match="no agency with slug 'nowhere'"):
        run("import_codings", str(path), "--agency", "nowhere", "--scheme", "miti-4.2.1")
    with pytest.raises(CommandError, match="no coding scheme 'nope' for agency 'home'"):
        run("import_codings", str(path), "--agency", "home", "--scheme", "nope")


def test_another_agencys_own_scheme_is_refused(agency, other_agency, coded_file, tmp_path):
    scheme_load(definition={**TALK_SCHEME, "slug": "their-talk"}, agency=other_agency)
    path = coded_file(session_rows("S1", ["ana"]))
    before = snapshot()
    with pytest.raises(CommandError, match="no coding scheme 'their-talk' for agency 'home'"):
        run("import_codings", str(path), "--agency", "home", "--scheme", "their-talk")
    with pytest.raises(CommandError, match="no coding scheme 'their-talk' for agency 'home'"):
        run("export_scores", "--agency", "home", "--scheme", "their-talk")
    with pytest.raises(CommandError, match="no coding scheme 'their-talk' for agency 'home'"):
        run("reliability", "--agency", "home", "--scheme", "their-talk")
    assert snapshot() == before
    # The agency that owns it may use it.
    run("export_scores", "--agency", "elsewhere", "--scheme", "their-talk")


def test_import_runs_in_a_fixed_number_of_queries(
    agency, practitioner, talk_scheme, coded_file, django_assert_max_num_queries
):
    rows = []
    for t in range(20):
        rows += session_rows(f"S{t}", ["ana", "ben"], {"ana": {1: "Q", 2: "CT"}}, utterances=10)
    with django_assert_max_num_queries(25):
        run(*import_args(coded_file(rows), "--practitioner", "Dana Reyes"))
    assert Coding.objects.count() == 40


def test_rows_giving_two_codes_of_an_exclusive_set_are_all_named_and_nothing_imported(
    agency, practitioner, coded_file
):
    rows = session_rows(
        "volleys",
        ["ana", "ben"],
        codes={
            "ana": {1: "SR;CR", 3: "Q"},
            "ben": {1: "Persuade; Persuade with", 3: "Complex reflection;SR"},
        },
    )
    path = coded_file(rows)
    before = snapshot()
    with pytest.raises(CommandError) as caught:
        run(
            "import_codings", str(path), "--agency", "home", "--scheme", "miti-4.2.1",
            "--practitioner", practitioner.display_name,
        )  # fmt: skip
    message = str(caught.value)
    # Header is row 1: ana's utterance 1 is row 2, ben's utterances 1 and 3 rows 6 and 8.
    assert "SR and CR in Practitioner behaviour on rows 2, 8" in message
    assert "Persuade and Persuade with in Practitioner behaviour on row 6" in message
    assert "\n" not in message
    assert snapshot() == before
