"""Import 10,000 coded rows and export them again.

50 transcripts × 100 utterances × 2 coders, MITI 4.2.1 codes on the practitioner utterances.
Targets: import < 10 s, each export < 5 s.
"""

from __future__ import annotations

import csv
import io
import random
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import header, peak_rss_mb, report, setup_django, timer  # noqa: E402

TRANSCRIPTS = 50
UTTERANCES = 100
CODERS = ["ana", "ben"]
CODES = ["Q", "SR", "CR", "GI", "AF", "Seek", "Q;SR", "CR;AF", "", "", "n/a"]


def coded_file(directory: Path) -> tuple[Path, Path]:
    rng = random.Random(7)  # noqa: S311 - reproducible test data, not security
    codes = io.StringIO()
    writer = csv.writer(codes, lineterminator="\n")
    writer.writerow(["transcript", "utterance", "speaker", "text", "coder", "code"])
    ratings = io.StringIO()
    globals_writer = csv.writer(ratings, lineterminator="\n")
    globals_writer.writerow(["transcript", "coder", "scale", "value"])
    for coder in CODERS:
        for t in range(1, TRANSCRIPTS + 1):
            for u in range(1, UTTERANCES + 1):
                practitioner = u % 2 == 1
                speaker = "Counselor" if practitioner else "Client"
                code = rng.choice(CODES) if practitioner else ""
                text = f"Session {t} utterance {u}: " + "words " * ((t * 7 + u) % 28 + 3)
                writer.writerow([f"Session {t:03d}", u, speaker, text.strip(), coder, code])
            for scale in ("cct", "sst", "partnership", "empathy"):
                globals_writer.writerow([f"Session {t:03d}", coder, scale, rng.randint(1, 5)])
    coded = directory / "coded.csv"
    coded.write_text(codes.getvalue(), encoding="utf-8")
    ratings_path = directory / "globals.csv"
    ratings_path.write_text(ratings.getvalue(), encoding="utf-8")
    return coded, ratings_path


def main() -> None:
    setup_django()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from accounts.models import Agency
    from accounts.services import agency_create, practitioner_save
    from coding.models import Coding, UtteranceCode
    from exchange.archive.dump import archive_dump
    from exchange.selectors import utterance_code_table
    from mi_coding.tabular import write_csv

    header("exchange: import 10,000 coded rows, export them")
    agency = agency_create(slug="bench", name="Bench agency")
    practitioner_save(agency=agency, display_name="Pat Bench")
    directory = Path(tempfile.mkdtemp(prefix="mi-bench-exchange-"))
    coded, ratings = coded_file(directory)
    rows = TRANSCRIPTS * UTTERANCES * len(CODERS)

    out = io.StringIO()
    with timer() as import_time, CaptureQueriesContext(connection) as queries:
        call_command(
            "import_codings", str(coded), "--agency", "bench", "--scheme", "miti-4.2.1",
            "--ignore-value", "n/a", "--practitioner", "Pat Bench", "--globals", str(ratings),
            stdout=out,
        )  # fmt: skip
    assert len(out.getvalue().splitlines()) == TRANSCRIPTS * len(CODERS)
    print(f"   rows {rows:,}, codings {Coding.objects.count():,}, "
          f"codes {UtteranceCode.objects.count():,}")  # fmt: skip
    report(f"import_codings, {rows:,} rows (with globals)", import_time["seconds"], "s", "< 10 s")
    report("  queries", len(queries), "")

    for fmt in ("csv", "xlsx"):
        target = directory / f"scores.{fmt}"
        with timer() as export_time:
            call_command(
                "export_scores", "--agency", "bench", "--format", fmt, "--output", str(target)
            )
        report(f"export_scores {fmt}, {TRANSCRIPTS * len(CODERS)} codings",
               export_time["seconds"], "s", "< 5 s")  # fmt: skip

    codings = Coding.objects.filter(transcript__agency__slug="bench")
    with timer() as codes_time:
        table = utterance_code_table(codings, include_text=True)
        write_csv(table.columns, table.rows)
    report(f"utterance codes csv with text, {len(table.rows):,} rows",
           codes_time["seconds"], "s", "< 5 s")  # fmt: skip

    with timer() as archive_time:
        data = archive_dump(Agency.objects.get(slug="bench"))
    report(f"archive of the agency ({len(data) / 1e6:.1f} MB)", archive_time["seconds"], "s")
    report("peak resident memory", peak_rss_mb(), "MB", "< 500 MB")


if __name__ == "__main__":
    main()
