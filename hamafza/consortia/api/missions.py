"""Missions (public): a city's or a national value chain that consortia are formed for."""

from __future__ import annotations

import datetime

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Query, Schema

from hamafza.consortia import selectors
from hamafza.consortia.api.common import SLUG, ConsortiumRoleOut
from hamafza.consortia.models import Mission
from hamafza.core import selectors as core_selectors
from hamafza.core.api.auth import PUBLIC
from hamafza.core.api.lists import ListQuery, order, ordering_param, page_of, paginate
from hamafza.core.api.params import id_param
from hamafza.core.api.problems import invalid
from hamafza.core.api.routers import ApiRouter

router = ApiRouter()


class MissionOut(Schema):
    id: int
    city: str | None = Field(description="The city's slug; null for a national mission.")
    title: str = Field(description="In the language of the request.")
    title_fa: str
    title_en: str
    call: int | None = Field(alias="call_id", description="The id of the call a complete consortium applies to.")
    roles_count: int = Field(alias="n_roles")
    consortia_count: int = Field(alias="n_consortia")
    created_at: datetime.datetime

    @staticmethod
    def resolve_city(obj: Mission) -> str | None:
        return obj.city.slug if obj.city_id else None


class MissionDetailOut(MissionOut):
    description: str
    allowed_provinces: list[str]
    allowed_kinds: list[str]
    knowledge_based_required: bool
    roles: list[ConsortiumRoleOut] = Field(alias="api_roles", description="The roles of the value chain, in order.")
    can_manage: bool = Field(description="Whether you may change the roles and ask for consortia.")

    @staticmethod
    def resolve_can_manage(obj: Mission, context) -> bool:
        return context["request"].user.has_perm("consortia.manage_roles", obj)


class MissionFilters(ListQuery):
    city: str | None = Field(None, max_length=60, pattern=SLUG, description="A city's slug.")
    ordering: ordering_param("created_at", "title_fa") | None = None


@router.get(
    "/missions",
    response=page_of(MissionOut),
    auth=PUBLIC,
    summary="Missions",
    description="Every mission (public), newest first; `city` keeps one city's.",
)
def mission_list(request, filters: Query[MissionFilters]):
    city = None
    if filters.city is not None:
        try:
            city = core_selectors.city_get(slug=filters.city)
        except Http404 as exc:
            raise invalid("query.city", _("No such city.")) from exc
    qs = selectors.mission_list(city=city)
    return paginate(order(qs, filters.ordering, default=("-created_at",)), filters)


@router.get(
    "/missions/{mission_id}",
    response=MissionDetailOut,
    auth=PUBLIC,
    summary="A mission with its roles",
)
def mission_detail(request, mission_id: int = id_param("The mission's id.")):
    mission = selectors.mission_get(pk=mission_id)
    mission.api_roles = list(selectors.roles_of(mission))
    mission.n_roles = len(mission.api_roles)
    mission.n_consortia = mission.consortia.count()
    return mission
