"""The open calls each organization may apply to, precomputed (issue 19: calls ``?mine=on`` and the
API's ``?open_to`` were checking every open call in Python on every request).

``EligibleCall`` holds the *result* of the one rule, ``eligibility.call_eligibility_for`` (with
``check_open=False``), for every call that is published and has not closed yet: one row per
eligible organization, or one row without organization when the call admits every organization
(``eligibility.call_admits_every_organization``). The readers add the clock (opened, not closed)
with the indexes of ``Call``, so a list is an index lookup joined to the calls.

Kept in step by:
* the call services (``services.call_transition``, ``call_update_settings``, closing at the
  deadline) -> :func:`refresh_call`;
* the directory's ``hooks.organizations_changed`` (kind, province, certificate ... changed)
  -> :func:`organizations_changed`, inside the saving transaction;
* ``manage.py eligible_calls rebuild`` -> :func:`rebuild` (after bulk loads, restores, or rows
  written straight into the tables), ``manage.py eligible_calls check`` -> :func:`disagreements`.

The rule is evaluated once per organization *profile* (the fields in
``eligibility.ORGANIZATION_FIELDS``), not once per organization, so a call over 100,000
organizations costs a few hundred evaluations; invited calls look only at the invited ones.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from hamafza.challenges.eligibility import (
    ORGANIZATION_FIELDS,
    call_admits_every_organization,
    call_eligibility_for,
)
from hamafza.challenges.models import Call, CallType, EligibleCall
from hamafza.directory.models import Organization

BATCH = 5000
CALL_FIELDS = (
    "id",
    "state",
    "call_type",
    "opens_at",
    "closes_at",
    "allowed_provinces",
    "allowed_kinds",
    "knowledge_based_required",
)


def _kept_calls(now: datetime.datetime) -> QuerySet[Call]:
    """Calls whose eligibility is kept: published and not closed (open now or opening later)."""
    return Call.objects.filter(state=Call.State.PUBLISHED, closes_at__gt=now)


def _is_kept(call: Call, now: datetime.datetime) -> bool:
    return call.state == Call.State.PUBLISHED and call.closes_at is not None and call.closes_at > now


def _invited(calls: Iterable[Call]) -> dict[int, set[int]]:
    ids = [c.pk for c in calls if c.call_type == CallType.INVITED]
    out: dict[int, set[int]] = {i: set() for i in ids}
    through = Call.invited_organizations.through
    for call_id, org_id in through.objects.filter(call_id__in=ids).values_list("call_id", "organization_id"):
        out[call_id].add(org_id)
    return out


def _profiles(organizations: QuerySet[Organization]) -> dict[tuple, list[int]]:
    """Organization ids grouped by the fields the rule reads."""
    groups: dict[tuple, list[int]] = defaultdict(list)
    for row in organizations.values_list("pk", *ORGANIZATION_FIELDS).iterator(chunk_size=BATCH):
        groups[row[1:]].append(row[0])
    return groups


def _eligible_ids(call: Call, profiles: dict[tuple, list[int]], invited: set[int] | None) -> list[int]:
    """Ids of the organizations (of `profiles`) that the rule admits to `call`."""
    out: list[int] = []
    for profile, ids in profiles.items():
        candidates = ids if invited is None else [i for i in ids if i in invited]
        if not candidates:
            continue
        # One evaluation per profile: the rule reads nothing else of an organization but its id
        # (for invited calls, where `candidates` holds invited organizations only).
        sample = Organization(pk=candidates[0], **dict(zip(ORGANIZATION_FIELDS, profile, strict=True)))
        if call_eligibility_for(call=call, organization=sample, invited_ids=invited or (), check_open=False)[0]:
            out.extend(candidates)
    return out


def _rows_for(call: Call, profiles: dict[tuple, list[int]], invited: set[int] | None) -> list[EligibleCall]:
    if call_admits_every_organization(call):
        return [EligibleCall(call_id=call.pk, organization_id=None)]
    return [EligibleCall(call_id=call.pk, organization_id=i) for i in _eligible_ids(call, profiles, invited)]


@transaction.atomic
def refresh_call(call: Call, *, now: datetime.datetime | None = None) -> int:
    """Recompute the rows of one call (after it opens, closes or changes its eligibility settings
    or invitations). Returns the number of rows written."""
    now = now or timezone.now()
    EligibleCall.objects.filter(call_id=call.pk).delete()
    if not _is_kept(call, now):
        return 0
    invited = _invited([call]).get(call.pk)
    orgs = Organization.objects.all()
    if invited is not None:
        orgs = orgs.filter(pk__in=invited)
    profiles = {} if call_admits_every_organization(call) else _profiles(orgs)
    rows = _rows_for(call, profiles, invited)
    EligibleCall.objects.bulk_create(rows, batch_size=BATCH)
    return len(rows)


def organizations_changed(*, organization_ids) -> None:
    """``hooks.organizations_changed`` receiver: recompute these organizations' rows (their kind,
    province or certificate may have changed), inside the saving transaction."""
    refresh_organizations(organization_ids)


@transaction.atomic
def refresh_organizations(organization_ids, *, now: datetime.datetime | None = None) -> int:
    """Recompute the rows of some organizations against every kept call that does not admit
    everyone. Returns the number of rows written."""
    ids = [int(i) for i in organization_ids]
    if not ids:
        return 0
    now = now or timezone.now()
    EligibleCall.objects.filter(organization_id__in=ids).delete()
    calls = [c for c in _kept_calls(now).only(*CALL_FIELDS) if not call_admits_every_organization(c)]
    if not calls:
        return 0
    invited = _invited(calls)
    profiles = _profiles(Organization.objects.filter(pk__in=ids))
    rows = [r for call in calls for r in _rows_for(call, profiles, invited.get(call.pk))]
    EligibleCall.objects.bulk_create(rows, batch_size=BATCH)
    return len(rows)


@transaction.atomic
def rebuild(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Recompute the whole table (also drops the rows of calls that closed at their deadline).
    Returns {"calls": kept calls, "rows": rows written}."""
    now = now or timezone.now()
    EligibleCall.objects.all().delete()
    calls = list(_kept_calls(now).only(*CALL_FIELDS))
    invited = _invited(calls)
    restricted = [c for c in calls if not call_admits_every_organization(c)]
    profiles = _profiles(Organization.objects.all()) if any(c.pk not in invited for c in restricted) else {}
    rows = 0
    for call in calls:
        batch = _rows_for(call, profiles, invited.get(call.pk))
        EligibleCall.objects.bulk_create(batch, batch_size=BATCH)
        rows += len(batch)
    return {"calls": len(calls), "rows": rows}


def disagreements(*, now: datetime.datetime | None = None, limit: int = 20) -> list[tuple[int, int | None, str]]:
    """(call id, organization id or None, what is wrong) where the table and the rule disagree, for
    kept calls (at most `limit`). Empty when the table is in step."""
    now = now or timezone.now()
    calls = list(_kept_calls(now).only(*CALL_FIELDS))
    invited = _invited(calls)
    stored: dict[int, set[int | None]] = defaultdict(set)
    for call_id, org_id in EligibleCall.objects.values_list("call_id", "organization_id"):
        stored[call_id].add(org_id)
    kept_ids = {c.pk for c in calls}
    problems: list[tuple[int, int | None, str]] = [
        (call_id, None, "rows for a call that is not published or has closed")
        for call_id in stored
        if call_id not in kept_ids
    ]
    profiles = _profiles(Organization.objects.all()) if calls else {}
    for call in calls:
        expected = {r.organization_id for r in _rows_for(call, profiles, invited.get(call.pk))}
        have = stored.get(call.pk, set())
        problems += [(call.pk, o, "missing") for o in sorted(expected - have, key=lambda v: v or 0)]
        problems += [(call.pk, o, "not eligible") for o in sorted(have - expected, key=lambda v: v or 0)]
        if len(problems) >= limit:
            break
    return problems[:limit]


def open_call_ids(*, organization_ids, now: datetime.datetime | None = None) -> QuerySet:
    """Ids of the calls open now that at least one of `organization_ids` may apply to, as a
    subquery (one indexed lookup: the organizations' rows and the "everyone" rows, joined to the
    calls' open window)."""
    now = now or timezone.now()
    ids = [int(i) for i in organization_ids]
    if not ids:
        return EligibleCall.objects.none().values_list("call_id", flat=True)
    return (
        EligibleCall.objects.filter(Q(organization_id__in=ids) | Q(organization__isnull=True))
        .filter(call__state=Call.State.PUBLISHED, call__closes_at__gt=now)
        .filter(Q(call__opens_at__isnull=True) | Q(call__opens_at__lte=now))
        .values_list("call_id", flat=True)
    )
