"""The capability taxonomy: domains with their capabilities, found by words in either language.
Public reads, like the pages (managed by platform admins in the Django admin)."""

from __future__ import annotations

from django.http import Http404
from ninja import Field, Query, Schema

from hamafza.core import selectors
from hamafza.core.api.auth import PUBLIC
from hamafza.core.api.lists import ListQuery, order, ordering_param, page_of, paginate
from hamafza.core.api.routers import ApiRouter
from hamafza.core.text import fold, words

router = ApiRouter()


class CapabilityOut(Schema):
    code: str = Field(description="The capability's public id.")
    domain: str = Field(alias="domain.code", description="The code of its domain.")
    name_fa: str
    name_en: str
    synonyms_fa: list[str]
    synonyms_en: list[str]


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
