from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import Agency, User
from accounts.services import audit_record
from coding.definitions import scheme_definitions
from coding.models import (
    Code,
    Coding,
    CodingScheme,
    Dimension,
    GlobalScale,
    SummaryScore,
    ThresholdOverride,
)
from coding.schemes import (
    SchemeError,
    definition_union,
    shipped_definitions,
    validate_definition,
)
from coding.services.rules import scheme_codes_forget


def _refuse_destructive_change(scheme: CodingScheme, definition: dict) -> None:
    """A scheme already used by a coding may gain codes, but never lose or reshape them."""
    dimensions = {d["slug"]: d for d in definition["dimensions"]}
    codes = {
        c["abbreviation"]: (d["slug"], c) for d in definition["dimensions"] for c in d["codes"]
    }
    scales = {g["slug"]: g for g in definition["globals"]}
    summaries = {s["slug"] for s in definition["summary_scores"]}
    for dimension in scheme.dimensions.all():
        new = dimensions.get(dimension.slug)
        if new is None:
            raise SchemeError(f"dimension {dimension.slug!r} is in use and cannot be removed")
        if new["speaker"] != dimension.speaker or new["multiple"] != dimension.multiple:
            raise SchemeError(
                f"dimension {dimension.slug!r} is in use: its speaker and single/multiple rule "
                "cannot change"
            )
    for code in scheme.codes.select_related("dimension"):
        if code.abbreviation not in codes:
            raise SchemeError(
                f"code {code.abbreviation!r} is in use and cannot be removed or renamed"
            )
        dimension_slug, new = codes[code.abbreviation]
        if dimension_slug != code.dimension.slug:
            raise SchemeError(f"code {code.abbreviation!r} is in use and cannot change dimension")
        if new["name"] != code.name:
            raise SchemeError(f"code {code.abbreviation!r} is in use and cannot be renamed")
    for scale in scheme.globals.all():
        new = scales.get(scale.slug)
        if new is None:
            raise SchemeError(f"global {scale.slug!r} is in use and cannot be removed")
        if (new["min"], new["max"]) != (scale.min_value, scale.max_value):
            raise SchemeError(f"global {scale.slug!r} is in use: its range cannot change")
    for slug in scheme.summary_scores.values_list("slug", flat=True):
        if slug not in summaries:
            raise SchemeError(f"summary score {slug!r} is in use and cannot be removed")


def _sync(model: type, existing: dict, wanted: dict, make: callable) -> None:
    """Update rows whose key is wanted, create new ones, delete the rest."""
    for key, obj in existing.items():
        if key not in wanted:
            obj.delete()
    for position, (key, values) in enumerate(wanted.items()):
        obj = existing.get(key)
        fields = make(values, position)
        if obj is None:
            model.objects.create(**fields)
        else:
            changed = [name for name, value in fields.items() if getattr(obj, name) != value]
            for name in changed:
                setattr(obj, name, fields[name])
            if changed:
                obj.save(update_fields=changed)


@transaction.atomic
def scheme_load(*, definition: dict, agency: Agency | None = None) -> tuple[CodingScheme, bool]:
    """Create or update a scheme from its JSON definition. Returns (scheme, created)."""
    try:
        definition = validate_definition(definition)
    except SchemeError as exc:
        raise ValidationError(str(exc)) from exc
    scheme = CodingScheme.objects.filter(slug=definition["slug"]).first()
    created = scheme is None
    if scheme is not None and scheme.agency_id != (agency.pk if agency else None):
        raise ValidationError(f"scheme {scheme.slug!r} belongs to another owner")
    if scheme is not None and Coding.objects.filter(scheme=scheme).exists():
        try:
            _refuse_destructive_change(scheme, definition)
        except SchemeError as exc:
            raise ValidationError(f"{scheme.slug}: {exc}") from exc
    if created:
        scheme = CodingScheme(slug=definition["slug"], agency=agency)
    scheme.name = definition["name"]
    scheme.version = definition["version"]
    scheme.description = definition["description"]
    scheme.save()

    # Codes are keyed by abbreviation across the scheme; clear keys first so that swapping two
    # keys does not trip the unique-key constraint half-way.
    scheme.codes.update(key="")
    wanted_dimensions = {d["slug"]: d for d in definition["dimensions"]}
    _sync(
        Dimension,
        {d.slug: d for d in scheme.dimensions.all()},
        wanted_dimensions,
        lambda d, position: {
            "scheme": scheme,
            "slug": d["slug"],
            "name": d["name"],
            "speaker": d["speaker"],
            "multiple": d["multiple"],
            "exclusive": d["exclusive"],
            "position": position,
        },
    )
    dimensions = {d.slug: d for d in scheme.dimensions.all()}
    wanted_codes = {}
    for d in definition["dimensions"]:
        for position, code in enumerate(d["codes"]):
            wanted_codes[code["abbreviation"]] = {
                **code,
                "dimension": dimensions[d["slug"]],
                "position": position,
            }
    _sync(
        Code,
        {c.abbreviation: c for c in scheme.codes.all()},
        wanted_codes,
        lambda c, _position: {
            "scheme": scheme,
            "dimension": c["dimension"],
            "abbreviation": c["abbreviation"],
            "name": c["name"],
            "key": c["key"],
            "group": c["group"],
            "description": c["description"],
            "position": c["position"],
        },
    )
    _sync(
        GlobalScale,
        {g.slug: g for g in scheme.globals.all()},
        {g["slug"]: g for g in definition["globals"]},
        lambda g, position: {
            "scheme": scheme,
            "slug": g["slug"],
            "name": g["name"],
            "description": g["description"],
            "min_value": g["min"],
            "max_value": g["max"],
            "anchors": g["anchors"],
            "position": position,
        },
    )
    _sync(
        SummaryScore,
        {s.slug: s for s in scheme.summary_scores.all()},
        {s["slug"]: s for s in definition["summary_scores"]},
        lambda s, position: {
            "scheme": scheme,
            "slug": s["slug"],
            "name": s["name"],
            "type": s["type"],
            "definition": {
                k: v for k, v in s.items() if k in ("of", "numerator", "denominator", "percent")
            },
            "fair": s["fair"],
            "good": s["good"],
            "position": position,
        },
    )
    # Other processes see the scheme's new updated_at; this one forgets at once.
    scheme_codes_forget(scheme.pk)
    return scheme, created


def scheme_install_shipped() -> list[CodingScheme]:
    """Create the shipped schemes a database lacks (run after every migrate), and add to the
    others what a newer shipped file has that they lack. A scheme that exists is never cut
    back or rewritten: codes added with ``load_scheme`` and the codings that use them stay."""
    shipped = shipped_definitions()
    existing = CodingScheme.objects.in_bulk([d["slug"] for d in shipped], field_name="slug")
    stored = scheme_definitions([s for s in existing.values() if s.agency_id is None])
    installed = []
    for definition in shipped:
        scheme = existing.get(definition["slug"])
        if scheme is None:
            scheme, _ = scheme_load(definition=definition)
        elif scheme.pk in stored:
            union = definition_union(stored[scheme.pk], definition)
            if union != stored[scheme.pk]:
                scheme_load(definition=union)
        installed.append(scheme)
    return installed


@transaction.atomic
def threshold_set(
    *, agency: Agency, summary_score: SummaryScore, fair: float | None, good: float | None
) -> ThresholdOverride | None:
    """Set an agency's own cut-offs; giving the scheme's defaults back removes the override."""
    if fair is not None and good is not None and good < fair:
        raise ValidationError("the good threshold cannot be below the fair threshold")
    if (fair, good) == (summary_score.fair, summary_score.good):
        ThresholdOverride.objects.filter(agency=agency, summary_score=summary_score).delete()
        return None
    override, _ = ThresholdOverride.objects.update_or_create(
        agency=agency, summary_score=summary_score, defaults={"fair": fair, "good": good}
    )
    return override


def thresholds_update(
    *,
    agency: Agency,
    scheme: CodingScheme,
    thresholds: dict[str, tuple[float | None, float | None]],
    actor: User,
) -> None:
    """Set an agency's cut-offs for several summary scores of one scheme, audited once."""
    summaries = {s.slug: s for s in scheme.summary_scores.all()}
    unknown = sorted(set(thresholds) - set(summaries))
    if unknown:
        raise ValidationError(f"{scheme.name} has no summary score {', '.join(unknown)}")
    with transaction.atomic():
        for slug, (fair, good) in thresholds.items():
            threshold_set(agency=agency, summary_score=summaries[slug], fair=fair, good=good)
        audit_record(
            actor=actor,
            action="scheme.thresholds",
            agency=agency,
            target=scheme,
            details={
                slug: {"fair": fair, "good": good} for slug, (fair, good) in thresholds.items()
            },
        )
