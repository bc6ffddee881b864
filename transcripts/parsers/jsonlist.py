"""JSON: a list of ``{"speaker", "text", "start", "end"}`` objects (times optional, in seconds
or ``hh:mm:ss``), or an object holding that list under ``turns`` or ``utterances``."""

from __future__ import annotations

import json

from transcripts.parsers.base import ParsedTranscript, ParseError, TableLayout, Turn
from transcripts.parsers.decoding import decode_text
from transcripts.parsers.timecodes import time_seconds

_SHAPE = 'a list of {"speaker": …, "text": …, "start": …, "end": …} objects'


def parse(data: bytes, filename: str, layout: TableLayout | None = None) -> ParsedTranscript:
    text = decode_text(data, filename)
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ParseError(
            f"this is not valid JSON ({exc.msg})", filename=filename, line=exc.lineno
        ) from exc
    except RecursionError as exc:
        raise ParseError("the JSON is nested too deeply", filename=filename) from exc
    except ValueError as exc:  # e.g. a number with thousands of digits
        raise ParseError(f"this is not valid JSON ({exc})", filename=filename) from exc
    if isinstance(value, dict):
        value = value.get("turns", value.get("utterances"))
    if not isinstance(value, list):
        raise ParseError(f"expected {_SHAPE}", filename=filename)
    turns = [_turn(item, number, filename) for number, item in enumerate(value, start=1)]
    turns = [turn for turn in turns if turn.text]
    if not turns:
        raise ParseError(f"no utterances found; expected {_SHAPE}", filename=filename)
    return ParsedTranscript(filename=filename, format="json", turns=turns, unit="item")


def _turn(item: object, number: int, filename: str) -> Turn:
    def error(message: str) -> ParseError:
        return ParseError(message, filename=filename, line=number, unit="item")

    if not isinstance(item, dict):
        raise error(f"expected an object, found {type(item).__name__}")
    speaker, text = item.get("speaker"), item.get("text")
    if not isinstance(speaker, str | int) or isinstance(speaker, bool) or not str(speaker).strip():
        raise error('"speaker" must be a non-empty string')
    if not isinstance(text, str):
        raise error('"text" must be a string')
    times = {}
    for key in ("start", "end"):
        raw = item.get(key)
        times[key] = None if raw is None or raw == "" else time_seconds(raw)
        if raw not in (None, "") and times[key] is None:
            raise error(f'"{key}" must be seconds or hh:mm:ss, not {str(raw)[:40]!r}')
    if times["start"] is not None and times["end"] is not None and times["end"] < times["start"]:
        raise error('"end" comes before "start"')
    return Turn(
        speaker=" ".join(str(speaker).split()),
        text=" ".join(text.split()),
        start=times["start"],
        end=times["end"],
        line=number,
    )
