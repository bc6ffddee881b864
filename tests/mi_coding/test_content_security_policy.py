"""The Content-Security-Policy header, and templates that need nothing inline."""

import re
from pathlib import Path

import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]
# An inline event handler, a style attribute or element, or a script without a source file.
_INLINE = re.compile(r"""\son[a-z]+\s*=|\sstyle\s*=|<style[\s>]|<script(?![^>]*\bsrc=)[^>]*>""")


def _directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {
        name: values
        for name, *values in (part.split() for part in policy.split(";") if part.strip())
    }


@pytest.mark.django_db
def test_every_page_carries_the_policy(client_for, coder):
    for response in [client_for(coder).get(reverse("home")), client_for(coder).get("/nowhere/")]:
        directives = _directives(response)
        assert directives["default-src"] == ["'self'"]
        assert directives["script-src"] == ["'self'"]
        assert directives["object-src"] == ["'none'"]
        assert directives["frame-ancestors"] == ["'none'"]
        assert directives["form-action"] == ["'self'"]
        assert directives["base-uri"] == ["'self'"]
        assert "'unsafe-inline'" not in directives["style-src"]
        assert not any("unsafe" in value for values in directives.values() for value in values)


def test_templates_hold_no_inline_script_handler_or_style():
    offenders = [
        f"{path.relative_to(ROOT)}: {match.group(0).strip()}"
        for path in sorted((ROOT / "templates").rglob("*.html"))
        for match in _INLINE.finditer(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
