"""Every kind of page runs under the Content-Security-Policy with nothing refused and no error
in the console: the policy holds without breaking a page, and a page that starts needing an
inline script or style fails here first."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.models import Practitioner, User
from coding.models import Coding, CodingStatus
from demo.seed import DEMO_PASSWORD
from tests.browser.conftest import ProblemWatch

TRANSCRIPT = b"Therapist: What brings you in?\nClient: My drinking.\nTherapist: Tell me more.\n"


def _visit(watch: ProblemWatch, url: str, ready: str = "main") -> None:
    response = watch.page.goto(url)
    assert response is not None and response.ok, f"{url} answered {response and response.status}"
    policy = response.headers.get("content-security-policy", "")
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy, url
    watch.page.wait_for_selector(ready, state="attached")
    watch.collect(url)


@pytest.mark.django_db(transaction=True)
def test_every_kind_of_page_runs_without_csp_violations_or_console_errors(
    browser, live_server, watched_sign_in
):
    call_command("seed_demo", stdout=StringIO())
    User.objects.create_superuser("root", password="root-password-long")
    base = live_server.url
    problems: dict[str, list[str]] = {}

    # A supervisor: sessions, codings, workflow, charts.
    watch = watched_sign_in(browser, "supervisor", DEMO_PASSWORD, problems)
    coding = Coding.objects.filter(status=CodingStatus.SUBMITTED).order_by("pk").first()
    dana = Practitioner.objects.get(user__username="dana")
    for name, args in [
        ("home", []),
        ("transcripts:list", []),
        ("transcripts:detail", [coding.transcript_id]),
        ("coding:workspace", [coding.pk]),
        ("coding:feedback", [coding.pk]),
        ("coding:schemes", []),
        ("coding:scheme", ["miti-4.2.1"]),
        ("workflow:overview", []),
        ("workflow:assign", []),
        ("workflow:sample", []),
        ("workflow:adjudication", []),
        ("workflow:gold", []),
        ("workflow:training", []),
        ("accounts:audit", []),
        ("exchange:index", []),
        ("exchange:import", []),
        ("account", []),
    ]:
        _visit(watch, base + reverse(name, args=args))
    for name, args in [
        ("dashboards:audit", []),
        ("dashboards:practitioner", [dana.pk]),
        ("workflow:calibration", []),
    ]:
        _visit(watch, base + reverse(name, args=args), ready="[data-rendered=true]")

    watch.page.goto(base + reverse("workflow:adjudication"))
    watch.page.get_by_role("link", name="Adjudicate").first.click()
    watch.page.wait_for_selector("main")
    watch.collect("adjudication page")

    _visit(watch, base + reverse("reliability:index"))
    watch.page.get_by_role("button", name="Compute reliability").click()
    watch.page.locator("table.set-confusion-table").first.wait_for(state="attached")
    watch.collect("reliability with its tables")

    _visit(watch, base + reverse("transcripts:upload"))
    watch.page.set_input_files(
        "input[name=files]",
        files=[{"name": "week1.txt", "mimeType": "text/plain", "buffer": TRANSCRIPT}],
    )
    watch.page.select_option("select[name=practitioner]", label="Dana Reyes")
    watch.page.get_by_role("button", name="Read the files").click()
    watch.page.wait_for_url("**/transcripts/upload/*/")
    watch.page.wait_for_selector(".transcript-preview")
    watch.collect("upload preview")

    # A coder at work in the workspace, keys and saving included.
    watch = watched_sign_in(browser, "ana", DEMO_PASSWORD, problems)
    in_progress = Coding.objects.filter(coder__username="ana", status=CodingStatus.IN_PROGRESS)
    own = in_progress.get(coded_from="transcript")
    _visit(watch, base + reverse("workflow:queue"))
    _visit(
        watch, base + reverse("coding:workspace", args=[own.pk]), ready="html[data-ws-ready='1']"
    )
    watch.page.keyboard.press("j")
    watch.page.keyboard.press("q")
    watch.page.wait_for_timeout(500)
    watch.collect("workspace after a keystroke")
    # And the demo's recording, coded from the audio.
    recorded = in_progress.get(coded_from="audio")
    _visit(
        watch,
        base + reverse("coding:workspace", args=[recorded.pk]),
        ready="body[data-ready='true']",
    )
    watch.page.keyboard.press("ArrowUp")
    watch.page.keyboard.press("s")
    watch.page.wait_for_timeout(500)
    watch.collect("audio workspace after a keystroke")

    # An agency admin: the agency's pages, an invitation, two-factor set-up with its QR code.
    watch = watched_sign_in(browser, "admin", DEMO_PASSWORD, problems)
    for name in [
        "accounts:agency",
        "accounts:teams",
        "accounts:practitioners",
        "accounts:members",
    ]:
        _visit(watch, base + reverse(name))
    watch.page.get_by_role("button", name="Make an invitation link").click()
    watch.page.wait_for_selector("#invitation-link")
    watch.collect("invitation made")
    _visit(watch, base + reverse("two_factor_setup"))
    watch.page.fill("input[name=password]", DEMO_PASSWORD)
    watch.page.get_by_role("button", name="Continue").click()
    watch.page.wait_for_selector(".qr-code svg")
    watch.collect("two-factor QR code")

    # The Django admin.
    watch = watched_sign_in(browser, "root", "root-password-long", problems)
    admin_user = User.objects.get(username="admin")
    for url in [
        reverse("admin:index"),
        reverse("admin:accounts_user_changelist"),
        reverse("admin:accounts_user_change", args=[admin_user.pk]),
        reverse("admin:accounts_auditevent_changelist"),
        reverse("admin:axes_accessattempt_changelist"),
    ]:
        _visit(watch, base + url)

    found = {page: messages for page, messages in problems.items() if messages}
    assert not found, found
