"""Who may apply to a call: the one eligibility rule, used by the call page, the API, proposals
(applying and submitting), matching (invite suggestions, "calls for you") and consortia.

Every input is an argument: an invited call's list of invited organizations is passed as
``invited_ids`` by callers that check many organizations or many calls (so the list is read once),
and read from the database (one query) when it is not given.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Collection, Iterable, Iterator

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hamafza.challenges.models import Call, CallType
from hamafza.core.formatting import format_date, tehran_date
from hamafza.directory.models import Organization

# What the rule reads of an organization (besides its id, for invited calls). Organizations equal
# on these fields get the same answer from ``call_eligibility_for`` for any call they are both
# invited to (or that invites nobody); ``challenges.eligible_calls`` evaluates the rule once per
# such profile. tests/test_eligible_calls.py checks the rule reads nothing else.
ORGANIZATION_FIELDS = ("province", "kind", "knowledge_based", "certificate_valid_from", "certificate_valid_until")


def call_admits_every_organization(call: Call) -> bool:
    """Whether ``call_eligibility_for(check_open=False)`` admits any organization at all: the call
    invites nobody in particular and restricts neither provinces, kinds nor certificates (each
    condition below is one branch of the rule)."""
    return (
        call.call_type != CallType.INVITED
        and not call.allowed_provinces
        and not call.allowed_kinds
        and not call.knowledge_based_required
    )


def invited_ids_of(call: Call) -> set[int]:
    """The ids of the organizations invited to `call` (one query)."""
    return set(call.invited_organizations.values_list("pk", flat=True))


def certificate_date(call: Call) -> datetime.date:
    """The day a required knowledge-based certificate must be valid on: the call's closing date
    (Asia/Tehran), today when the call has none yet."""
    return tehran_date(call.closes_at) if call.closes_at else timezone.localdate()


def _failures(
    *, call: Call, organization, invited_ids: Collection[int] | None, now, check_open: bool
) -> Iterator[Callable[[], str]]:
    """The rule, condition by condition: yields, for each condition `organization` fails, a function
    that formats the reason (translated). The only statement of the rule: ``call_eligibility_for``
    formats every reason, ``is_eligible`` stops at the first failure and formats nothing."""
    if check_open and not call.is_open(now):
        if call.state == Call.State.PUBLISHED and call.opens_at and call.opens_at > (now or timezone.now()):
            yield lambda: _("The call is not open yet; it opens on %(date)s.") % {"date": format_date(call.opens_at)}
        else:
            yield lambda: _("The call is not open for applications.")
    if call.call_type == CallType.INVITED:
        if invited_ids is None:
            invited_ids = invited_ids_of(call)
        if organization.pk not in invited_ids:
            yield lambda: _("This call is by invitation only and your organization is not invited.")
    if call.allowed_provinces and organization.province not in call.allowed_provinces:
        yield (
            lambda: (
                _("The call is restricted to organizations in %(allowed)s; yours is in %(province)s.")
                % {
                    "allowed": "، ".join(call.allowed_province_labels),
                    "province": organization.get_province_display(),
                }
            )
        )
    if call.allowed_kinds and organization.kind not in call.allowed_kinds:
        yield (
            lambda: (
                _("The call is open to %(allowed)s; your organization is a %(kind)s.")
                % {
                    "allowed": "، ".join(call.allowed_kind_labels),
                    "kind": organization.get_kind_display(),
                }
            )
        )
    if call.knowledge_based_required:
        on = certificate_date(call)
        if not organization.knowledge_based:
            yield lambda: _("A knowledge-based certificate is required; your organization has none.")
        elif not organization.has_valid_certificate(on=on):
            yield (
                lambda: (
                    _("A knowledge-based certificate valid on the closing date (%(date)s) is required.")
                    % {"date": format_date(on)}
                )
            )


def call_eligibility_for(
    *,
    call: Call,
    organization,
    invited_ids: Collection[int] | None = None,
    now: datetime.datetime | None = None,
    check_open: bool = True,
) -> tuple[bool, list[str]]:
    """Whether `organization` may apply to `call`, and the reasons why not (translated, readable).

    Checks: the call is open (unless `check_open=False`, for matching), an invited call lists the
    organization (`invited_ids`; read from the database when None), the organization's province is
    allowed, its kind is allowed, and a required knowledge-based certificate is valid on the closing
    date (Asia/Tehran, ``certificate_date``)."""
    reasons = [
        str(reason())
        for reason in _failures(
            call=call, organization=organization, invited_ids=invited_ids, now=now, check_open=check_open
        )
    ]
    return (not reasons, reasons)


def is_eligible(
    *,
    call: Call,
    organization,
    invited_ids: Collection[int] | None = None,
    now: datetime.datetime | None = None,
    check_open: bool = True,
) -> bool:
    """``call_eligibility_for``'s answer without its reasons (the same conditions, ``_failures``):
    stops at the first failed condition and formats nothing (the precomputed table's fast path)."""
    failures = _failures(call=call, organization=organization, invited_ids=invited_ids, now=now, check_open=check_open)
    return next(failures, None) is None


def eligible_organizations_filter(call: Call) -> Q:
    """The rule without the open-window check as a filter on ``Organization``, condition by
    condition of ``_failures`` (invited, province, kind, certificate valid on ``certificate_date``;
    the certificate's validity is ``Organization.valid_certificate_filter``, beside
    ``has_valid_certificate``). Used to write a call's eligible organizations with one
    INSERT ... SELECT; ``eligible_calls.disagreements`` (``manage.py eligible_calls check``) and the
    tests compare its result with the rule."""
    condition = Q()
    if call.call_type == CallType.INVITED:
        through = Call.invited_organizations.through
        condition &= Q(pk__in=through.objects.filter(call_id=call.pk).values("organization_id"))
    if call.allowed_provinces:
        condition &= Q(province__in=list(call.allowed_provinces))
    if call.allowed_kinds:
        condition &= Q(kind__in=list(call.allowed_kinds))
    if call.knowledge_based_required:
        condition &= Organization.valid_certificate_filter(on=certificate_date(call))
    return condition


def eligibility_of_organizations(*, call: Call, organizations: Iterable, now=None) -> list[tuple]:
    """(organization, eligible, reasons) for each organization (the invited list read once)."""
    organizations = list(organizations)
    invited = invited_ids_of(call) if call.call_type == CallType.INVITED and organizations else None
    return [
        (org, *call_eligibility_for(call=call, organization=org, invited_ids=invited, now=now)) for org in organizations
    ]
