"""Reads for the directory. Search is on folded text (see hamafza.core.text), so a query typed with
Arabic ي/ك, Persian digits or without half-spaces finds the same organizations."""

from functools import cached_property

from django.core.cache import cache
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils.translation import get_language, pgettext_lazy

from hamafza.core import hooks
from hamafza.core.models import Capability
from hamafza.core.text import search_stems
from hamafza.directory.models import Organization, OrganizationMembership, Person
from hamafza.directory.words import organizations_containing

MAX_QUERY_LENGTH = 200


def _search_filter(q: str) -> Q:
    """Every word must be in the organization's folded text or name one of its capabilities.

    A Persian word is looked up by its stem (``search_stems``): ``داده‌ها`` or ``هوشمند سازی`` find the
    organizations whose text says ``داده`` or ``هوشمند``, whatever the half-space became.

    Each word is a semi-join on the union of two index lookups, never an OR across a join, which
    made PostgreSQL read every organization (issue 19): the organizations' words that contain it
    (``words.organizations_containing``: the same matches as ``search_text LIKE '%word%'``, read
    from an index of words instead of rechecking every matching text, ADR 0034) and the capability
    links of the capabilities whose text contains it (the small taxonomy table, then the links'
    index ``organization_capability_by_capability``, which carries the organization)."""
    links = Organization.capabilities.through.objects
    condition = Q()
    for token in search_stems(q)[:12]:
        by_text = organizations_containing(token)
        by_capability = links.filter(capability__search_text__contains=token).order_by().values("organization_id")
        condition &= Q(pk__in=by_text.union(by_capability))
    return condition


class RankedOrganizations:
    """A directory search ordered by the matching engine: the engine's ids that pass the filters
    first, in its order, then the other text matches in the directory's order.

    It pages without asking the database to sort by the engine's rank (no CASE with one branch
    per ranked id): the ranked ids that pass the filters are resolved once (one query, at most
    the engine's limit of ids), a page takes its share of them by id and the rest from an
    ordinary ordered query with OFFSET. Paginators and ``hamafza.core.paging`` count it with
    ``count_up_to``; ``order_by`` gives a plain queryset in another order (API ``ordering``)."""

    ordered = True

    def __init__(self, base: QuerySet[Organization], *, ranked: list[int], text_match: Q, ordering: list[str]):
        self._base = base  # filtered, with select_related / prefetch_related, not yet searched
        self._ranked = ranked
        self._text_match = text_match
        self._ordering = ordering

    @cached_property
    def _ranked_visible(self) -> list[int]:
        present = set(self._base.filter(pk__in=self._ranked).values_list("pk", flat=True))
        return [pk for pk in self._ranked if pk in present]

    @cached_property
    def _rest(self) -> QuerySet[Organization]:
        return self._base.filter(self._text_match).exclude(pk__in=self._ranked).order_by(*self._ordering)

    def order_by(self, *fields) -> QuerySet[Organization]:
        return self._base.filter(self._text_match | Q(pk__in=self._ranked)).order_by(*fields)

    def count_up_to(self, limit: int) -> int:
        ranked = len(self._ranked_visible)
        return ranked + self._rest.order_by().values("pk")[: max(limit + 1 - ranked, 0)].count()

    def count(self) -> int:
        return len(self._ranked_visible) + self._rest.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, item):
        if not isinstance(item, slice):
            return self[item : item + 1][0]
        start, stop = item.start or 0, item.stop
        ranked = self._ranked_visible
        page_ids = ranked[start:stop]
        position = {pk: i for i, pk in enumerate(page_ids)}
        rows = sorted(self._base.filter(pk__in=page_ids), key=lambda o: position[o.pk]) if page_ids else []
        rest_start = max(start - len(ranked), 0)
        rest_stop = None if stop is None else max(stop - len(ranked), 0)
        if rest_stop is None or rest_stop > rest_start:
            rows += list(self._rest[rest_start:rest_stop])
        return rows

    def __iter__(self):
        return iter(self[0:None])


def organization_list(
    *,
    q: str = "",
    kind: str = "",
    province: str = "",
    city: str = "",
    capability: str = "",
    knowledge_based: bool | None = None,
    verified: bool | None = None,
) -> QuerySet[Organization] | RankedOrganizations:
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
    # The index organization_directory_order (organization_order_en in English).
    ordering = ["-verified", directory_sort_field(), "pk"]
    qs = qs.select_related("city").prefetch_related(
        Prefetch("capabilities", queryset=Capability.objects.only("id", "code", "name_fa", "name_en"))
    )
    if q:
        text_match = _search_filter(q)
        # The matching app ranks by relevance (hooks.organization_search_ranking); None without an index.
        ranked = hooks.organization_search_ranking.first(q)
        if ranked:
            # The matching engine's analysis (both languages, capabilities inferred from the words)
            # finds and orders; the folded-text matches it missed follow in the usual order.
            return RankedOrganizations(qs, ranked=ranked, text_match=text_match, ordering=ordering)
        qs = qs.filter(text_match)
    return qs.order_by(*ordering)


def directory_sort_field(language: str | None = None) -> str:
    """The indexed key of the directory's order in ``language`` (the active one by default):
    ``sort_name`` (Persian names first, Persian order) or, in English, ``sort_name_en`` (English
    names first, English order)."""
    language = language or get_language() or "fa"
    return "sort_name_en" if language.startswith("en") else "sort_name"


def organizations_after(
    qs: QuerySet[Organization], key: tuple[bool, str, int], limit: int, *, field: str = "sort_name"
) -> list[Organization]:
    """Keyset pagination in the directory's order (verified first, then name, id): up to `limit`
    organizations of `qs` after the one whose sort key is `key` (verified, sort key, id) in the key
    column `field` (``directory_sort_field()``). Each part is a range scan of that column's index
    (at most two queries), however deep the page."""
    verified, name, pk = key
    rows = list(
        qs.filter(verified=verified, **{f"{field}__gte": name})
        .exclude(**{field: name, "pk__lte": pk})
        .order_by(field, "pk")[:limit]
    )
    if verified and len(rows) < limit:
        rows += list(qs.filter(verified=False).order_by(field, "pk")[: limit - len(rows)])
    return rows


def organization_sort_key(org: Organization, *, field: str = "sort_name") -> tuple[bool, str, int]:
    return (org.verified, getattr(org, field), org.pk)


def profile_sections(*, organization) -> list[dict]:
    """The sections the apps above add to an organization's public profile
    (``hooks.organization_profile_sections``): ``{"template", "context"}`` each."""
    return [section for section in hooks.organization_profile_sections.results(organization) if section is not None]


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


def _memberships(user) -> dict[int, OrganizationMembership]:
    """The user's memberships by organization id, read once per request (cached on the user)."""
    cache = getattr(user, "_hamafza_memberships", None)
    if cache is None:
        cache = {m.organization_id: m for m in OrganizationMembership.objects.filter(user=user)}
        user._hamafza_memberships = cache
    return cache


def membership_get(*, user, organization) -> OrganizationMembership | None:
    if not user.is_authenticated:
        return None
    return _memberships(user).get(organization.pk)


def member_organization_ids(user) -> set[int]:
    """Ids of the organizations the signed-in user belongs to (the request's cached memberships)."""
    if not user.is_authenticated:
        return set()
    return set(_memberships(user))


def workspace_context(ws) -> None:
    """``hooks.workspace_context``: members of an organization are the "organization_member" audience."""
    if member_organization_ids(ws.user):
        ws.audiences.add("organization_member")


STATS_CACHE_KEY = "directory:organization_stats"
STATS_CACHE_SECONDS = 60


def organization_stats() -> dict:
    """The home page's figures (organizations, knowledge-based, verified, provinces). Counting
    them reads the whole directory, so they are cached for a minute (issue 19: the home page
    counted 100,000 organizations on every request); a new organization shows up within it."""
    stats = cache.get(STATS_CACHE_KEY)
    if stats is None:
        stats = Organization.objects.aggregate(
            total=Count("id"),
            knowledge_based=Count("id", filter=Q(knowledge_based=True)),
            verified=Count("id", filter=Q(verified=True)),
        )
        stats["provinces"] = Organization.objects.values("province").distinct().count()
        cache.set(STATS_CACHE_KEY, stats, STATS_CACHE_SECONDS)
    return stats


def person_list() -> QuerySet[Person]:
    return Person.objects.select_related("affiliation").order_by("name")


# --------------------------------------------------------------------------------------------
# What the directory contributes to the pages of lower apps (registered in apps.py)
# --------------------------------------------------------------------------------------------
def organizations_navigation(request, flags) -> list[dict]:
    return [
        {
            "label": pgettext_lazy("menu", "Organizations"),
            "url": reverse("directory:organization_list"),
            "group": "explore",
        }
    ]


def has_organization_flag():
    """Navigation flag ``has_org``: the user belongs to an organization."""
    return Exists(OrganizationMembership.objects.filter(user_id=OuterRef("pk")))


def home_context() -> dict:
    return {"stats": organization_stats()}


def profile_context(user) -> dict:
    return {"memberships": memberships_of_user(user=user)}
