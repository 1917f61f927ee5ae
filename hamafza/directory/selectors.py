"""Reads for the directory. Search is on folded text (see hamafza.core.text), so a query typed with
Arabic ي/ك, Persian digits or without half-spaces finds the same organizations."""

from django.db.models import Case, Count, Exists, OuterRef, Prefetch, Q, QuerySet, Value, When
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from hamafza.core import hooks
from hamafza.core.models import Capability
from hamafza.core.text import words
from hamafza.directory.models import Organization, OrganizationMembership, Person

MAX_QUERY_LENGTH = 200


def _search_filter(q: str) -> Q:
    condition = Q()
    for token in words(q)[:12]:
        cap_ids = Capability.objects.filter(search_text__contains=token).values("pk")
        condition &= Q(search_text__contains=token) | Q(capabilities__in=cap_ids)
    return condition


def organization_list(
    *,
    q: str = "",
    kind: str = "",
    province: str = "",
    city: str = "",
    capability: str = "",
    knowledge_based: bool | None = None,
    verified: bool | None = None,
) -> QuerySet[Organization]:
    """Public list of organizations with filters; capabilities prefetched (no query per row)."""
    qs = Organization.objects.all()
    if kind:
        qs = qs.filter(kind=kind)
    if province:
        qs = qs.filter(province=province)
    if city:
        qs = qs.filter(Q(city__slug=city) | Q(city_name__iexact=city))
    if capability:
        qs = qs.filter(capabilities__code=capability)
    if knowledge_based is not None:
        qs = qs.filter(knowledge_based=knowledge_based)
    if verified is not None:
        qs = qs.filter(verified=verified)
    ordering = ["-verified", "name", "pk"]
    if q:
        text_match = Q(pk__in=Organization.objects.filter(_search_filter(q)).values("pk"))
        # The matching app ranks by relevance (hooks.organization_search_ranking); None without an index.
        ranked = hooks.organization_search_ranking.first(q)
        if ranked:
            # The matching engine's analysis (both languages, capabilities inferred from the words)
            # finds and orders; the folded-text matches it missed follow in the usual order.
            qs = qs.filter(text_match | Q(pk__in=ranked))
            rank = Case(*[When(pk=pk, then=Value(i)) for i, pk in enumerate(ranked)], default=Value(len(ranked)))
            ordering = [rank.asc(), *ordering]
        else:
            qs = qs.filter(text_match)
    return (
        qs.select_related("city")
        .prefetch_related(
            Prefetch("capabilities", queryset=Capability.objects.only("id", "code", "name_fa", "name_en"))
        )
        .order_by(*ordering)
    )


def organization_get(*, slug: str) -> Organization:
    try:
        return (
            Organization.objects.select_related("city")
            .prefetch_related("capabilities__domain", "people")
            .get(slug=slug)
        )
    except Organization.DoesNotExist as exc:
        raise Http404("No such organization") from exc


def organizations_of_user(*, user) -> QuerySet[Organization]:
    if not user.is_authenticated:
        return Organization.objects.none()
    return Organization.objects.filter(memberships__user=user).order_by("name")


def memberships_of_user(*, user) -> QuerySet[OrganizationMembership]:
    """The user's memberships with their organizations (one query, for the profile page)."""
    if not user.is_authenticated:
        return OrganizationMembership.objects.none()
    return (
        OrganizationMembership.objects.filter(user=user).select_related("organization").order_by("organization__name")
    )


def membership_get(*, user, organization) -> OrganizationMembership | None:
    if not user.is_authenticated:
        return None
    cache = getattr(user, "_hamafza_memberships", None)
    if cache is None:
        cache = {m.organization_id: m for m in OrganizationMembership.objects.filter(user=user)}
        user._hamafza_memberships = cache
    return cache.get(organization.pk)


def organization_stats() -> dict:
    agg = Organization.objects.aggregate(
        total=Count("id"),
        knowledge_based=Count("id", filter=Q(knowledge_based=True)),
        verified=Count("id", filter=Q(verified=True)),
    )
    agg["provinces"] = Organization.objects.values("province").distinct().count()
    return agg


def person_list() -> QuerySet[Person]:
    return Person.objects.select_related("affiliation").order_by("name")


# --------------------------------------------------------------------------------------------
# What the directory contributes to the pages of lower apps (registered in apps.py)
# --------------------------------------------------------------------------------------------
def organizations_navigation(request, flags) -> list[dict]:
    return [{"label": _("Organizations"), "url": reverse("directory:organization_list")}]


def has_organization_flag():
    """Navigation flag ``has_org``: the user belongs to an organization."""
    return Exists(OrganizationMembership.objects.filter(user_id=OuterRef("pk")))


def home_context() -> dict:
    return {"stats": organization_stats()}


def profile_context(user) -> dict:
    return {"memberships": memberships_of_user(user=user)}
