"""The directory of organizations. Public reads (the directory pages are public); members of an
organization (and platform admins) edit its profile, innovation managers verify it — the same
`directory.*` rules permissions and the same form validation as the pages.

An organization's public id is its slug (`/organizations/{slug}`), as in the page addresses;
`organizations_from_slugs` turns the slugs of a request into organizations for every app's API.
"""

from __future__ import annotations

import datetime
from typing import Literal

from django.forms.models import model_to_dict
from django.utils.translation import gettext as _
from ninja import Field, Query, Schema

from hamafza.core.api.auth import PUBLIC, ensure_perm
from hamafza.core.api.lists import ListQuery, order, ordering_param, page_of, paginate
from hamafza.core.api.params import ApiDate, InputSchema, Province, capabilities_from_codes, objects_from_ids
from hamafza.core.api.problems import invalid_parameters
from hamafza.core.api.routers import ApiRouter
from hamafza.core.paging import capped_count, count_limit, decode_cursor, encode_cursor
from hamafza.core.text import normalize
from hamafza.directory import selectors, services
from hamafza.directory.forms import OrganizationForm
from hamafza.directory.models import Organization, OrganizationKind
from hamafza.directory.selectors import MAX_QUERY_LENGTH

router = ApiRouter()

Kind = Literal[tuple(OrganizationKind.values)]  # type: ignore[valid-type]


def organizations_from_slugs(slugs: list[str], name: str) -> list[Organization]:
    """The organizations with these slugs, in order and once each, or a 400 naming `name` once
    per unknown slug."""
    return objects_from_ids(
        Organization.objects, "slug", slugs, name, lambda s: _("Unknown organization: %(slug)s") % {"slug": s}
    )


class OrganizationOut(Schema):
    slug: str = Field(description="The organization's public id.")
    name: str
    name_en: str
    kind: Kind
    province: Province
    city_name: str
    city: str | None = Field(description="The slug of the platform city it is in, if any.")
    employees: int | None
    founded: int | None
    description_fa: str
    description_en: str
    website: str
    knowledge_based: bool
    certificate_number: str
    certificate_valid_from: datetime.date | None
    certificate_valid_until: datetime.date | None
    verified: bool
    capabilities: list[str] = Field(description="Capability codes (see /taxonomy/capabilities).")
    created_at: datetime.datetime
    updated_at: datetime.datetime

    @staticmethod
    def resolve_city(obj: Organization) -> str | None:
        return obj.city.slug if obj.city_id else None

    @staticmethod
    def resolve_capabilities(obj: Organization) -> list[str]:
        return sorted(c.code for c in obj.capabilities.all())


class OrganizationFilters(ListQuery):
    q: str | None = Field(None, max_length=MAX_QUERY_LENGTH, description="Words to find (Persian or English).")
    kind: Kind | None = None
    province: Province | None = None
    city: str | None = Field(None, max_length=120, description="A platform city's slug or a city name.")
    capability: str | None = Field(None, max_length=80, description="A capability code.")
    knowledge_based: bool | None = None
    verified: bool | None = None
    ordering: ordering_param("name", "name_en", "founded", "employees", "created_at", "updated_at") | None = None
    after: str | None = Field(
        None,
        max_length=800,
        pattern=r"^[A-Za-z0-9_-]+$",
        description="Keyset pagination for deep pages: the `next_after` of the previous page (the directory's "
        "own order only: not with `q`, `ordering` or `page`). The answer's `page` is then 1 and `count`, "
        "`pages` those of the whole list. The directory's order follows the answer's language (Accept-Language): "
        "Persian names first in Persian order, or in English English names first in English order; a cursor "
        "is valid in the language it was given in (else 400).",
    )


class OrganizationPatch(InputSchema):
    """Only the fields sent are changed. The rules are the edit page's: a knowledge-based company
    needs its certificate number, a description in Persian or English, validity end after start."""

    name: str | None = Field(None, min_length=1, max_length=200)
    name_en: str | None = Field(None, max_length=200)
    kind: Kind | None = None
    province: Province | None = None
    city_name: str | None = Field(None, min_length=1, max_length=120)
    employees: int | None = Field(None, ge=0, le=10_000_000)
    founded: int | None = Field(None, ge=1800, le=2100)
    description_fa: str | None = Field(None, max_length=20_000)
    description_en: str | None = Field(None, max_length=20_000)
    website: str | None = Field(None, max_length=200)
    knowledge_based: bool | None = None
    certificate_number: str | None = Field(None, max_length=60)
    certificate_valid_from: ApiDate | None = None
    certificate_valid_until: ApiDate | None = None
    capabilities: list[str] | None = Field(None, max_length=200, description="Capability codes; replaces the list.")


class VerifyIn(InputSchema):
    verified: bool = True


@router.get(
    "/organizations", response=page_of(OrganizationOut, keyset=True), auth=PUBLIC, summary="Search organizations"
)
def organization_list(request, filters: Query[OrganizationFilters]):
    q = normalize(filters.q or "")
    qs = selectors.organization_list(
        q=q,
        kind=filters.kind or "",
        province=filters.province or "",
        city=(filters.city or "").strip(),
        capability=filters.capability or "",
        knowledge_based=filters.knowledge_based,
        verified=filters.verified,
    )
    if filters.ordering:
        qs = order(qs, filters.ordering, default=())
    keyset = not q and not filters.ordering
    page = paginate(qs, filters) if filters.after is None else _page_after(qs, filters, keyset=keyset)
    last = page["items"][-1] if page["items"] else None
    field = selectors.directory_sort_field()
    page["next_after"] = (
        encode_cursor([*selectors.organization_sort_key(last, field=field), field])
        if keyset and page["has_next"] and last
        else None
    )
    return page


def _page_after(qs, filters: OrganizationFilters, *, keyset: bool) -> dict:
    errors = []
    if not keyset:
        errors.append({"name": "query.after", "message": _("Not with a search (q) or another ordering.")})
    if "page" in filters.model_fields_set:
        errors.append({"name": "query.page", "message": _("Not with after.")})
    # The cursor names the key column it was made in: the order differs between the languages.
    field = selectors.directory_sort_field()
    cursor = decode_cursor(filters.after, (bool, str, int, str))
    if cursor is None:
        errors.append({"name": "query.after", "message": _("Not a cursor given by this list.")})
    elif cursor[3] != field:
        errors.append(
            {
                "name": "query.after",
                "message": _("This cursor was given in another language; ask for the first page again."),
            }
        )
    if errors:
        raise invalid_parameters(errors)
    rows = selectors.organizations_after(qs, cursor[:3], filters.page_size + 1, field=field)
    counted = capped_count(qs, limit=count_limit(per_page=filters.page_size))
    return {
        "count": counted.value,
        "count_exact": counted.exact,
        "page": 1,
        "page_size": filters.page_size,
        "pages": max(1, -(-counted.value // filters.page_size)),
        "has_next": len(rows) > filters.page_size,
        "items": rows[: filters.page_size],
    }


@router.get("/organizations/{slug}", response=OrganizationOut, auth=PUBLIC, summary="One organization")
def organization_detail(request, slug: str):
    return selectors.organization_get(slug=slug)


# Nullable form fields: sending null clears them. The others cannot be cleared to null.
_CLEARABLE = {"employees", "founded", "certificate_valid_from", "certificate_valid_until"}
_TEXT_FIELDS = {"name", "name_en", "city_name", "description_fa", "description_en", "website", "certificate_number"}


@router.patch("/organizations/{slug}", response=OrganizationOut, summary="Edit an organization's profile")
def organization_update(request, slug: str, payload: OrganizationPatch):
    organization = selectors.organization_get(slug=slug)
    ensure_perm(request, "directory.change_organization", organization)
    changes = payload.model_dump(exclude_unset=True)
    errors = [
        {"name": f"body.{name}", "message": _("This field cannot be null.")}
        for name, value in changes.items()
        if value is None and name not in _CLEARABLE
    ]
    if errors:
        raise invalid_parameters(errors)
    # The edit page's form validates the merged profile, so the API and the page accept the same.
    data = model_to_dict(organization, fields=[f for f in OrganizationForm._meta.fields if f != "capabilities"])
    data["capabilities"] = [c.pk for c in organization.capabilities.all()]
    if "capabilities" in changes:
        codes = changes.pop("capabilities")
        data["capabilities"] = [c.pk for c in capabilities_from_codes(codes, "body.capabilities")]
    for name, value in changes.items():
        data[name] = normalize(value) if name in _TEXT_FIELDS and isinstance(value, str) else value
    form = OrganizationForm(data=data, instance=organization)
    if not form.is_valid():
        errors = [
            {"name": "body" if field == "__all__" else f"body.{field}", "message": message}
            for field, messages in form.errors.items()
            for message in messages
        ]
        raise invalid_parameters(errors)
    cleaned = dict(form.cleaned_data)
    capabilities = cleaned.pop("capabilities")
    services.organization_update(organization=organization, by=request.user, capabilities=capabilities, **cleaned)
    return selectors.organization_get(slug=organization.slug)


@router.post(
    "/organizations/{slug}/verify",
    response=OrganizationOut,
    summary="Verify an organization (or remove the verification)",
    description="Innovation managers and platform admins, as on the organization's page.",
)
def organization_verify(request, slug: str, payload: VerifyIn):
    organization = selectors.organization_get(slug=slug)
    ensure_perm(request, "directory.verify_organization", organization)
    services.organization_verify(organization=organization, by=request.user, verified=payload.verified)
    return selectors.organization_get(slug=organization.slug)
