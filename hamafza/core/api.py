"""API v1: cities and their units, and the capability taxonomy. Public reads, like the pages
(cities and the taxonomy are managed by platform admins in the Django admin)."""

from typing import Literal

from django.http import Http404
from ninja import Field, Query, Schema

from hamafza.core import selectors
from hamafza.core.apiutils import PUBLIC, ApiRouter, ListQuery, order, ordering_param, page_of, paginate
from hamafza.core.models import Capability, Unit
from hamafza.core.provinces import PROVINCES
from hamafza.core.text import fold, words

router = ApiRouter(tags=["cities and taxonomy"])

Province = Literal[tuple(code for code, _label in PROVINCES)]  # type: ignore[valid-type]
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


class CapabilityOut(Schema):
    code: str = Field(description="The capability's public id.")
    domain: str = Field(description="The code of its domain.")
    name_fa: str
    name_en: str
    synonyms_fa: list[str]
    synonyms_en: list[str]

    @staticmethod
    def resolve_domain(obj: Capability) -> str:
        return obj.domain.code


class CapabilityBriefOut(Schema):
    code: str
    name_fa: str
    name_en: str


class DomainOut(Schema):
    code: str
    name_fa: str
    name_en: str
    position: int
    capabilities: list[CapabilityBriefOut]


class DomainFilters(ListQuery):
    ordering: ordering_param("position", "code", "name_en", "name_fa") | None = None


class CapabilityFilters(ListQuery):
    domain: str | None = Field(None, max_length=60, description="A domain code.")
    q: str | None = Field(
        None, max_length=200, description="Words to find in the names and synonyms (either language)."
    )
    ordering: ordering_param("code", "name_en", "name_fa") | None = None


@router.get("/taxonomy/domains", response=page_of(DomainOut), auth=PUBLIC, summary="Domains with their capabilities")
def domain_list(request, filters: Query[DomainFilters]):
    qs = selectors.taxonomy_tree()  # capabilities prefetched, ordered by code
    return paginate(order(qs, filters.ordering, default=("position", "code")), filters)


@router.get("/taxonomy/capabilities", response=page_of(CapabilityOut), auth=PUBLIC, summary="List capabilities")
def capability_list(request, filters: Query[CapabilityFilters]):
    qs = selectors.capability_list()
    if filters.domain:
        qs = qs.filter(domain__code=filters.domain)
    for token in words(filters.q or "")[:12]:
        qs = qs.filter(search_text__contains=fold(token))
    return paginate(order(qs, filters.ordering, default=("domain__position", "code")), filters)


@router.get("/taxonomy/capabilities/{code}", response=CapabilityOut, auth=PUBLIC, summary="One capability")
def capability_detail(request, code: str):
    capability = selectors.capability_list().filter(code=code).first()
    if capability is None:
        raise Http404
    return capability
