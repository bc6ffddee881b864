"""Checking a coded-data file before anything is written.

``plan_import`` reads the whole file against the scheme and the agency's existing transcripts,
users and codings in a fixed number of queries and returns what an import would create, or
the problems that stop it, each naming its row.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass
from typing import NamedTuple

from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError

from accounts.models import Agency, Membership, User
from coding.models import PERSONAL_KINDS, Code, Coding, CodingKind, CodingStatus, GlobalScale
from coding.services.rules import exclusive_partner
from exchange.importing.plan import (
    ImportOptions,
    ImportPlan,
    PlannedCoding,
    PlannedTranscript,
    PlannedUtterance,
    Problem,
)
from exchange.importing.speakers import speaker_roles
from exchange.importing.tables import Row, Table
from transcripts.models import Transcript, Utterance
from transcripts.speakers import labels_in_both

CODE_SEPARATOR = ";"
GLOBAL_COLUMNS = ("transcript", "coder", "scale", "value")

_TITLE_MAX = Transcript._meta.get_field("title").max_length
_SPEAKER_MAX = Utterance._meta.get_field("speaker_label").max_length
_REF_MAX = Utterance._meta.get_field("source_ref").max_length
_USERNAME_MAX = User._meta.get_field("username").max_length
_DIGITS = re.compile(r"(\d+)")


class _Existing(NamedTuple):
    """A coding already in the database for a transcript being imported."""

    pk: int
    coder: str
    kind: str
    submitted: bool

    @property
    def personal(self) -> bool:
        return self.kind != CodingKind.CONSENSUS


@dataclass
class _Record:
    row: int
    transcript: str
    utterance: str
    speaker: str
    text: str
    coder: str
    cells: list[str]


def _same_text(a: str, b: str) -> bool:
    return a.split() == b.split()


def _utterance_order(values: list[str]) -> list[str]:
    """Numbers in numeric order when every identifier is a number, else in natural order
    ("u2" before "u10")."""
    try:
        numbers = {value: float(value) for value in values}
    except ValueError:
        numbers = None
    if numbers is not None and all(math.isfinite(n) for n in numbers.values()):
        return sorted(values, key=lambda value: (numbers[value], value))

    def natural(value: str) -> tuple:
        return tuple(
            (0, int(part), "") if part.isdecimal() else (1, 0, part.casefold())
            for part in _DIGITS.split(value)
            if part
        )

    return sorted(values, key=lambda value: (natural(value), value))


def _rows_text(rows: list[int]) -> str:
    shown = ", ".join(str(row) for row in rows[:5])
    if len(rows) > 5:
        shown += f", … ({len(rows)} rows)"
    return f"row {shown}" if len(rows) == 1 else f"rows {shown}"


def _code_lookup(codes: list[Code]) -> dict[str, Code]:
    lookup: dict[str, Code] = {}
    for code in codes:
        lookup.setdefault(code.abbreviation.casefold(), code)
    for code in codes:
        lookup.setdefault(code.name.casefold(), code)
    return lookup


class _Planner:
    def __init__(
        self, agency: Agency, table: Table, options: ImportOptions, globals_table: Table | None
    ) -> None:
        self.agency = agency
        self.table = table
        self.options = options
        self.globals_table = globals_table
        self.plan = ImportPlan(
            agency=agency, options=options, filename=table.filename, rows=len(table.rows)
        )
        self.ignore = {value.strip().casefold() for value in options.ignore_values}
        self.exclusive_breaks: dict[tuple[str, str], list[int]] = {}

    # -------------------------------------------------------------- columns and rows

    def _resolve(self, table: Table, wanted: list[tuple[str, str]]) -> dict[str, str] | None:
        resolved: dict[str, str] = {}
        missing = []
        for key, name in wanted:
            column = table.column(name)
            if column is None:
                missing.append(name)
            else:
                resolved[key] = column
        if missing:
            names = ", ".join(repr(name) for name in missing)
            noun = "column" if len(missing) == 1 else "columns"
            self.plan.add(
                f"no {noun} {names}; the file's columns are {', '.join(table.columns)}",
                filename=table.filename,
            )
            return None
        return resolved

    def _records(self) -> list[_Record]:
        names = self.options.columns
        wanted = [
            ("transcript", names.transcript),
            ("utterance", names.utterance),
            ("speaker", names.speaker),
            ("text", names.text),
            ("coder", names.coder),
        ] + [(f"code{index}", name) for index, name in enumerate(names.codes)]
        if not names.codes:
            self.plan.add("choose at least one code column")
            return []
        columns = self._resolve(self.table, wanted)
        if columns is None:
            return []
        validate_username = UnicodeUsernameValidator()
        valid_usernames: set[str] = set()
        records: list[_Record] = []
        seen: dict[tuple[str, str, str], int] = {}
        for row in self.table.rows:
            values = {key: row.get(column) for key, column in columns.items()}
            empty = [
                columns[key]
                for key in ("transcript", "utterance", "speaker", "coder")
                if not values[key]
            ]
            if empty:
                self.plan.add(f"no value in {', '.join(empty)}", row.number)
                continue
            if not self._lengths_fit(row, values):
                continue
            if values["coder"] not in valid_usernames:
                try:
                    validate_username(values["coder"])
                except ValidationError:
                    self.plan.add(
                        f"coder {values['coder']!r} is not a valid user name: use letters, "
                        "digits and @ . + - _ only",
                        row.number,
                    )
                    continue
                valid_usernames.add(values["coder"])
            key = (values["transcript"], values["utterance"], values["coder"])
            if key in seen:
                self.plan.add(
                    f"a second row for transcript {key[0]!r}, utterance {key[1]!r}, coder "
                    f"{key[2]!r} (the first is row {seen[key]})",
                    row.number,
                )
                continue
            seen[key] = row.number
            records.append(
                _Record(
                    row=row.number,
                    transcript=values["transcript"],
                    utterance=values["utterance"],
                    speaker=values["speaker"],
                    text=values["text"],
                    coder=values["coder"],
                    cells=[values[f"code{index}"] for index in range(len(names.codes))],
                )
            )
        return records

    def _lengths_fit(self, row: Row, values: dict[str, str]) -> bool:
        limits = [
            ("transcript", _TITLE_MAX),
            ("utterance", _REF_MAX),
            ("speaker", _SPEAKER_MAX),
            ("coder", _USERNAME_MAX),
        ]
        for key, limit in limits:
            if len(values[key]) > limit:
                self.plan.add(
                    f"the {key} value {values[key][:40]!r}… is longer than {limit} characters",
                    row.number,
                )
                return False
        return True

    # -------------------------------------------------------------- transcripts

    def _existing_transcripts(self, titles: list[str]) -> dict[str, list[Transcript]]:
        found: dict[str, list[Transcript]] = defaultdict(list)
        for transcript in Transcript.objects.filter(agency=self.agency, title__in=titles).order_by(
            "pk"
        ):
            found[transcript.title].append(transcript)
        return found

    def _existing_utterances(self, transcripts: list[Transcript]) -> dict[int, list[tuple]]:
        found: dict[int, list[tuple]] = defaultdict(list)
        rows = (
            Utterance.objects.filter(transcript__in=transcripts)
            .order_by("transcript_id", "position")
            .values_list("transcript_id", "pk", "position", "speaker_role", "text")
        )
        for transcript_id, pk, position, role, text in rows:
            found[transcript_id].append((pk, position, role, text))
        return found

    def _utterances(self, records: list[_Record], roles: dict[str, str]) -> list[PlannedUtterance]:
        by_ref = {record.utterance: record for record in records}
        return [
            PlannedUtterance(
                ref=ref,
                position=position,
                speaker=by_ref[ref].speaker,
                role=roles[by_ref[ref].speaker],
                text=by_ref[ref].text,
                row=by_ref[ref].row,
            )
            for position, ref in enumerate(_utterance_order(list(by_ref)), start=1)
        ]

    def _match_existing(
        self, planned: PlannedTranscript, existing: list[tuple], first_coder: str
    ) -> bool:
        utterances = planned.utterances
        if len(existing) != len(utterances):
            self.plan.add(
                f"transcript {planned.title!r} already exists in the agency with "
                f"{len(existing)} utterances, but {first_coder}'s rows give {len(utterances)}",
                planned.row,
            )
            return False
        for utterance, (pk, position, role, text) in zip(utterances, existing, strict=True):
            if not _same_text(utterance.text, text):
                self.plan.add(
                    f"utterance {utterance.ref!r} of transcript {planned.title!r} differs from "
                    f"utterance {position} of the transcript already in the agency",
                    utterance.row,
                )
                return False
            utterance.pk = pk
            utterance.role = role
        return True

    def _check_other_coder(
        self, planned: PlannedTranscript, first: str, coder: str, records: list[_Record]
    ) -> list[tuple[_Record, PlannedUtterance]]:
        by_ref = {utterance.ref: utterance for utterance in planned.utterances}
        matched = []
        for record in records:
            utterance = by_ref.get(record.utterance)
            if utterance is None:
                self.plan.add(
                    f"utterance {record.utterance!r} of transcript {planned.title!r} is not "
                    f"among {first}'s utterances of it",
                    record.row,
                )
            elif record.speaker != utterance.speaker:
                self.plan.add(
                    f"utterance {record.utterance!r} of transcript {planned.title!r} has speaker "
                    f"{record.speaker!r} here but {utterance.speaker!r} in {first}'s row "
                    f"{utterance.row}",
                    record.row,
                )
            elif not _same_text(record.text, utterance.text):
                self.plan.add(
                    f"the text of utterance {record.utterance!r} of transcript "
                    f"{planned.title!r} differs from {first}'s row {utterance.row}",
                    record.row,
                )
            else:
                matched.append((record, utterance))
        present = {record.utterance for record in records}
        for utterance in planned.utterances:
            if utterance.ref not in present:
                self.plan.add(
                    f"coder {coder!r} has no row for utterance {utterance.ref!r} of transcript "
                    f"{planned.title!r} ({first}'s row {utterance.row})",
                    utterance.row,
                )
        return matched

    # -------------------------------------------------------------- codes

    def _codes(
        self,
        record: _Record,
        utterance: PlannedUtterance,
        lookup: dict[str, Code],
        chosen: list[tuple[int, Code]],
    ) -> None:
        taken: set[int] = set()
        single_dimensions: set[int] = set()
        given: list[Code] = []
        for cell in record.cells:
            if cell.casefold() in self.ignore:
                continue
            for raw in cell.split(CODE_SEPARATOR):
                value = raw.strip()
                if not value or value.casefold() in self.ignore:
                    continue
                code = lookup.get(value.casefold())
                if code is None:
                    self.plan.unknown_values.setdefault(value, []).append(record.row)
                    continue
                dimension = code.dimension
                if code.pk in taken:
                    self.plan.add(f"code {code.abbreviation} is given twice", record.row)
                elif not dimension.accepts(utterance.role):
                    self.plan.add(
                        f"code {value!r} ({dimension.name}) is for "
                        f"{dimension.get_speaker_display().lower()} utterances, but speaker "
                        f"{utterance.speaker!r} is {utterance.role}; name the speakers' roles "
                        "if this label is misread",
                        record.row,
                    )
                elif not dimension.multiple and dimension.pk in single_dimensions:
                    self.plan.add(
                        f"{dimension.name} takes one code per utterance, and this row gives "
                        f"several ({'; '.join(record.cells)})",
                        record.row,
                    )
                elif (partner := exclusive_partner(code, given)) is not None:
                    pair = " and ".join(
                        next(
                            group
                            for group in dimension.exclusive_sets_of(code.abbreviation)
                            if partner.abbreviation in group
                        )
                    )
                    self.exclusive_breaks.setdefault((dimension.name, pair), []).append(record.row)
                else:
                    taken.add(code.pk)
                    given.append(code)
                    if not dimension.multiple:
                        single_dimensions.add(dimension.pk)
                    chosen.append((utterance.position, code))

    def _exclusive_problems(self) -> None:
        """One problem naming every row that gives two codes the scheme declares exclusive
        (one of SR and CR per utterance, say)."""
        breaks = self.exclusive_breaks
        if not breaks:
            return
        listed = "; ".join(
            f"{pair} in {dimension} on {'row' if len(rows) == 1 else 'rows'} "
            f"{', '.join(str(row) for row in rows)}"
            for (dimension, pair), rows in breaks.items()
        )
        self.plan.add(
            f"codes that exclude each other on one utterance are given together: {listed}; "
            f"{self.options.scheme.slug} allows one code of each such set per utterance",
            min(rows[0] for rows in breaks.values()),
        )

    def _unknown_values_problem(self, codes: list[Code]) -> None:
        unknown = self.plan.unknown_values
        if not unknown:
            return
        listed = "; ".join(f"{value!r} ({_rows_text(rows)})" for value, rows in unknown.items())
        valid = ", ".join(code.abbreviation for code in codes)
        first_row = min(rows[0] for rows in unknown.values())
        self.plan.problems.insert(
            0,
            Problem(
                f"unknown code values: {listed}; valid values (abbreviation or name, any case) "
                f"of {self.options.scheme.slug}: {valid}",
                self.plan.filename,
                first_row,
            ),
        )

    # -------------------------------------------------------------- coders and codings

    def _coders(self, first_rows: dict[str, int]) -> None:
        usernames = list(first_rows)
        existing = dict(User.objects.filter(username__in=usernames).values_list("username", "pk"))
        members = set(
            Membership.objects.filter(
                agency=self.agency, user_id__in=existing.values()
            ).values_list("user_id", flat=True)
        )
        self.plan.coders = usernames
        self.plan.new_coders = [name for name in usernames if name not in existing]
        self.plan.joining_coders = [
            name for name in usernames if name in existing and existing[name] not in members
        ]
        if not self.options.outside_users_join:
            for name in self.plan.joining_coders:
                self.plan.add(
                    f"coder {name!r} is the user name of an account outside this agency; an "
                    "admin can invite them to the agency first, or use another name",
                    first_rows[name],
                )

    def _existing_codings(self, transcripts: list[Transcript]) -> dict[int, list[_Existing]]:
        """{transcript id: its personal and consensus codings with the scheme}."""
        found: dict[int, list[_Existing]] = defaultdict(list)
        rows = Coding.objects.filter(
            transcript__in=transcripts,
            scheme=self.options.scheme,
            kind__in=[*PERSONAL_KINDS, CodingKind.CONSENSUS],
        ).values_list("transcript_id", "pk", "coder__username", "kind", "status")
        for transcript_id, pk, username, kind, status in rows:
            submitted = status == CodingStatus.SUBMITTED
            found[transcript_id].append(_Existing(pk, username, kind, submitted))
        return found

    def _replaceable(
        self, planned: PlannedTranscript, coding: PlannedCoding, existing: list[_Existing]
    ) -> int | None:
        """The coder's coding that ``coding`` may replace; None, saying why, if it may not."""
        (own,) = [e for e in existing if e.coder == coding.coder and e.personal]
        why = None
        if not own.submitted:
            why = "is still in progress; only a submitted coding can be replaced"
        elif own.kind == CodingKind.GOLD:
            why = "is a gold standard (coders train against it); unmark it first"
        elif any(e.kind == CodingKind.CONSENSUS for e in existing):
            why = "was reconciled into a consensus coding, which would lose its source"
        if why is None:
            return own.pk
        self.plan.add(
            f"transcript {planned.title!r}: the coding by {coding.coder} with "
            f"{self.options.scheme.slug} {why}; it cannot be replaced",
            coding.row,
        )
        return None

    def _assign_kinds(self, planned: PlannedTranscript, found: list[_Existing]) -> None:
        existing = [e for e in found if e.personal]
        coders = {e.coder for e in existing}
        importing = {coding.coder for coding in planned.codings}
        for coding in planned.codings:
            if coding.coder in coders:
                if self.options.replace:
                    coding.replaces = self._replaceable(planned, coding, found)
                else:
                    self.plan.add(
                        f"transcript {planned.title!r} already has a coding by {coding.coder} "
                        f"with {self.options.scheme.slug}; replace it to import this one",
                        coding.row,
                    )
        kept_primary = any(
            e.kind == CodingKind.PRIMARY and e.coder not in importing for e in existing
        )
        for index, coding in enumerate(planned.codings):
            primary = index == 0 and not kept_primary
            coding.kind = CodingKind.PRIMARY if primary else CodingKind.DOUBLE

    # -------------------------------------------------------------- globals

    def _globals(self, scales: list[GlobalScale]) -> None:
        table = self.globals_table
        if table is None:
            return
        columns = self._resolve(table, [(name, name) for name in GLOBAL_COLUMNS])
        if columns is None:
            return
        lookup: dict[str, GlobalScale] = {}
        for scale in scales:
            lookup.setdefault(scale.slug.casefold(), scale)
        for scale in scales:
            lookup.setdefault(scale.name.casefold(), scale)
        codings = {
            (transcript.title, coding.coder): coding
            for transcript in self.plan.transcripts
            for coding in transcript.codings
        }
        seen: dict[tuple[str, str, int], int] = {}
        for row in table.rows:
            values = {key: row.get(column) for key, column in columns.items()}

            def problem(message: str, row: Row = row) -> None:
                self.plan.add(message, row.number, filename=table.filename)

            if not values["value"] or values["value"].casefold() in self.ignore:
                continue
            coding = codings.get((values["transcript"], values["coder"]))
            scale = lookup.get(values["scale"].casefold())
            if coding is None:
                problem(
                    f"no coding of transcript {values['transcript']!r} by coder "
                    f"{values['coder']!r} in {self.plan.filename}"
                )
                continue
            if scale is None:
                valid = ", ".join(s.slug for s in scales) or "none"
                problem(
                    f"unknown global {values['scale']!r}; the globals of "
                    f"{self.options.scheme.slug} are {valid}"
                )
                continue
            try:
                number = float(values["value"])
            except ValueError:
                number = math.nan
            if not number.is_integer() or not scale.min_value <= number <= scale.max_value:
                problem(
                    f"{scale.slug} takes a whole number from {scale.min_value} to "
                    f"{scale.max_value}, not {values['value']!r}"
                )
                continue
            key = (values["transcript"], values["coder"], scale.pk)
            if key in seen:
                problem(
                    f"a second {scale.slug} rating of transcript {key[0]!r} by {key[1]!r} "
                    f"(the first is row {seen[key]})"
                )
                continue
            seen[key] = row.number
            coding.ratings[scale.pk] = (scale, int(number))

    # -------------------------------------------------------------- the whole file

    def run(self) -> ImportPlan:
        plan = self.plan
        scheme = self.options.scheme
        if scheme.agency_id is not None and scheme.agency_id != self.agency.pk:
            plan.add(f"coding scheme {scheme.slug!r} belongs to another agency")
            return plan
        practitioner = self.options.practitioner
        if practitioner is not None and practitioner.agency_id != self.agency.pk:
            plan.add(f"practitioner {practitioner.display_name!r} belongs to another agency")
            return plan
        both = labels_in_both(
            [label.strip() for label in self.options.practitioner_speakers],
            [label.strip() for label in self.options.client_speakers],
        )
        if both:
            plan.add(
                f"speaker {both[0]!r} is named both as the practitioner and as the client; "
                "give each speaker one role"
            )
            return plan
        records = self._records()
        if not records:
            return plan
        codes = list(
            Code.objects.filter(scheme=scheme)
            .select_related("dimension")
            .order_by("dimension__position", "position", "pk")
        )
        lookup = _code_lookup(codes)
        by_transcript: dict[str, dict[str, list[_Record]]] = defaultdict(lambda: defaultdict(list))
        for record in records:
            by_transcript[record.transcript][record.coder].append(record)
        plan.speakers = speaker_roles(
            dict.fromkeys(record.speaker for record in records),
            self.options.practitioner_speakers,
            self.options.client_speakers,
        )
        existing = self._existing_transcripts(list(by_transcript))
        single = [found[0] for found in existing.values() if len(found) == 1]
        existing_utterances = self._existing_utterances(single)
        existing_codings = self._existing_codings(single)
        for title, coders in by_transcript.items():
            first = next(iter(coders))
            found = existing.get(title, [])
            planned = PlannedTranscript(
                title=title, row=coders[first][0].row, existing=found[0] if found else None
            )
            if len(found) > 1:
                plan.add(
                    f"{len(found)} transcripts of the agency are titled {title!r}; titles must "
                    "be unique for imported codings to attach to them",
                    planned.row,
                )
                continue
            planned.utterances = self._utterances(coders[first], plan.speakers)
            if found and not self._match_existing(planned, existing_utterances[found[0].pk], first):
                continue
            by_ref = {utterance.ref: utterance for utterance in planned.utterances}
            for coder, coder_records in coders.items():
                coding = PlannedCoding(
                    coder=coder, kind=CodingKind.DOUBLE, row=coder_records[0].row
                )
                if coder == first:
                    pairs = [(record, by_ref[record.utterance]) for record in coder_records]
                else:
                    pairs = self._check_other_coder(planned, first, coder, coder_records)
                for record, utterance in pairs:
                    self._codes(record, utterance, lookup, coding.codes)
                planned.codings.append(coding)
            self._assign_kinds(planned, existing_codings.get(found[0].pk, []) if found else [])
            plan.transcripts.append(planned)
        self._unknown_values_problem(codes)
        self._exclusive_problems()
        if plan.new_transcripts and practitioner is None:
            titles = ", ".join(repr(t.title) for t in plan.new_transcripts[:5])
            if len(plan.new_transcripts) > 5:
                titles += ", …"
            count = len(plan.new_transcripts)
            plan.add(
                f"{count} transcript{'s are' if count > 1 else ' is'} not in the agency yet "
                f"({titles}); choose the practitioner whose sessions they are"
            )
        first_rows: dict[str, int] = {}
        for record in records:
            first_rows.setdefault(record.coder, record.row)
        self._coders(first_rows)
        self._globals(list(GlobalScale.objects.filter(scheme=scheme).order_by("position", "pk")))
        return plan


def plan_import(
    *,
    agency: Agency,
    table: Table,
    options: ImportOptions,
    globals_table: Table | None = None,
) -> ImportPlan:
    """Everything an import of ``table`` would write, or the problems that stop it."""
    return _Planner(agency, table, options, globals_table).run()
