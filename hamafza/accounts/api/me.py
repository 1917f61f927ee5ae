"""The current user: who the token or the session acts as, with their city roles and organizations."""

from __future__ import annotations

from typing import Literal

from ninja import Field, Schema

from hamafza.accounts.models import CityRole
from hamafza.accounts.rules import roles_of
from hamafza.core.api.routers import ApiRouter

router = ApiRouter()


class RoleOut(Schema):
    city: str = Field(description="The city's slug.")
    role: Literal[tuple(CityRole.Role.values)]  # type: ignore[valid-type]
    unit: str | None = Field(description="The unit's slug, for unit staff.")


class MembershipOut(Schema):
    organization: str = Field(description="The organization's slug.")
    role: Literal["member", "admin"]


class MeOut(Schema):
    email: str
    display_name_fa: str
    display_name_en: str
    preferred_language: Literal["fa", "en"]
    is_platform_admin: bool
    authenticated_with: Literal["token", "session"]
    roles: list[RoleOut]
    memberships: list[MembershipOut]


@router.get("/me", response=MeOut, summary="The signed-in user, their city roles and organizations")
def me(request):
    user = request.user
    return {
        "email": user.email,
        "display_name_fa": user.display_name_fa,
        "display_name_en": user.display_name_en,
        "preferred_language": user.preferred_language,
        "is_platform_admin": user.is_platform_admin,
        "authenticated_with": "token" if getattr(request, "api_token", None) else "session",
        "roles": [
            {"city": r.city.slug, "role": r.role, "unit": r.unit.slug if r.unit else None} for r in roles_of(user)
        ],
        "memberships": [
            {"organization": m.organization.slug, "role": m.role}
            for m in user.memberships.select_related("organization").order_by("organization__name")
        ],
    }
