"""Guards for the Django admin pages of confidential or externally written data (ADR 0012).

Lookups: the change lists of confidential models accept no lookup outside an allow-list.

Django's change list turns any query parameter on a model's own field into a filter
(`?summary__contains=…`, `?budget_rial__lte=…`), so a page that never *shows* a field still
answers yes/no questions about it: an oracle. `AllowListedLookups` lets through only the
parameters of the admin's own `list_filter` (and `allowed_lookups`); anything else is refused by
Django with a 400 (DisallowedModelAdminLookup). See docs/decisions/0012.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.widgets import AdminSplitDateTime
from django.db import models

#: The parameters Django's list filters send for a field `f` (choices, booleans, relations, dates).
_FILTER_SUFFIXES = ("", "__exact", "__isnull", "__id__exact", "__pk__exact", "__in", "__gte", "__lt", "__isempty")


def _filter_field_names(list_filter) -> set[str]:
    names = set()
    for entry in list_filter:
        if isinstance(entry, str):
            names.add(entry)
        elif isinstance(entry, tuple | list) and entry and isinstance(entry[0], str):
            names.add(entry[0])
    return names


class AllowListedLookups:
    """Mixin for a ModelAdmin: change-list lookups only on the fields of `list_filter` (with the
    suffixes Django's filters use) and on `allowed_lookups`. A custom SimpleListFilter names its
    parameter in `allowed_lookups`."""

    allowed_lookups: tuple[str, ...] = ()

    def allowed_lookup_names(self) -> set[str]:
        names = {f"{field}{suffix}" for field in _filter_field_names(self.list_filter) for suffix in _FILTER_SUFFIXES}
        if self.date_hierarchy:
            names |= {f"{self.date_hierarchy}__{part}" for part in ("year", "month", "day")}
        return names | set(self.allowed_lookups)

    def lookup_allowed(self, lookup, value, request=None):
        if lookup not in self.allowed_lookup_names():
            return False
        return super().lookup_allowed(lookup, value, request)


class ConfidentialModelAdmin(AllowListedLookups, admin.ModelAdmin):
    """A read-only admin for a confidential model: no add, no delete, no search, allow-listed lookups."""

    search_fields = ()

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class SafeSplitDateTime(AdminSplitDateTime):
    """The admin's date-and-time widget, showing a stored datetime that cannot be moved to the local
    time zone (within hours of the year 9999, written before the date window of ADR 0012) in UTC
    instead of failing the whole change page."""

    def decompress(self, value):
        try:
            return super().decompress(value)
        except OverflowError:
            return [value.date(), value.time()]


#: `formfield_overrides` of admins whose datetimes may come from outside (the API, imports).
SAFE_DATETIMES = {models.DateTimeField: {"widget": SafeSplitDateTime}}
