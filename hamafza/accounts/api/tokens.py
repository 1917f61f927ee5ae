"""Personal API tokens: creating one with an email and password (for scripts; rate-limited per
client address and per email), listing and revoking one's own; and the token store `TokenAuth`
asks (registered in `__init__`)."""

from __future__ import annotations

import datetime
from typing import Literal

from django.conf import settings
from django.contrib.auth import authenticate, user_login_failed
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Schema, Status

from hamafza.accounts import services
from hamafza.accounts.models import ApiToken
from hamafza.accounts.selectors import two_factor_enabled, two_factor_required
from hamafza.core.api.lists import ListQuery, order, ordering_param, page_of, paginate
from hamafza.core.api.params import InputSchema
from hamafza.core.api.problems import ApiError
from hamafza.core.api.ratelimits import client_address, throttle_or_raise
from hamafza.core.api.routers import ApiRouter
from hamafza.core.text import normalize

router = ApiRouter()


def token_for_key(key: str) -> ApiToken:
    """The active token with this key (its user selected), or a 401 saying why not. Records the
    last use by a plain UPDATE at most once a minute: no history row per request."""
    found = (
        ApiToken.objects.select_related("user").filter(key_hash=ApiToken.hash_key(key)).first()
        if key.startswith(ApiToken.PREFIX) and len(key) < 200
        else None
    )
    if found is None or not found.user.is_active:
        raise ApiError(401, "token_invalid", _("This API token is not valid."))
    if found.is_revoked:
        raise ApiError(401, "token_revoked", _("This API token has been revoked."))
    now = timezone.now()
    if found.is_expired(now):
        raise ApiError(401, "token_expired", _("This API token has expired."))
    if two_factor_required(found.user) and not two_factor_enabled(found.user):
        raise ApiError(403, "otp_enrolment_required", _enrolment_detail())
    if found.last_used_at is None or (now - found.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
    return found


class TokenCreateIn(InputSchema):
    email: str = Field(max_length=254)
    password: str = Field(max_length=4096)
    name: str = Field(min_length=1, max_length=100, description="What the token is for, e.g. 'e-services portal'.")
    expires_in_days: int | None = Field(
        None, ge=1, le=3650, description="Days until the token expires; omit for a token that does not expire."
    )
    otp: str | None = Field(
        None,
        max_length=20,
        description="For accounts with two-factor authentication: the authenticator's current code or a recovery code.",
    )


class TokenOut(Schema):
    id: int
    name: str
    key_prefix: str = Field(description="The first characters of the token, to recognise it.")
    created_at: datetime.datetime
    expires_at: datetime.datetime | None
    revoked_at: datetime.datetime | None
    last_used_at: datetime.datetime | None
    status: Literal["active", "expired", "revoked"]

    @staticmethod
    def resolve_status(obj: ApiToken) -> str:
        if obj.is_revoked:
            return "revoked"
        return "expired" if obj.is_expired() else "active"


class TokenCreatedOut(TokenOut):
    token: str = Field(description="The secret. Shown only in this response: store it safely.")


class TokenFilters(ListQuery):
    ordering: ordering_param("created_at", "name", "expires_at") | None = None


def _enrolment_detail() -> str:
    return _("Your roles require two-factor authentication: set it up on your account page first.")


def _refuse_if_locked(request) -> None:
    """The sign-in lock (django-axes) answered as a 429 problem."""
    if getattr(request, "axes_locked_out", False):
        from hamafza.accounts.lockout import locked_message

        seconds = int(settings.AXES_COOLOFF_TIME.total_seconds())
        raise ApiError(429, "locked_out", locked_message(), headers={"Retry-After": str(seconds)}, retry_after=seconds)


@router.post(
    "/auth/tokens",
    response={201: TokenCreatedOut},
    auth=None,
    summary="Create a personal API token with an email and password",
    description="For scripts. Rate-limited per client address and per email (`API_TOKEN_CREATE_PER_MINUTE`); "
    "after `LOGIN_FAILURE_LIMIT` failures the account and the address are locked for `LOGIN_COOLOFF_MINUTES` "
    "(429 `locked_out`, as on the login page). An account with two-factor authentication must send `otp` "
    "(401 `otp_required` / `otp_invalid`); one whose roles require it but who has not set it up gets 403 "
    "`otp_enrolment_required`. People can also create tokens on their profile page.",
)
def token_create(request, payload: TokenCreateIn):
    email = normalize(payload.email).strip().lower()
    limit = settings.API_TOKEN_CREATE_PER_MINUTE
    throttle_or_raise("token-create-address", client_address(request), limit)
    throttle_or_raise("token-create-email", email, limit)
    user = authenticate(request, username=email, password=payload.password) if email else None
    _refuse_if_locked(request)
    if user is None or not user.is_active:
        raise ApiError(401, "invalid_credentials", _("The email address or the password is wrong."))
    if two_factor_enabled(user):
        if not (payload.otp or "").strip():
            raise ApiError(
                401, "otp_required", _("This account uses two-factor authentication: send the current code as `otp`.")
            )
        if services.two_factor_verify(user=user, token=payload.otp) is None:
            credentials = {"username": email, "otp": "********"}
            user_login_failed.send(sender=__name__, credentials=credentials, request=request)
            _refuse_if_locked(request)
            raise ApiError(401, "otp_invalid", _("The two-factor code is not right."))
    elif two_factor_required(user):
        raise ApiError(403, "otp_enrolment_required", _enrolment_detail())
    expires_at = timezone.now() + datetime.timedelta(days=payload.expires_in_days) if payload.expires_in_days else None
    token, key = services.api_token_create(user=user, name=payload.name, expires_at=expires_at, request=request)
    token.token = key
    return Status(201, token)


@router.get("/auth/tokens", response=page_of(TokenOut), summary="Your API tokens")
def token_list(request, filters: Query[TokenFilters]):
    qs = ApiToken.objects.filter(user=request.user)
    return paginate(order(qs, filters.ordering, default=("-created_at",)), filters)


@router.delete("/auth/tokens/{token_id}", response={204: None}, summary="Revoke one of your API tokens")
def token_revoke(request, token_id: int):
    token = ApiToken.objects.filter(user=request.user, pk=token_id).first() if 0 < token_id < 2**62 else None
    if token is None:
        raise Http404
    services.api_token_revoke(token=token, by=request.user)
    return Status(204, None)
