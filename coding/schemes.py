"""Reading and checking coding-scheme definitions (the JSON format users write).

``validate_definition`` returns a normalised copy of the definition or raises
``SchemeError`` naming the first thing at fault. It touches no database.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

SHIPPED_DIR = Path(__file__).resolve().parent / "shipped_schemes"
SPEAKERS = ("practitioner", "client", "any")
SUMMARY_TYPES = ("mean", "sum", "ratio")
# Keys the coding workspace keeps for itself (navigation, notes, help, undo, audio).
RESERVED_KEYS = frozenset({"j", "k", "n", "?", " ", "z", "[", "]"})
_SLUG = re.compile(r"^[-a-zA-Z0-9_.]+$")


class SchemeError(ValueError):
    """A scheme definition that cannot be loaded; the message says where and why."""


def _text(value: Any, where: str, *, required: bool = True, limit: int = 200) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise SchemeError(f"{where} must be text")
    value = value.strip()
    if required and not value:
        raise SchemeError(f"{where} is required")
    if len(value) > limit:
        raise SchemeError(f"{where} is longer than {limit} characters")
    return value


def _slug(value: Any, where: str) -> str:
    slug = _text(value, where, limit=64)
    if not _SLUG.match(slug):
        raise SchemeError(f"{where} {slug!r} may hold only letters, digits, '-', '_' and '.'")
    return slug


def _list(value: Any, where: str, *, allow_empty: bool = False) -> list:
    if not isinstance(value, list) or (not value and not allow_empty):
        raise SchemeError(f"{where} must be a non-empty list")
    return value


def _number(value: Any, where: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise SchemeError(f"{where} must be a number or null")
    return float(value)


def _dimension(raw: Any, index: int, seen_abbr: set[str], seen_keys: set[str]) -> dict:
    where = f"dimensions[{index}]"
    if not isinstance(raw, dict):
        raise SchemeError(f"{where} must be an object")
    speaker = raw.get("speaker", "practitioner")
    if speaker not in SPEAKERS:
        raise SchemeError(f"{where}.speaker must be one of {', '.join(SPEAKERS)}")
    multiple = raw.get("multiple", False)
    if not isinstance(multiple, bool):
        raise SchemeError(f"{where}.multiple must be true or false")
    codes = []
    for code_index, code in enumerate(_list(raw.get("codes"), f"{where}.codes")):
        code_where = f"{where}.codes[{code_index}]"
        if not isinstance(code, dict):
            raise SchemeError(f"{code_where} must be an object")
        abbreviation = _text(code.get("abbreviation"), f"{code_where}.abbreviation", limit=32)
        if abbreviation.lower() in seen_abbr:
            raise SchemeError(f"code {abbreviation!r} appears twice in the scheme")
        seen_abbr.add(abbreviation.lower())
        key = code.get("key") or ""
        if not isinstance(key, str) or len(key) > 1:
            raise SchemeError(f"{code_where}.key must be a single character")
        key = key.lower()
        if key in RESERVED_KEYS:
            raise SchemeError(f"{code_where}.key {key!r} is reserved by the coding workspace")
        if key and key in seen_keys:
            raise SchemeError(f"key {key!r} is used by two codes")
        if key:
            seen_keys.add(key)
        codes.append(
            {
                "abbreviation": abbreviation,
                "name": _text(code.get("name"), f"{code_where}.name", limit=120),
                "key": key,
                "group": _text(code.get("group"), f"{code_where}.group", required=False, limit=60),
                "description": _text(
                    code.get("description"), f"{code_where}.description", required=False, limit=4000
                ),
            }
        )
    return {
        "slug": _slug(raw.get("slug"), f"{where}.slug"),
        "name": _text(raw.get("name"), f"{where}.name", limit=120),
        "speaker": speaker,
        "multiple": multiple,
        "codes": codes,
        "exclusive": _exclusive(raw.get("exclusive"), where, multiple, codes),
    }


def _exclusive(value: Any, where: str, multiple: bool, codes: list[dict]) -> list[list[str]]:
    """Sets of codes of a multi-code dimension of which one utterance carries at most one
    (say SR and CR), as lists of the codes' abbreviations."""
    if value is None:
        return []
    where = f"{where}.exclusive"
    if not isinstance(value, list):
        raise SchemeError(f"{where} must be a list of lists of code abbreviations")
    if value and not multiple:
        raise SchemeError(
            f"{where}: a single-code dimension already allows one code per utterance; "
            "exclusive sets belong to a dimension with multiple: true"
        )
    known = {code["abbreviation"] for code in codes}
    sets: list[list[str]] = []
    for index, group in enumerate(value):
        if not isinstance(group, list) or len(group) < 2:
            raise SchemeError(f"{where}[{index}] must list at least two code abbreviations")
        for item in group:
            if not isinstance(item, str) or item not in known:
                raise SchemeError(
                    f"{where}[{index}] names {item!r}, which is not a code of this dimension "
                    f"(its codes are {', '.join(sorted(known))})"
                )
        if len(set(group)) != len(group):
            raise SchemeError(f"{where}[{index}] names a code twice")
        if sorted(group) in [sorted(other) for other in sets]:
            raise SchemeError(f"{where}[{index}] repeats an earlier set")
        sets.append(list(group))
    return sets


def _global(raw: Any, index: int) -> dict:
    where = f"globals[{index}]"
    if not isinstance(raw, dict):
        raise SchemeError(f"{where} must be an object")
    low, high = raw.get("min", 1), raw.get("max", 5)
    if isinstance(low, bool) or isinstance(high, bool):
        raise SchemeError(f"{where}.min and max must be whole numbers")
    if not isinstance(low, int) or not isinstance(high, int) or low >= high:
        raise SchemeError(f"{where}.min and max must be whole numbers with min < max")
    anchors = raw.get("anchors") or {}
    if not isinstance(anchors, dict):
        raise SchemeError(f"{where}.anchors must be an object keyed by level")
    clean_anchors = {}
    for level, text in anchors.items():
        try:
            number = int(level)
        except (TypeError, ValueError) as exc:
            raise SchemeError(f"{where}.anchors key {level!r} is not a level") from exc
        if not low <= number <= high:
            raise SchemeError(f"{where}.anchors level {number} is outside {low}–{high}")
        clean_anchors[str(number)] = _text(text, f"{where}.anchors[{level}]", limit=2000)
    return {
        "slug": _slug(raw.get("slug"), f"{where}.slug"),
        "name": _text(raw.get("name"), f"{where}.name", limit=120),
        "description": _text(
            raw.get("description"), f"{where}.description", required=False, limit=4000
        ),
        "min": low,
        "max": high,
        "anchors": clean_anchors,
    }


def _summary(raw: Any, index: int, codes: set[str], globals_: set[str]) -> dict:
    where = f"summary_scores[{index}]"
    if not isinstance(raw, dict):
        raise SchemeError(f"{where} must be an object")
    kind = raw.get("type")
    if kind not in SUMMARY_TYPES:
        raise SchemeError(f"{where}.type must be one of {', '.join(SUMMARY_TYPES)}")
    result: dict[str, Any] = {
        "slug": _slug(raw.get("slug"), f"{where}.slug"),
        "name": _text(raw.get("name"), f"{where}.name", limit=120),
        "type": kind,
    }

    def refs(field: str, known: set[str], what: str) -> list[str]:
        items = _list(raw.get(field), f"{where}.{field}")
        for item in items:
            if item not in known:
                raise SchemeError(f"{where}.{field} names unknown {what} {item!r}")
        return list(items)

    if kind == "mean":
        result["of"] = refs("of", globals_, "global")
    elif kind == "sum":
        result["of"] = refs("of", codes, "code")
    else:
        result["numerator"] = refs("numerator", codes, "code")
        result["denominator"] = refs("denominator", codes, "code")
        percent = raw.get("percent", False)
        if not isinstance(percent, bool):
            raise SchemeError(f"{where}.percent must be true or false")
        result["percent"] = percent
    fair, good = (
        _number(raw.get("fair"), f"{where}.fair"),
        _number(raw.get("good"), f"{where}.good"),
    )
    if fair is not None and good is not None and good < fair:
        raise SchemeError(f"{where}: good ({good:g}) is below fair ({fair:g})")
    result["fair"], result["good"] = fair, good
    return result


def validate_definition(raw: Any) -> dict:
    if not isinstance(raw, dict):
        raise SchemeError("a scheme must be a JSON object")
    seen_abbr: set[str] = set()
    seen_keys: set[str] = set()
    dimensions = [
        _dimension(item, index, seen_abbr, seen_keys)
        for index, item in enumerate(_list(raw.get("dimensions"), "dimensions"))
    ]
    if len({d["slug"] for d in dimensions}) != len(dimensions):
        raise SchemeError("two dimensions share a slug")
    globals_ = [
        _global(item, index)
        for index, item in enumerate(_list(raw.get("globals", []), "globals", allow_empty=True))
    ]
    if len({g["slug"] for g in globals_}) != len(globals_):
        raise SchemeError("two globals share a slug")
    code_abbrs = {code["abbreviation"] for d in dimensions for code in d["codes"]}
    global_slugs = {g["slug"] for g in globals_}
    summaries = [
        _summary(item, index, code_abbrs, global_slugs)
        for index, item in enumerate(
            _list(raw.get("summary_scores", []), "summary_scores", allow_empty=True)
        )
    ]
    if len({s["slug"] for s in summaries}) != len(summaries):
        raise SchemeError("two summary scores share a slug")
    return {
        "slug": _slug(raw.get("slug"), "slug"),
        "name": _text(raw.get("name"), "name", limit=120),
        "version": _text(raw.get("version"), "version", required=False, limit=20),
        "description": _text(raw.get("description"), "description", required=False, limit=4000),
        "dimensions": dimensions,
        "globals": globals_,
        "summary_scores": summaries,
    }


def read_definition(path: Path) -> dict:
    try:
        raw = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError) as exc:
        raise SchemeError(f"{path.name}: cannot read: {exc}") from exc
    except json.JSONDecodeError as exc:
        raise SchemeError(f"{path.name}: line {exc.lineno}: not valid JSON ({exc.msg})") from exc
    try:
        return validate_definition(raw)
    except SchemeError as exc:
        raise SchemeError(f"{path.name}: {exc}") from exc


def shipped_definitions() -> list[dict]:
    return [read_definition(path) for path in sorted(SHIPPED_DIR.glob("*.json"))]


def _exclusive_union(target: dict, extra: dict) -> None:
    """Add to ``target`` the exclusive sets of ``extra`` it lacks, where every code of the set
    is a code of ``target`` and ``target`` takes several codes per utterance."""
    if not target.get("multiple"):
        return
    own = {c["abbreviation"] for c in target["codes"]}
    sets = target.setdefault("exclusive", [])
    for group in extra.get("exclusive", []):
        if set(group) <= own and sorted(group) not in [sorted(s) for s in sets]:
            sets.append(list(group))


def definition_union(present: dict, extra: dict) -> dict:
    """``present`` with every dimension, code, global and summary score of ``extra`` that it
    lacks appended (codes matched by abbreviation, the rest by slug; exclusive sets whose codes
    the dimension has). Nothing in ``present`` is removed or rewritten, so loading the union
    never touches existing codings."""
    union = json.loads(json.dumps(present))
    dimensions = {d["slug"]: d for d in union["dimensions"]}
    known = {c["abbreviation"] for d in union["dimensions"] for c in d["codes"]}
    keys = {c["key"] for d in union["dimensions"] for c in d["codes"] if c.get("key")}
    for dimension in extra.get("dimensions", []):
        target = dimensions.get(dimension["slug"])
        if target is None:
            target = {**dimension, "codes": []}
            union["dimensions"].append(target)
            dimensions[target["slug"]] = target
        for code in dimension.get("codes", []):
            if code["abbreviation"] not in known:
                # A key already taken stays with the code that has it; the new one goes keyless.
                key = code.get("key") or ""
                target["codes"].append({**code, "key": "" if key in keys else key})
                known.add(code["abbreviation"])
                keys.add(key)
        _exclusive_union(target, dimension)
    for part in ("globals", "summary_scores"):
        slugs = {item["slug"] for item in union[part]}
        union[part] += [dict(item) for item in extra.get(part, []) if item["slug"] not in slugs]
    return union
