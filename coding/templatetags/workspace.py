"""The workspace's transcript, rendered in one pass.

A 1,000-utterance session through the template language takes most of the page's time, so
the list is built here as plain strings, every value escaped with the standard library's
escape (which Django's wraps; it also quotes both kinds of quotation mark). Empty code and
note boxes are left out to keep the page light; the workspace script makes them when needed.
"""

from html import escape

from django import template
from django.utils.safestring import SafeString, mark_safe

from coding.selectors import WorkspaceUtterance

register = template.Library()


def _seconds(value: float | None, name: str) -> str:
    return "" if value is None else f' data-{name}="{value:g}"'


def _utterance(u: WorkspaceUtterance) -> str:
    badges = "".join(
        f'<span class="code-badge tone-{escape(c.tone)}" data-code="{c.pk}" '
        f'title="{escape(c.name)}">{escape(c.abbreviation)}</span>'
        for c in u.codes
    )
    time_label = f' <span class="utt-time">{u.time_label}</span>' if u.time_label else ""
    return (
        f'<li id="u{u.pk}" class="utt utt-{escape(u.role)}{"" if u.codable else " utt-uncodable"}"'
        f' role="option" data-codes="{u.code_ids}"{_seconds(u.start, "start")}'
        f'{_seconds(u.end, "end")}><div class="utt-head"><span class="utt-pos">{u.position}</span>'
        f' <span class="utt-speaker">{escape(u.label)}</span>{time_label}</div>'
        f'<div class="utt-text">{escape(u.text)}</div>'
        f"{f'<div class=utt-codes>{badges}</div>' if badges else ''}"
        f"{_note(u)}</li>\n"
    )


def _note(u: WorkspaceUtterance) -> str:
    if not u.note:
        return ""
    feedback = ' data-feedback="1"' if u.note_for_feedback else ""
    return f'<div class="utt-note"{feedback}>{escape(u.note)}</div>'


@register.simple_tag
def utterance_items(utterances: list[WorkspaceUtterance]) -> SafeString:
    return mark_safe("".join(_utterance(u) for u in utterances))  # noqa: S308 (all escaped)
