"""Restoring an agency archive into a database that does not have the agency yet."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction

from accounts.models import Agency, User
from coding.definitions import scheme_definitions
from coding.models import CodingScheme
from coding.schemes import SchemeError, definition_union, validate_definition
from coding.services.schemes import scheme_load
from exchange.archive.columns import (
    AGENCY,
    MANY_LOCAL,
    NATURAL,
    USER,
    VALUE,
    ArchiveError,
    Column,
    columns,
    decode_value,
    stored,
)
from exchange.archive.dump import AGENCY_FIELDS, USER_FIELDS
from exchange.archive.registry import ENTRIES, ENTRY_BY_LABEL, FORMAT, NATURAL_KEYS, VERSION, Entry

BATCH = 2000


@dataclass
class Restored:
    agency: Agency
    users_created: int = 0
    users_reused: int = 0
    schemes_created: list[str] = field(default_factory=list)
    schemes_extended: list[str] = field(default_factory=list)  # shared schemes given codes
    rows: dict[str, int] = field(default_factory=dict)


@contextmanager
def _stored_timestamps(model_classes: list[type[models.Model]]) -> Iterator[None]:
    """Keep the archive's created/updated instants instead of stamping them with now.

    Django fills auto_now(_add) fields on every insert; the flags are switched off only for
    the duration of a restore, which runs as a management command in its own process.
    """
    stamped = [
        f
        for model in model_classes
        for f in model._meta.concrete_fields
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]
    saved = [(f, f.auto_now, f.auto_now_add) for f in stamped]
    for f in stamped:
        f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, auto_now, auto_now_add in saved:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


def read_archive(data: bytes, filename: str) -> dict[str, Any]:
    try:
        archive = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ArchiveError(f"{filename} is not UTF-8 text") from exc
    except json.JSONDecodeError as exc:
        raise ArchiveError(f"{filename}: line {exc.lineno}: not valid JSON ({exc.msg})") from exc
    if not isinstance(archive, dict) or archive.get("format") != FORMAT:
        raise ArchiveError(f"{filename} is not an agency archive")
    if archive.get("version") != VERSION:
        raise ArchiveError(
            f"{filename} is archive version {archive.get('version')!r}; this version of the "
            f"application reads version {VERSION}"
        )
    for key, kind in (("agency", dict), ("users", dict), ("schemes", list), ("models", list)):
        if not isinstance(archive.get(key), kind):
            raise ArchiveError(f"{filename}: the archive has no valid {key!r} section")
    return archive


class _Restorer:
    def __init__(self, archive: dict[str, Any], filename: str) -> None:
        self.archive = archive
        self.filename = filename
        self.agency: Agency | None = None
        self.users: dict[str, int] = {}
        self.natural: dict[str, dict[tuple, int]] = {}
        self.positions: dict[str, dict[int, int]] = {}

    def fail(self, message: str) -> ArchiveError:
        return ArchiveError(f"{self.filename}: {message}")

    # ------------------------------------------------------------ agency, users, schemes

    def _agency(self) -> Agency:
        values = self.archive["agency"]
        slug = values.get("slug")
        if not slug:
            raise self.fail("the archive names no agency")
        if Agency.objects.filter(slug=slug).exists():
            raise self.fail(
                f"this database already has an agency {slug!r}; restore into one without it"
            )
        fields = {name: Agency._meta.get_field(name) for name in (*AGENCY_FIELDS, "created_at")}
        # A setting added after the archive was written keeps its default.
        return Agency.objects.create(
            **{name: decode_value(f, values[name]) for name, f in fields.items() if name in values}
        )

    def _users(self, result: Restored) -> None:
        users = self.archive["users"]
        if users.get("fields") != list(USER_FIELDS):
            raise self.fail(f"the users section must have the fields {', '.join(USER_FIELDS)}")
        rows = users.get("rows") or []
        names = [row[0] for row in rows]
        existing = dict(User.objects.filter(username__in=names).values_list("username", "pk"))
        fields = [User._meta.get_field(name) for name in USER_FIELDS]
        new = [
            User(
                **{f.attname: decode_value(f, value) for f, value in zip(fields, row, strict=True)}
            )
            for row in rows
            if row[0] not in existing
        ]
        User.objects.bulk_create(new, batch_size=BATCH)
        self.users = {**existing, **{user.username: user.pk for user in new}}
        result.users_created, result.users_reused = len(new), len(existing)

    def _schemes(self, result: Restored) -> None:
        for item in self.archive["schemes"]:
            slug, owner = item.get("slug"), item.get("owner")
            present = CodingScheme.objects.filter(slug=slug).first()
            if owner == "agency" and present is not None:
                raise self.fail(f"this database already has a coding scheme {slug!r}")
            if present is not None and present.agency_id is not None:
                raise self.fail(f"coding scheme {slug!r} belongs to an agency of this database")
            definition = item.get("definition")
            try:
                if present is not None:
                    # A shared scheme: add the codes the archive's agency added to it, if any.
                    current = scheme_definitions([present])[present.pk]
                    definition = definition_union(current, validate_definition(definition))
                    if definition == current:
                        continue
                scheme_load(
                    definition=definition, agency=self.agency if owner == "agency" else None
                )
            except SchemeError as exc:
                raise self.fail(f"scheme {slug!r}: {exc}") from exc
            except ValidationError as exc:
                raise self.fail(f"scheme {slug!r}: {'; '.join(exc.messages)}") from exc
            (result.schemes_extended if present else result.schemes_created).append(slug)
        slugs = [item.get("slug") for item in self.archive["schemes"]]
        for model, key in NATURAL_KEYS.items():
            rows = model.objects.filter(**{f"{key.fields[0]}__in": slugs}).values_list(
                "pk", *key.fields
            )
            self.natural[model._meta.label_lower] = {tuple(values): pk for pk, *values in rows}

    # ------------------------------------------------------------ rows

    def _decode(self, column: Column, value: Any, where: str) -> Any:
        if column.kind == VALUE:
            return decode_value(column.field, value)
        if column.kind == MANY_LOCAL:
            return [self._local(column.target, item, where) for item in value or []]
        if value is None:
            return None
        if column.kind == USER:
            if value not in self.users:
                raise self.fail(f"{where}: user {value!r} is not in the archive's users")
            return self.users[value]
        if column.kind == NATURAL:
            key = tuple(value) if isinstance(value, list) else (value,)
            pk = self.natural[column.target].get(key)
            if pk is None:
                raise self.fail(f"{where}: {column.target} {list(key)} is not in this database")
            return pk
        return self._local(column.target, value, where)

    def _local(self, label: str, position: Any, where: str) -> int:
        pk = self.positions.get(label, {}).get(position)
        if pk is None:
            raise self.fail(f"{where}: there is no {label} number {position!r} in the archive")
        return pk

    def _generic(self, object_type: str, value: Any, where: str) -> str:
        if isinstance(value, str):
            return value
        if not isinstance(value, list) or not value:
            raise self.fail(f"{where}: cannot read the object reference {value!r}")
        kind, *rest = value
        if kind == "row":
            return str(self._local(object_type, rest[0], where))
        if kind == "user" and rest and rest[0] in self.users:
            return str(self.users[rest[0]])
        if kind == "agency":
            return str(self.agency.pk)
        if kind == "key" and object_type in self.natural:
            pk = self.natural[object_type].get(tuple(rest[0]))
            if pk is not None:
                return str(pk)
        raise self.fail(f"{where}: cannot resolve the object reference {value!r}")

    def _columns(self, entry: Entry, names: list[str]) -> list[Column]:
        by_name = {column.name: column for column in stored(entry.model)}
        unknown = [name for name in names if name not in by_name]
        if unknown:
            raise self.fail(f"{entry.label} has no field {unknown[0]!r}")
        for column in by_name.values():
            f = column.field
            if column.name not in names and not (f.null or f.has_default() or f.many_to_many):
                raise self.fail(f"{entry.label} rows lack the field {column.name!r}")
        return [by_name[name] for name in names]

    def _table(self, entry: Entry, table: dict[str, Any]) -> int:
        names = table.get("fields") or []
        cols = self._columns(entry, names)
        agency_fields = [c.attname for c in columns(entry.model) if c.kind == AGENCY]
        generic = {id_field: type_field for type_field, id_field in entry.generic_refs}
        objects, links = [], []
        for position, row in enumerate(table.get("rows") or [], start=1):
            where = f"{entry.label} number {position}"
            if not isinstance(row, list) or len(row) != len(cols):
                raise self.fail(f"{where} does not have {len(cols)} values")
            values = dict(zip(names, row, strict=True))
            kwargs: dict[str, Any] = dict.fromkeys(agency_fields, self.agency.pk)
            many: dict[str, list[int]] = {}
            for column, value in zip(cols, row, strict=True):
                if column.attname in generic:
                    object_type = values.get(generic[column.attname], "")
                    kwargs[column.attname] = self._generic(object_type, value, where)
                elif column.kind == MANY_LOCAL:
                    many[column.name] = self._decode(column, value, where)
                else:
                    try:
                        kwargs[column.attname] = self._decode(column, value, where)
                    except ValidationError as exc:
                        message = "; ".join(exc.messages)
                        raise self.fail(f"{where}: {column.name}: {message}") from exc
            objects.append(entry.model(**kwargs))
            links.append(many)
        created = entry.model.objects.bulk_create(objects, batch_size=BATCH)
        self.positions[entry.label] = {i: obj.pk for i, obj in enumerate(created, start=1)}
        for column in cols:
            if column.kind != MANY_LOCAL:
                continue
            through = column.field.remote_field.through
            source, target = column.field.m2m_field_name(), column.field.m2m_reverse_field_name()
            through.objects.bulk_create(
                [
                    through(**{f"{source}_id": obj.pk, f"{target}_id": target_pk})
                    for obj, many in zip(created, links, strict=True)
                    for target_pk in many[column.name]
                ],
                batch_size=BATCH,
            )
        return len(created)

    def run(self) -> Restored:
        tables: dict[str, dict[str, Any]] = {}
        for table in self.archive["models"]:
            label = table.get("model") if isinstance(table, dict) else None
            if label not in ENTRY_BY_LABEL:
                raise self.fail(f"the archive holds rows of {label!r}, unknown to this version")
            tables[label] = table
        model_classes = [Agency, User] + [entry.model for entry in ENTRIES]
        try:
            with transaction.atomic(), _stored_timestamps(model_classes):
                self.agency = self._agency()
                result = Restored(agency=self.agency)
                self._users(result)
                self._schemes(result)
                for entry in ENTRIES:
                    table = tables.get(entry.label, {"fields": [], "rows": []})
                    result.rows[entry.label] = self._table(entry, table)
        except IntegrityError as exc:
            raise self.fail(f"the archive's rows break a rule of the database: {exc}") from exc
        except ValidationError as exc:
            raise self.fail(
                f"the archive holds an invalid value: {'; '.join(exc.messages)}"
            ) from exc
        except (KeyError, TypeError, IndexError, AttributeError) as exc:
            raise self.fail(f"the archive is malformed ({exc!r})") from exc
        return result


def archive_restore(data: bytes, *, filename: str = "archive") -> Restored:
    """Create the archived agency, its people and all its rows, in one transaction."""
    return _Restorer(read_archive(data, filename), filename).run()
