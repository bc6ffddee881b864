from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest


def paginate(request: HttpRequest, items: QuerySet | list, per_page: int | None = None) -> Page:
    """The requested page of ``items``; a page number out of range gives the nearest page."""
    paginator = Paginator(items, per_page or settings.MI_PAGE_SIZE)
    return paginator.get_page(request.GET.get("page"))
