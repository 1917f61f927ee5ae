"""Change lists of national tables in the Django admin (issue 19).

Django's change list counts every row of the (filtered) table to print "N organizations" and its
page numbers: 100,000 organizations, 152,000 users or 486,000 proposals counted on every request,
although a page shows 50. ``CappedCountAdmin`` counts them the way the site's own lists do
(``hamafza.core.paging.CappedPaginator``: at most enough rows for the requested page plus
``COUNT_CAP``), and prints "more than N" beyond (``templates/admin/pagination.html``).
"""

from __future__ import annotations

from django.contrib.admin.views.main import PAGE_VAR

from hamafza.core.paging import CappedPaginator, page_number


class CappedCountAdmin:
    """Mixin for the ModelAdmin of a table that grows with the country: 50 rows a page, a capped
    count, no second count of the whole table. Pair it with an ``ordering`` an index serves."""

    list_per_page = 50
    show_full_result_count = False

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        return CappedPaginator(
            queryset,
            per_page,
            page=page_number(request.GET.get(PAGE_VAR)) or 1,
            orphans=orphans,
            allow_empty_first_page=allow_empty_first_page,
        )
