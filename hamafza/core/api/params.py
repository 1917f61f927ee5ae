"""Parameters and bodies: strict request bodies, ids in paths, text PostgreSQL can store, and the
public ids of core's objects (a city's slug, a unit's slug, domain and capability codes) turned
into objects or into a 400 problem naming the parameter.
"""

from __future__ import annotations

import datetime
from typing import Annotated, Literal

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Path, Schema
from pydantic import AfterValidator, ConfigDict
from pydantic_core import PydanticCustomError

from hamafza.core import selectors
from hamafza.core.api.problems import invalid, invalid_parameters
from hamafza.core.dates import date_problem
from hamafza.core.models import Capability, City, Domain, Unit
from hamafza.core.provinces import PROVINCES

MAX_ID = 2**31 - 1
NO_NUL = r"^[^\x00]*$"  # PostgreSQL cannot store NUL characters: refuse them as invalid input

Province = Literal[tuple(code for code, _label in PROVINCES)]  # type: ignore[valid-type]


def _in_window(value):
    """A Gregorian date or datetime inside the platform's window (core.dates), else a 400 naming
    the field with the reason (a Jalali-looking year gets the Gregorian date it probably meant)."""
    problem = date_problem(value, gregorian_only=True)
    if problem:
        raise PydanticCustomError("date_out_of_range", problem)
    return value


#: Dates and datetimes of request bodies and queries: ISO 8601, Gregorian, 1900–2100 (ADR 0012).
ApiDate = Annotated[datetime.date, AfterValidator(_in_window)]
ApiDateTime = Annotated[datetime.datetime, AfterValidator(_in_window)]


class InputSchema(Schema):
    """Request bodies: an undeclared field is a 400 that names it (not silently dropped)."""

    model_config = ConfigDict(extra="forbid")


def id_param(description: str):
    """A numeric id in the path (1 to MAX_ID): `call_id: int = id_param("The call's id.")`."""
    return Path(..., ge=1, le=MAX_ID, description=description)


def city_from_path(slug: str) -> City:
    """The active city of a path's `{slug}` (404 otherwise)."""
    if "\x00" in slug:
        raise Http404
    return selectors.city_get(slug=slug)


def city_from_slug(slug: str, name: str) -> City:
    """The active city with this slug, or a 400 naming the parameter `name`."""
    city = selectors.city_list().filter(slug=slug).first()
    if city is None:
        raise invalid(name, _("Unknown city: %(slug)s") % {"slug": slug})
    return city


def unit_from_slug(city: City, slug: str | None, name: str) -> Unit | None:
    """The unit of `city` with this slug (None for None), or a 400 naming `name`."""
    if slug is None:
        return None
    unit = selectors.unit_list(city=city).filter(slug=slug).first()
    if unit is None:
        raise invalid(name, _("No unit of this city has the id %(slug)s.") % {"slug": slug})
    return unit


def domain_from_code(code: str | None, name: str) -> Domain | None:
    """The domain with this code (None for None), or a 400 naming `name`."""
    if code is None:
        return None
    domain = Domain.objects.filter(code=code).first()
    if domain is None:
        raise invalid(name, _("Unknown domain code: %(code)s") % {"code": code})
    return domain


def objects_from_ids(queryset, field: str, ids: list[str], name: str, unknown) -> list:
    """The objects of `queryset` whose public id (`field`) is one of `ids`, in the order given and
    once each, or a 400 naming `name` with the message `unknown(id)` for each id not found."""
    ids = list(dict.fromkeys(ids))
    found = {getattr(o, field): o for o in queryset.filter(**{f"{field}__in": ids})}
    missing = [i for i in ids if i not in found]
    if missing:
        raise invalid_parameters([{"name": name, "message": unknown(i)} for i in missing])
    return [found[i] for i in ids]


def capabilities_from_codes(codes: list[str], name: str) -> list[Capability]:
    """The capabilities with these codes, in order and once each, or a 400 naming `name` once per
    unknown code."""
    return objects_from_ids(
        Capability.objects, "code", codes, name, lambda c: _("Unknown capability code: %(code)s") % {"code": c}
    )
