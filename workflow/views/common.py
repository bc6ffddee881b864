from django.http import HttpRequest


def hidden_fields(request: HttpRequest, *, drop: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    """The posted fields, to post again from a confirmation page."""
    skip = {"csrfmiddlewaretoken", "confirm", *drop}
    return [(k, v) for k, values in request.POST.lists() if k not in skip for v in values]
