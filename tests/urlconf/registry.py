"""How to reach every URL of the project with the objects of a world (tests/urlconf/world.py).

``REGISTRY`` maps each URL name to an ``Entry``. A URL that takes arguments must be here, or
the matrices fail with "add <name> to the registry": that is what keeps a new endpoint from
slipping past them. URLs without arguments need an entry only to name the ids they read from
the query string or the form they post.

The admin site needs no entry per URL: it is staff-only, every persona is refused it, and
``admin_kwargs`` finds an object of the model a URL names.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

from django.contrib import admin
from django.core.exceptions import FieldError
from django.db.models import Model
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from tests import factories
from tests.urlconf.walk import Route, all_routes
from tests.urlconf.world import World

Builder = Callable[[World], dict[str, object]]


class Refusal(StrEnum):
    """What a person who may not reach an object gets instead of it."""

    NOT_FOUND = "404"  # the default: as if the object did not exist (405 for a wrong method)
    GONE = "gone"  # a preview token of another session: "expired", back to the upload page
    STAFF = "staff"  # the admin site: the sign-in page of the admin site
    LINK = "link"  # a password-reset link: the page saying the link is invalid


@dataclass(frozen=True)
class Entry:
    """``kwargs`` builds the URL's arguments from a world; ``target`` names the kind of object
    they point at (empty where they name none, such as a file format: such a page shows the
    current agency's data; the blinding matrix takes every URL about a coding or transcript);
    ``control`` is the role that reaches the object in its own agency (checked, so that a
    404 elsewhere means something); ``query`` the ids the view reads from the query string,
    ``post`` a valid form for the view (``json`` a valid JSON body) and ``ids`` the fields of
    either that name objects, each built from a world."""

    kwargs: Builder | None = None
    target: str = ""
    control: str = "admin"
    refusal: Refusal = Refusal.NOT_FOUND
    query: dict[str, Callable[[World], object]] = field(default_factory=dict)
    post: Builder | None = None
    json: Builder | None = None
    ids: dict[str, Callable[[World], object]] = field(default_factory=dict)


def pk(name: str, kwarg: str = "pk") -> Builder:
    return lambda w: {kwarg: getattr(w, name).pk}


def _utterance_of(w: World, coding_name: str) -> int:
    """The first utterance of the coding's session; where the session is a recording alone,
    an id no utterance has, so that the request is still well formed and the coding decides
    the answer."""
    utterance = getattr(w, coding_name).transcript.utterances.filter(position=1).first()
    return utterance.pk if utterance is not None else NO_UTTERANCE


NO_UTTERANCE = 2**31 - 7


def _miti(w: World) -> int:
    return factories.miti().pk


def _code_json(w: World) -> dict[str, object]:
    return {
        "utterance": _utterance_of(w, "open_primary"),
        "code": factories.code("Q").pk,
        "action": "set",
    }


def _audio_coding(w: World) -> int:
    """The world's coding made from audio; where a world has none (the blinding situations,
    or a world aliased to one of its codings) the coding the registry names first."""
    return (w.objects.get("audio_coding") or w.open_primary).pk


def _audio_session(w: World) -> int:
    """The world's session known by its recording alone, else its transcript."""
    return (w.objects.get("audio_transcript") or w.transcript).pk


def _reset_link(w: World) -> dict[str, object]:
    user = w.people["admin"]
    return {"uidb64": urlsafe_base64_encode(force_bytes(user.pk)), "token": "set-password"}


def _decision(w: World) -> dict[str, object]:
    return {"item": f"u{w.utterance.pk}", "source": str(w.primary.pk), "reason": "taken"}


RELIABILITY_FILTERS = {
    "scheme": lambda w: "miti-4.2.1",
    "coder": lambda w: w.people["coder"].username,
    "reliability_set": lambda w: w.reliability_set.pk,
    "team": lambda w: w.team.pk,
    "practitioner": lambda w: w.practitioner.pk,
}

CODING = "coding"
TRANSCRIPT = "transcript"

REGISTRY: dict[str, Entry] = {
    # Sign-in and passwords (django.contrib.auth).
    "password_reset_confirm": Entry(kwargs=_reset_link, refusal=Refusal.LINK, control=""),
    # The agency: members, teams, practitioners.
    "accounts:switch": Entry(
        post=lambda w: {"agency": w.agency.pk}, ids={"agency": lambda w: w.agency.pk}
    ),
    "accounts:member_edit": Entry(kwargs=pk("membership"), target="membership"),
    "accounts:member_remove": Entry(kwargs=pk("membership"), target="membership"),
    "accounts:team_edit": Entry(kwargs=pk("team"), target="team"),
    "accounts:team_delete": Entry(kwargs=pk("team"), target="team"),
    "accounts:practitioners": Entry(
        post=lambda w: {"display_name": "New person", "team": w.team.pk, "active": "on"},
        ids={"team": lambda w: w.team.pk, "user": lambda w: w.people["practitioner"].pk},
    ),
    "accounts:practitioner_edit": Entry(kwargs=pk("practitioner"), target="practitioner"),
    # Transcripts.
    "transcripts:list": Entry(
        query={"practitioner": lambda w: w.practitioner.pk, "team": lambda w: w.team.pk}
    ),
    "transcripts:preview": Entry(
        kwargs=lambda w: {"token": w.tokens["preview"]}, target="preview", refusal=Refusal.GONE
    ),
    "transcripts:preview_columns": Entry(
        kwargs=lambda w: {"token": w.tokens["preview"], "index": 0},
        target="preview",
        refusal=Refusal.GONE,
    ),
    "transcripts:detail": Entry(kwargs=pk("transcript"), target=TRANSCRIPT),
    "transcripts:audio": Entry(kwargs=pk("transcript"), target=TRANSCRIPT),
    "transcripts:audio_upload": Entry(kwargs=pk("transcript"), target=TRANSCRIPT),
    "transcripts:audio_remove": Entry(kwargs=pk("transcript"), target=TRANSCRIPT),
    "transcripts:attach": Entry(
        kwargs=lambda w: {"pk": _audio_session(w)}, target=TRANSCRIPT, control="supervisor"
    ),
    "transcripts:edit": Entry(kwargs=pk("transcript"), target=TRANSCRIPT),
    "transcripts:speakers": Entry(kwargs=pk("transcript"), target=TRANSCRIPT),
    "transcripts:segment": Entry(kwargs=pk("transcript"), target=TRANSCRIPT),
    "transcripts:utterance": Entry(
        kwargs=lambda w: {"pk": w.transcript.pk, "utterance_pk": w.utterance.pk},
        target=TRANSCRIPT,
    ),
    "transcripts:delete": Entry(kwargs=pk("transcript"), target=TRANSCRIPT),
    # Codings and the workspace.
    "coding:workspace": Entry(kwargs=pk("primary"), target=CODING),
    "coding:feedback": Entry(kwargs=pk("primary"), target=CODING),
    "coding:submit": Entry(kwargs=pk("open_primary"), target=CODING, control="coder"),
    "coding:reopen": Entry(kwargs=pk("primary"), target=CODING, control="supervisor"),
    "coding:start": Entry(
        kwargs=pk("transcript", "transcript_pk"),
        target=TRANSCRIPT,
        control="coder",
        post=lambda w: {"scheme": "miti-4.2.1"},
    ),
    "coding:api_code": Entry(
        kwargs=pk("open_primary"),
        target=CODING,
        control="coder",
        json=_code_json,
        ids={
            "utterance": lambda w: _utterance_of(w, "open_primary"),
            "code": lambda w: factories.code("Q").pk,
        },
    ),
    "coding:api_note": Entry(
        kwargs=pk("open_primary"),
        target=CODING,
        control="coder",
        json=lambda w: {"utterance": _utterance_of(w, "open_primary"), "text": "A note."},
        ids={"utterance": lambda w: _utterance_of(w, "open_primary")},
    ),
    "coding:api_notes": Entry(
        kwargs=pk("open_primary"), target=CODING, control="coder", json=lambda w: {"text": "x"}
    ),
    "coding:api_global": Entry(
        kwargs=pk("open_primary"),
        target=CODING,
        control="coder",
        json=lambda w: {
            "scale": factories.miti().globals.get(slug="empathy").pk,
            "value": 3,
        },
        ids={"scale": lambda w: factories.miti().globals.get(slug="empathy").pk},
    ),
    "coding:api_tally": Entry(kwargs=pk("primary"), target=CODING, control="coder"),
    "coding:scheme": Entry(kwargs=lambda w: {"slug": w.scheme.slug}, target="scheme"),
    "coding:thresholds": Entry(kwargs=lambda w: {"slug": w.scheme.slug}, target="scheme"),
    # Workflow: assignments, samples, adjudication, gold standards, calibration.
    "workflow:start": Entry(kwargs=pk("assignment"), target="assignment", control="coder"),
    "workflow:overview": Entry(query={"coder": lambda w: w.people["coder"].pk}),
    "workflow:assign": Entry(
        control="supervisor",
        query={"transcript": lambda w: w.assigned_transcript.pk},
        post=lambda w: {
            "transcripts": w.open_transcript.pk,
            "coders": w.people["coder2"].pk,
            "mode": "share",
            "scheme": _miti(w),
        },
        ids={
            "transcripts": lambda w: w.open_transcript.pk,
            "coders": lambda w: w.people["coder2"].pk,
            "scheme": lambda w: w.scheme.pk,
        },
    ),
    "workflow:withdraw": Entry(kwargs=pk("assignment"), target="assignment"),
    "workflow:sample": Entry(
        control="supervisor",
        post=lambda w: {
            "scheme": _miti(w),
            "percent": "50",
            "coders": w.people["coder2"].pk,
            "seed": "5",
        },
        ids={"coders": lambda w: w.people["coder2"].pk, "scheme": lambda w: w.scheme.pk},
    ),
    "workflow:adjudicate": Entry(
        kwargs=lambda w: {"transcript_pk": w.transcript.pk, "scheme_pk": _miti(w)},
        target=TRANSCRIPT,
        control="supervisor",
    ),
    "workflow:decide": Entry(
        kwargs=pk("consensus"),
        target="consensus",
        control="supervisor",
        post=_decision,
        ids={"source": lambda w: w.primary.pk, "codes": lambda w: factories.code("Q").pk},
    ),
    "workflow:finish": Entry(kwargs=pk("consensus"), target="consensus", control="supervisor"),
    "workflow:gold": Entry(query={}),
    "workflow:gold_mark": Entry(kwargs=pk("primary"), target=CODING, control="supervisor"),
    "workflow:gold_unmark": Entry(kwargs=pk("gold"), target=CODING, control="supervisor"),
    "workflow:training": Entry(
        control="supervisor",
        post=lambda w: {"name": "Second set", "scheme": _miti(w), "golds": w.gold.pk},
        ids={"golds": lambda w: w.gold.pk, "scheme": lambda w: w.scheme.pk},
    ),
    "workflow:training_edit": Entry(kwargs=pk("training_set"), target="training_set"),
    "workflow:training_delete": Entry(kwargs=pk("training_set"), target="training_set"),
    "workflow:calibrate": Entry(kwargs=pk("training_set"), target="training_set", control="coder"),
    "workflow:attempt": Entry(kwargs=pk("attempt"), target="attempt", control="coder"),
    "workflow:attempt_finish": Entry(kwargs=pk("attempt"), target="attempt", control="coder"),
    # Reliability, dashboards, data.
    "reliability:index": Entry(
        control="researcher",
        query=RELIABILITY_FILTERS,
    ),
    "reliability:download": Entry(
        kwargs=lambda w: {"fmt": "json"},
        control="researcher",
        query=RELIABILITY_FILTERS,
    ),
    "reliability:cell": Entry(
        control="researcher",
        query={
            **RELIABILITY_FILTERS,
            "a": lambda w: w.people["coder"].username,
            "b": lambda w: w.people["coder2"].username,
            "dimension": lambda w: "behaviour",
        },
    ),
    "dashboards:audit": Entry(query={"team": lambda w: w.team.pk}),
    "dashboards:audit_export": Entry(
        kwargs=lambda w: {"fmt": "csv"}, query={"team": lambda w: w.team.pk}
    ),
    "dashboards:practitioner": Entry(
        kwargs=pk("practitioner"), target="practitioner", query={"scheme": lambda w: w.scheme.slug}
    ),
    "exchange:scores": Entry(
        post=lambda w: {"scope": "agency", "scheme": _miti(w), "format": "csv"},
        ids={"scheme": lambda w: w.scheme.pk},
    ),
    "exchange:codes": Entry(
        post=lambda w: {"scope": "agency", "scheme": _miti(w)},
        ids={"scheme": lambda w: w.scheme.pk},
    ),
    "exchange:import_map": Entry(kwargs=lambda w: {"token": w.tokens["import"]}, target="import"),
    "exchange:import_confirm": Entry(
        kwargs=lambda w: {"token": w.tokens["import"]}, target="import"
    ),
    "exchange:import_cancel": Entry(
        kwargs=lambda w: {"token": w.tokens["import"]}, target="import"
    ),
    # Invitations. A live link is its own key (whoever holds it may open it: tests/accounts
    # covers that); a withdrawn one must tell nobody anything. Answering an invitation from
    # the account page needs the link opened in the same session, so no persona reaches it.
    "invitation": Entry(
        kwargs=lambda w: {"token": w.tokens["withdrawn_invitation"]},
        target="invitation",
        control="",
    ),
    "invitation_respond": Entry(kwargs=pk("invitation"), target="invitation", control=""),
    "accounts:invitation_revoke": Entry(kwargs=pk("invitation"), target="invitation"),
    "accounts:member_unlock": Entry(kwargs=pk("membership"), target="membership"),
    # Calibration retakes: allowed from a coder's attempt, withdrawn while unused.
    "workflow:retake_allow": Entry(kwargs=pk("attempt"), target="attempt", control="supervisor"),
    "workflow:retake_withdraw": Entry(kwargs=pk("retake"), target="retake", control="supervisor"),
    # API tokens: only their owner sees or revokes them.
    "api:token_revoke": Entry(kwargs=pk("access_token"), target="access_token"),
    # A path under /api/v1/ that is no operation: a problem document, whoever asks.
    "api:unknown": Entry(kwargs=lambda w: {"path": f"transcripts/{w.transcript.pk}/x/"}),
    # Suggested codes.
    "suggestions:detail": Entry(kwargs=pk("suggester"), target="suggester", control="supervisor"),
    "suggestions:status": Entry(kwargs=pk("suggester"), target="suggester", control="supervisor"),
    "suggestions:coding": Entry(kwargs=pk("open_primary"), target=CODING, control="coder"),
    "suggestions:accept": Entry(
        kwargs=pk("open_primary"),
        target=CODING,
        control="coder",
        json=lambda w: {
            "utterance": _utterance_of(w, "open_primary"),
            "codes": [factories.code("Q").pk],
        },
        ids={"utterance": lambda w: _utterance_of(w, "open_primary")},
    ),
    "suggestions:estimate": Entry(kwargs=pk("transcript"), target=TRANSCRIPT, control="supervisor"),
    "suggestions:index": Entry(
        control="supervisor",
        post=lambda w: {"scheme": _miti(w)},
        ids={"scheme": lambda w: w.scheme.pk},
    ),
    # Sessions from their recordings, and the volleys of codings made from audio.
    "transcripts:upload_recordings": Entry(
        post=lambda w: {"practitioner": w.practitioner.pk},
        ids={"practitioner": lambda w: w.practitioner.pk},
    ),
    "coding:api_volley": Entry(
        kwargs=lambda w: {"pk": _audio_coding(w)},
        target=CODING,
        control="coder",
        json=lambda w: {"action": "add", "at": 2000, "speaker": "client"},
    ),
    "coding:api_volley_code": Entry(
        kwargs=lambda w: {"pk": _audio_coding(w)},
        target=CODING,
        control="coder",
        json=lambda w: {"at": 1000, "code": factories.code("SR").pk, "action": "set"},
        ids={"code": lambda w: factories.code("SR").pk},
    ),
    "coding:api_volley_note": Entry(
        kwargs=lambda w: {"pk": _audio_coding(w)},
        target=CODING,
        control="coder",
        json=lambda w: {"at": 1000, "text": "A note on a volley.", "for_feedback": True},
    ),
}

# The operations of the API take a token, not a session: tests/api/test_access_matrix.py
# walks them from the OpenAPI schema with the tokens of an outsider and a blinded coder.
# Here they would only ever answer 401; ``test_the_api_matrix_takes_every_api_operation``
# checks that every one left out is in that schema.
API_PREFIX = "api/v1/"
API_PAGES = {"api:schema", "api:docs", "api:unknown"}


def is_api_operation(route: Route) -> bool:
    return route.route.startswith(API_PREFIX) and route.key not in API_PAGES


def matrix_routes() -> list[Route]:
    """Every route the page matrices walk: all of the URLconf but the API's operations."""
    return [route for route in all_routes() if not is_api_operation(route)]


# Models with no agency: shared by all, or the sign-in throttle's records of usernames and
# addresses, which name no agency. The admin site refuses the outsider before it looks.
SHARED_MODELS = {"auth.group", "axes.accessattempt", "axes.accesslog", "axes.accessfailurelog"}

# How an object of an agency is found, tried in turn, for models the admin site lists.
AGENCY_PATHS = (
    "agency",
    "memberships__agency",
    "transcript__agency",
    "coding__transcript__agency",
    "consensus__transcript__agency",
    "attempt__agency",
    "training_set__agency",
    "scheme__agency",
    "summary_score__scheme__agency",
    "user__memberships__agency",
)


def instance_in(world: World, model: type[Model]) -> Model:
    """An object of ``model`` that belongs to the world's agency."""
    if model._meta.label_lower == "accounts.agency":
        return world.agency
    for path in AGENCY_PATHS:
        try:
            found = model.objects.filter(**{path: world.agency}).order_by("pk").first()
        except FieldError:
            continue
        if found is not None:
            return found
    raise AssertionError(
        f"the world holds no {model._meta.label} of its agency: add one to "
        "tests/urlconf/world.py, or a way to find it to AGENCY_PATHS in tests/urlconf/registry.py"
    )


def _admin_model(route: Route) -> type[Model] | None:
    parts = route.route.split("/")
    if len(parts) < 3:
        return None
    for model in admin.site._registry:
        if (model._meta.app_label, model._meta.model_name) == (parts[1], parts[2]):
            return model
    return None


def admin_kwargs(route: Route, world: World) -> dict[str, object]:
    kwargs: dict[str, object] = {}
    model = _admin_model(route)
    for name in route.kwargs:
        if name == "object_id" and "content_type_id" in route.kwargs:
            kwargs[name] = str(world.transcript.pk)
        elif name in ("object_id", "id", "pk"):
            assert model is not None, f"no admin model for {route.key}"
            if model._meta.label_lower in SHARED_MODELS:
                kwargs[name] = "1"
            else:
                kwargs[name] = str(instance_in(world, model).pk)
        elif name == "content_type_id":
            from django.contrib.contenttypes.models import ContentType

            kwargs[name] = ContentType.objects.get_for_model(world.transcript).pk
        elif name == "app_label":
            kwargs[name] = "transcripts"
        elif name == "url":
            kwargs[name] = f"transcripts/transcript/{world.transcript.pk}/change/extra/"
        else:
            raise AssertionError(f"add {route.key} to the registry (admin argument {name})")
    return kwargs


def is_admin(route: Route) -> bool:
    return route.namespace == "admin" or route.route.startswith("admin/")


def entry_for(route: Route) -> Entry:
    """The registry's entry of ``route``, failing loudly when a URL with arguments has none."""
    if is_admin(route):
        return Entry(target="admin", refusal=Refusal.STAFF, control="")
    entry = REGISTRY.get(route.key)
    if entry is None:
        if route.kwargs:
            raise AssertionError(
                f"add {route.key} to the registry in tests/urlconf/registry.py: it takes "
                f"{', '.join(route.kwargs)} and the matrices cannot build them"
            )
        return Entry()
    return entry


def listed(route: Route) -> Entry:
    """The route's entry for choosing which tests take it, never failing at collection: a URL
    missing from the registry fails its tenancy test, by name, instead."""
    try:
        return entry_for(route)
    except AssertionError:
        return Entry(target="unregistered")


def kwargs_for(route: Route, world: World) -> dict[str, object]:
    if is_admin(route):
        return admin_kwargs(route, world)
    entry = entry_for(route)
    if not route.kwargs:
        return {}
    assert entry.kwargs is not None, f"the registry entry of {route.key} builds no kwargs"
    kwargs = entry.kwargs(world)
    assert set(kwargs) == set(route.kwargs), (
        f"the registry builds {sorted(kwargs)} for {route.key}, which takes {sorted(route.kwargs)}"
    )
    return kwargs
