"""The data of the load test: one agency as a state service would run it.

    DATABASE_URL=postgres://…/mi_load python bench/load/seed_load.py [--coders 200]

The database named in DATABASE_URL is emptied first (never point it at real data). It holds:

- 1,000 double-coded, submitted transcripts of 300 utterances (the reliability benchmark's
  data) spread over 20 practitioners, for the researcher and the dashboards;
- ``--coders`` coders (203 users in all with two supervisors and the researcher), each with an
  open coding of a transcript of their own, 300 utterances long;
- a signed-in session for every user, so the load measures coding, not password hashing.

It writes what the simulated users need (session keys, coding, utterance and code ids) to
``$MI_VAR_DIR/load/load.json`` (``var/load/load.json``), which the locustfile reads. The
server must use the same ``SECRET_KEY`` (the same ``var/secret_key``), as sessions are
signed with it.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from bench_reliability import CODE_SHARES, UTTERANCES, build  # noqa: E402
from common import setup_django  # noqa: E402

PRACTITIONERS = 20


def session_for(user: object) -> str:
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "accounts.backends.MembershipBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.set_expiry(24 * 3600)
    session.create()
    return session.session_key


def seed(coders: int, transcripts: int) -> dict:
    from django.db import connection, transaction

    from accounts.models import Role
    from tests import factories
    from transcripts.models import SpeakerRole, Transcript, Utterance

    agency, researcher = build(transcripts)
    practitioners = [
        factories.make_practitioner(agency, f"Practitioner {n:02d}") for n in range(PRACTITIONERS)
    ]
    sessions = list(Transcript.objects.filter(agency=agency).order_by("pk"))
    for index, session in enumerate(sessions):
        session.practitioner = practitioners[index % PRACTITIONERS]
    Transcript.objects.bulk_update(sessions, ["practitioner"], batch_size=1000)

    supervisors = [
        factories.make_user(agency, Role.SUPERVISOR, username=f"load-supervisor-{n}")
        for n in range(2)
    ]
    scheme = factories.miti()
    codes = [factories.code(abbreviation).pk for abbreviation in CODE_SHARES]
    work = []
    with transaction.atomic():
        users = [
            factories.make_user(agency, Role.CODER, username=f"load-coder-{n:03d}")
            for n in range(coders)
        ]
        own = Transcript.objects.bulk_create(
            [
                Transcript(
                    agency=agency,
                    practitioner=practitioners[n % PRACTITIONERS],
                    title=f"Load session {n}",
                    session_date=datetime.date(2026, 1, 1) + datetime.timedelta(days=n % 300),
                )
                for n in range(coders)
            ]
        )
        Utterance.objects.bulk_create(
            [
                Utterance(
                    transcript=session,
                    position=position,
                    speaker_label="Counselor" if position % 2 else "Client",
                    speaker_role=SpeakerRole.PRACTITIONER if position % 2 else SpeakerRole.CLIENT,
                    text=f"Load utterance {position}.",
                    start_seconds=position * 4.0,
                    end_seconds=position * 4.0 + 3,
                )
                for session in own
                for position in range(1, UTTERANCES + 1)
            ],
            batch_size=5000,
        )
        for user, session in zip(users, own, strict=True):
            coding = factories.make_coding(session, user, scheme)
            practitioner_utterances = list(
                session.utterances.filter(speaker_role=SpeakerRole.PRACTITIONER)
                .order_by("position")
                .values_list("pk", flat=True)
            )
            work.append(
                {
                    "session": session_for(user),
                    "coding": coding.pk,
                    "utterances": practitioner_utterances,
                }
            )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {
        "coders": work,
        "codes": codes,
        "supervisors": [session_for(user) for user in supervisors],
        "researcher": session_for(researcher),
        "practitioners": [p.pk for p in practitioners],
        "scheme": scheme.slug,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--coders", type=int, default=200)
    parser.add_argument("--transcripts", type=int, default=1000)
    args = parser.parse_args()
    if "DATABASE_URL" not in os.environ:
        raise SystemExit("set DATABASE_URL to the database make serve will use")
    setup_django()
    from django.conf import settings

    started = time.perf_counter()
    data = seed(args.coders, args.transcripts)
    out = Path(settings.VAR_DIR) / "load" / "load.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(data))
    print(
        f"seeded {args.transcripts} double-coded transcripts and {args.coders} coders in "
        f"{time.perf_counter() - started:.0f} s; wrote {out}"
    )


if __name__ == "__main__":
    main()
