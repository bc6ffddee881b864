"""Writing one agency, whole, as a JSON archive that does not depend on database ids."""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

from accounts.models import Agency, User
from coding.definitions import scheme_definitions
from coding.models import CodingScheme
from exchange.archive.columns import (
    AGENCY,
    MANY_LOCAL,
    NATURAL,
    USER,
    VALUE,
    ArchiveError,
    Column,
    columns,
    encode_value,
    stored,
)
from exchange.archive.registry import ENTRIES, FORMAT, NATURAL_KEYS, VERSION, Entry
from mi_coding.ids import parse_id

AGENCY_FIELDS = (
    "slug",
    "name",
    "coders_see_others_after_submission",
    "calibration_pass_kappa",
    "require_two_factor",
)
USER_FIELDS = (
    "username",
    "first_name",
    "last_name",
    "email",
    "password",
    "is_active",
    "date_joined",
    "last_login",
)
AGENCY_LABEL = Agency._meta.label_lower
USER_LABEL = User._meta.label_lower


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _table_lines(head: list[tuple[str, Any]], rows: list[list[Any]]) -> list[str]:
    """One JSON object, keys in the given order, whose ``rows`` hold one row per line."""
    opening = "{" + "".join(f"{_json(key)}:{_json(value)}," for key, value in head) + '"rows":['
    body = [_json(row) + ("," if index < len(rows) - 1 else "") for index, row in enumerate(rows)]
    return [opening, *body, "]}"]


def render(archive: dict[str, Any]) -> bytes:
    """The archive as text: stable key order, one row per line, so equal archives are equal
    files and two archives compare well with diff."""
    lines = ["{", f'"format":{_json(archive["format"])},', f'"version":{archive["version"]},']
    lines.append(f'"agency":{_json(archive["agency"])},')
    users = archive["users"]
    user_lines = _table_lines([("fields", users["fields"])], users["rows"])
    lines.append('"users":' + user_lines[0])
    lines += user_lines[1:-1] + [user_lines[-1] + ","]
    lines.append('"schemes":[')
    schemes = archive["schemes"]
    lines += [_json(s) + ("," if i < len(schemes) - 1 else "") for i, s in enumerate(schemes)]
    lines.append("],")
    lines.append('"models":[')
    tables = archive["models"]
    for index, table in enumerate(tables):
        table_lines = _table_lines(
            [("model", table["model"]), ("fields", table["fields"])], table["rows"]
        )
        if index < len(tables) - 1:
            table_lines[-1] += ","
        lines += table_lines
    lines += ["]", "}"]
    return ("\n".join(lines) + "\n").encode("utf-8")


class _Dumper:
    def __init__(self, agency: Agency) -> None:
        self.agency = agency
        self.raw: dict[str, list[dict[str, Any]]] = {}
        self.many: dict[tuple[str, str], dict[int, list[int]]] = {}
        self.positions: dict[str, dict[int, int]] = {}
        self.natural: dict[str, dict[int, list[Any]]] = {}
        self.user_ids: set[int] = set()
        self.usernames: dict[int, str] = {}

    def _read(self, entry: Entry) -> None:
        model = entry.model
        cols = columns(model)
        attnames = ["pk"] + [c.attname for c in cols if c.kind != MANY_LOCAL]
        rows = list(
            model.objects.filter(**{entry.agency_path: self.agency})
            .order_by("pk")
            .values(*attnames)
        )
        self.raw[entry.label] = rows
        self.positions[entry.label] = {row["pk"]: index for index, row in enumerate(rows, 1)}
        for column in cols:
            if column.kind == USER:
                self.user_ids.update(row[column.attname] for row in rows if row[column.attname])
            elif column.kind == AGENCY:
                stray = [row["pk"] for row in rows if row[column.attname] != self.agency.pk]
                if stray:
                    raise ArchiveError(f"{entry.label} {stray[0]} belongs to another agency")
            elif column.kind == MANY_LOCAL:
                field = column.field
                through = field.remote_field.through
                source, target = field.m2m_column_name(), field.m2m_reverse_name()
                links: dict[int, list[int]] = defaultdict(list)
                pairs = through.objects.filter(**{f"{source}__in": [r["pk"] for r in rows]})
                for source_id, target_id in pairs.values_list(source, target):
                    links[source_id].append(target_id)
                self.many[(entry.label, column.name)] = links
        for type_field, id_field in entry.generic_refs:
            self.user_ids.update(
                pk
                for row in rows
                if row[type_field] == USER_LABEL and (pk := parse_id(row[id_field])) is not None
            )

    def _load_references(self) -> None:
        for model, key in NATURAL_KEYS.items():
            self.natural[model._meta.label_lower] = {
                pk: list(values)
                for pk, *values in model.objects.values_list("pk", *key.fields).iterator()
            }
        self.usernames = dict(
            User.objects.filter(pk__in=self.user_ids).values_list("pk", "username")
        )

    def _local(self, label: str, pk: int, where: str) -> int:
        position = self.positions[label].get(pk)
        if position is None:
            raise ArchiveError(f"{where} refers to {label} {pk}, which is outside the agency")
        return position

    def _encode(self, column: Column, row: dict[str, Any], label: str) -> Any:
        value = row.get(column.attname)
        where = f"{label} {row['pk']}"
        if column.kind == VALUE:
            return encode_value(value)
        if column.kind == MANY_LOCAL:
            links = self.many[(label, column.name)].get(row["pk"], [])
            return sorted(self._local(column.target, pk, where) for pk in links)
        if value is None:
            return None
        if column.kind == USER:
            return self.usernames[value]
        if column.kind == NATURAL:
            return self.natural[column.target][value]
        return self._local(column.target, value, where)

    def _generic(self, object_type: str, object_id: str) -> Any:
        """A reference to any object: by archive position, username or natural key where
        the object is known, else the stored id unchanged (e.g. a deleted object's)."""
        pk = parse_id(object_id)
        if pk is None:
            return object_id
        if pk in self.positions.get(object_type, {}):
            return ["row", self.positions[object_type][pk]]
        if object_type == USER_LABEL and pk in self.usernames:
            return ["user", self.usernames[pk]]
        if object_type == AGENCY_LABEL and pk == self.agency.pk:
            return ["agency"]
        if pk in self.natural.get(object_type, {}):
            return ["key", self.natural[object_type][pk]]
        return object_id

    def _table(self, entry: Entry) -> dict[str, Any]:
        cols = stored(entry.model)
        generic = {id_field: type_field for type_field, id_field in entry.generic_refs}
        rows = []
        for row in self.raw[entry.label]:
            encoded = []
            for column in cols:
                if column.attname in generic:
                    type_value = row[generic[column.attname]]
                    encoded.append(self._generic(type_value, row[column.attname]))
                else:
                    encoded.append(self._encode(column, row, entry.label))
            rows.append(encoded)
        return {"model": entry.label, "fields": [c.name for c in cols], "rows": rows}

    def _schemes(self, tables: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The agency's own schemes and every scheme its rows name, whole."""
        slugs = set(CodingScheme.objects.filter(agency=self.agency).values_list("slug", flat=True))
        for entry, table in zip(ENTRIES, tables, strict=True):
            natural = [i for i, c in enumerate(stored(entry.model)) if c.kind == NATURAL]
            for row in table["rows"]:
                slugs.update(row[index][0] for index in natural if row[index] is not None)
        schemes = list(CodingScheme.objects.filter(slug__in=slugs).order_by("slug"))
        definitions = scheme_definitions(schemes)
        return [
            {
                "slug": scheme.slug,
                "owner": "agency" if scheme.agency_id == self.agency.pk else "shared",
                "definition": definitions[scheme.pk],
            }
            for scheme in schemes
        ]

    def run(self) -> dict[str, Any]:
        for entry in ENTRIES:
            self._read(entry)
        self._load_references()
        tables = [self._table(entry) for entry in ENTRIES]
        agency_values = {
            name: encode_value(getattr(self.agency, name))
            for name in (*AGENCY_FIELDS, "created_at")
        }
        users = User.objects.filter(pk__in=self.user_ids).order_by("username")
        return {
            "format": FORMAT,
            "version": VERSION,
            "agency": agency_values,
            "users": {
                "fields": list(USER_FIELDS),
                "rows": [
                    [encode_value(value) for value in values]
                    for values in users.values_list(*USER_FIELDS)
                ],
            },
            "schemes": self._schemes(tables),
            "models": tables,
        }


def archive_dump(agency: Agency) -> bytes:
    """Everything of ``agency`` as an archive file's bytes."""
    return render(_Dumper(agency).run())
