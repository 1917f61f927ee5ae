"""Cities and their units: public reads, like the pages (managed by platform admins in the Django admin)."""

from __future__ import annotations

from typing import Literal

from ninja import Field, Query, Schema

from hamafza.core import selectors
from hamafza.core.api.auth import PUBLIC
from hamafza.core.api.lists import ListQuery, order, ordering_param, page_of, paginate
from hamafza.core.api.params import Province
from hamafza.core.api.routers import ApiRouter
from hamafza.core.models import Unit

router = ApiRouter()

UnitKind = Literal[tuple(Unit.Kind.values)]  # type: ignore[valid-type]


class UnitOut(Schema):
    slug: str
    kind: UnitKind
    name_fa: str
    name_en: str


class CityOut(Schema):
    slug: str = Field(description="The city's public id.")
    name_fa: str
    name_en: str
    province: Province


class CityDetailOut(CityOut):
    units: list[UnitOut]


class CityFilters(ListQuery):
    province: Province | None = None
    ordering: ordering_param("name_en", "name_fa", "slug", "created_at") | None = None


class UnitFilters(ListQuery):
    kind: UnitKind | None = None
    ordering: ordering_param("name_fa", "name_en", "slug", "kind") | None = None


@router.get("/cities", response=page_of(CityOut), auth=PUBLIC, summary="List the active cities")
def city_list(request, filters: Query[CityFilters]):
    qs = selectors.city_list()
    if filters.province:
        qs = qs.filter(province=filters.province)
    return paginate(order(qs, filters.ordering, default=("name_en",)), filters)


@router.get("/cities/{slug}", response=CityDetailOut, auth=PUBLIC, summary="A city and its units")
def city_detail(request, slug: str):
    city = selectors.city_get(slug=slug)
    return {
        "slug": city.slug,
        "name_fa": city.name_fa,
        "name_en": city.name_en,
        "province": city.province,
        "units": list(selectors.unit_list(city=city)),
    }


@router.get("/cities/{slug}/units", response=page_of(UnitOut), auth=PUBLIC, summary="A city's units")
def unit_list(request, slug: str, filters: Query[UnitFilters]):
    city = selectors.city_get(slug=slug)
    qs = selectors.unit_list(city=city)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    return paginate(order(qs, filters.ordering, default=("name_fa",)), filters)
