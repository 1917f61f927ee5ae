"""The open calls each organization may apply to, precomputed (issue 19: calls ``?mine=on`` and the
API's ``?open_to`` were checking every open call in Python on every request; ADR 0019).

``EligibleCall`` holds the *result* of the one rule (``eligibility``, without the open-window
check) for every call that is published and has not closed yet: one row per eligible
organization, or one row without organization when the call admits every organization
(``eligibility.call_admits_every_organization``). The readers add the clock (opened, not closed)
with the indexes of ``Call``, so a list is an index lookup joined to the calls.

How the rows are computed:
* a call over every organization (:func:`refresh_call`, :func:`rebuild`): one
  ``INSERT ... SELECT`` per restricted call, filtered by ``eligibility.eligible_organizations_filter``
  (the rule's conditions as a filter: invitation, provinces, kinds, certificate valid on the
  closing date) - the database does the work, no organization is loaded into Python;
* a few organizations against every kept call (:func:`refresh_organizations`): the rule's
  reasons-free fast path (``eligibility.is_eligible``) once per *group* of organizations equal on
  what the rule reads for that call - province, kind and whether the certificate is valid on the
  call's closing date;
* the check (:func:`disagreements`, ``manage.py eligible_calls check``) evaluates the rule in
  Python the same grouped way and compares with the table, so the SQL filter is checked against
  the rule.

Kept in step by:
* the call services (``services.call_transition``, ``call_update_settings``, the admin) ->
  :func:`call_changed`: the call's rows are deleted at once (one DELETE, inside the request, so a
  changed call is never shown to an organization it no longer admits) and the task
  :func:`refresh_call_task` refills them after the commit (eager in development and tests, on the
  worker in production: until it has run, a just-published or just-changed call is missing from
  "calls for you");
* the directory's ``hooks.organizations_changed`` (kind, province, certificate ... changed)
  -> :func:`organizations_changed`, inside the saving transaction (fast: a few groups per call);
* ``manage.py eligible_calls rebuild`` -> :func:`rebuild` (after bulk loads, restores, or rows
  written straight into the tables), ``manage.py eligible_calls check`` -> :func:`disagreements`.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable

from celery import shared_task
from django.db import connection, transaction
from django.db.models import BigIntegerField, Q, QuerySet, Value
from django.utils import timezone

from hamafza.challenges.eligibility import (
    ORGANIZATION_FIELDS,
    call_admits_every_organization,
    certificate_date,
    eligible_organizations_filter,
    is_eligible,
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
Profiles = dict[tuple, list[int]]


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


def _profiles(organizations: QuerySet[Organization]) -> Profiles:
    """Organization ids grouped by the fields the rule reads (``eligibility.ORGANIZATION_FIELDS``)."""
    groups: Profiles = defaultdict(list)
    for row in organizations.values_list("pk", *ORGANIZATION_FIELDS).iterator(chunk_size=BATCH):
        groups[row[1:]].append(row[0])
    return groups


def _groups_on(profiles: Profiles, on: datetime.date | None) -> Profiles:
    """`profiles` reduced to what the rule reads for one call: (province, kind, certificate valid on
    `on`, the call's closing date; False when the call requires none and `on` is None). Few groups:
    the certificate dates collapse into one boolean."""
    groups: Profiles = defaultdict(list)
    for profile, ids in profiles.items():
        fields = dict(zip(ORGANIZATION_FIELDS, profile, strict=True))
        valid = on is not None and Organization(**fields).has_valid_certificate(on=on)
        groups[(fields["province"], fields["kind"], valid)].extend(ids)
    return groups


def _eligible_ids(call: Call, profiles: Profiles, invited: set[int] | None, reduced: dict) -> list[int]:
    """Ids of the organizations (of `profiles`) that the rule admits to `call`: the reasons-free rule
    once per group (``_groups_on``; `reduced` caches the groups per certificate date)."""
    on = certificate_date(call) if call.knowledge_based_required else None
    if on not in reduced:
        reduced[on] = _groups_on(profiles, on)
    out: list[int] = []
    for (province, kind, valid), ids in reduced[on].items():
        candidates = ids if invited is None else [i for i in ids if i in invited]
        if not candidates:
            continue
        # The rule reads nothing else of an organization but its id (for invited calls, where
        # `candidates` holds invited organizations only); a certificate without dates is valid.
        sample = Organization(pk=candidates[0], province=province, kind=kind, knowledge_based=valid)
        if is_eligible(call=call, organization=sample, invited_ids=invited or (), check_open=False):
            out.extend(candidates)
    return out


def _expected_rows(call: Call, profiles: Profiles, invited: set[int] | None, reduced: dict) -> list[EligibleCall]:
    if call_admits_every_organization(call):
        return [EligibleCall(call_id=call.pk, organization_id=None)]
    return [EligibleCall(call_id=call.pk, organization_id=i) for i in _eligible_ids(call, profiles, invited, reduced)]


def _insert_eligible(call: Call) -> int:
    """Write the rows of a kept call with one statement: a row without organization when it admits
    everyone, else ``INSERT ... SELECT`` of the organizations the rule's filter admits."""
    if call_admits_every_organization(call):
        EligibleCall.objects.create(call_id=call.pk, organization_id=None)
        return 1
    select = (
        Organization.objects.filter(eligible_organizations_filter(call))
        .order_by()
        .values_list(Value(call.pk, output_field=BigIntegerField()), "pk")
    )
    sql, params = select.query.sql_with_params()
    table = connection.ops.quote_name(EligibleCall._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} (call_id, organization_id) {sql} ON CONFLICT DO NOTHING", params)
        return cursor.rowcount


@transaction.atomic
def refresh_call(call: Call | int, *, now: datetime.datetime | None = None) -> int:
    """Recompute the rows of one call (after it opens, closes or changes its eligibility settings
    or invitations), reading the call afresh under a row lock (so two refreshes of one call run one
    after the other and the last one reads the last settings). Returns the number of rows written."""
    now = now or timezone.now()
    pk = call if isinstance(call, int) else call.pk
    call = Call.objects.select_for_update().only(*CALL_FIELDS).filter(pk=pk).first()
    EligibleCall.objects.filter(call_id=pk).delete()
    if call is None or not _is_kept(call, now):
        return 0
    return _insert_eligible(call)


@shared_task(name="challenges.refresh_eligible_calls")
def refresh_call_task(call_id: int) -> int:
    """Background refill of one call's rows (enqueued by :func:`call_changed` after the commit)."""
    return refresh_call(int(call_id))


def call_changed(call: Call) -> None:
    """A call was published, closed, cancelled or changed its dates, eligibility or invitations:
    delete its rows now (one DELETE in the caller's transaction, so no reader shows it to an
    organization it no longer admits) and refill them in a task once the transaction commits."""
    EligibleCall.objects.filter(call_id=call.pk).delete()
    if _is_kept(call, timezone.now()):
        transaction.on_commit(lambda pk=call.pk: refresh_call_task.delay(pk))


def organizations_changed(*, organization_ids) -> None:
    """``hooks.organizations_changed`` receiver: recompute these organizations' rows (their kind,
    province or certificate may have changed), inside the saving transaction."""
    refresh_organizations(organization_ids)


@transaction.atomic
def refresh_organizations(organization_ids, *, now: datetime.datetime | None = None) -> int:
    """Recompute the rows of some organizations against every kept call that does not admit
    everyone (the reasons-free rule once per group and call). Returns the number of rows written."""
    ids = [int(i) for i in organization_ids]
    if not ids:
        return 0
    now = now or timezone.now()
    EligibleCall.objects.filter(organization_id__in=ids).delete()
    # Only calls that may restrict anyone are read (a narrowing in SQL; call_admits_every_organization decides).
    may_restrict = (
        Q(call_type=CallType.INVITED)
        | ~Q(allowed_provinces=[])
        | ~Q(allowed_kinds=[])
        | Q(knowledge_based_required=True)
    )
    calls = [
        c for c in _kept_calls(now).filter(may_restrict).only(*CALL_FIELDS) if not call_admits_every_organization(c)
    ]
    if not calls:
        return 0
    invited = _invited(calls)
    profiles = _profiles(Organization.objects.filter(pk__in=ids))
    reduced: dict = {}
    rows = [r for call in calls for r in _expected_rows(call, profiles, invited.get(call.pk), reduced)]
    EligibleCall.objects.bulk_create(rows, batch_size=BATCH, ignore_conflicts=True)
    return len(rows)


@transaction.atomic
def rebuild(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Recompute the whole table (also drops the rows of calls that closed at their deadline): one
    statement per kept call. Returns {"calls": kept calls, "rows": rows written}."""
    now = now or timezone.now()
    EligibleCall.objects.all().delete()
    calls = list(_kept_calls(now).only(*CALL_FIELDS))
    rows = sum(_insert_eligible(call) for call in calls)
    return {"calls": len(calls), "rows": rows}


def disagreements(*, now: datetime.datetime | None = None, limit: int = 20) -> list[tuple[int, int | None, str]]:
    """(call id, organization id or None, what is wrong) where the table and the rule (evaluated in
    Python, not through its SQL filter) disagree, for kept calls (at most `limit`). Empty when the
    table is in step."""
    now = now or timezone.now()
    calls = list(_kept_calls(now).only(*CALL_FIELDS))
    invited = _invited(calls)
    stale = EligibleCall.objects.exclude(call__in=_kept_calls(now)).values_list("call_id", flat=True).distinct()
    problems: list[tuple[int, int | None, str]] = [
        (call_id, None, "rows for a call that is not published or has closed") for call_id in stale[:limit]
    ]
    profiles = _profiles(Organization.objects.all()) if calls else {}
    reduced: dict = {}
    for call in calls:  # one call's rows at a time (the table can hold millions)
        expected = {r.organization_id for r in _expected_rows(call, profiles, invited.get(call.pk), reduced)}
        have = set(EligibleCall.objects.filter(call_id=call.pk).values_list("organization_id", flat=True))
        problems += [(call.pk, o, "missing") for o in sorted(expected - have, key=lambda v: v or 0)]
        problems += [(call.pk, o, "not eligible") for o in sorted(have - expected, key=lambda v: v or 0)]
        if len(problems) >= limit:
            break
    return problems[:limit]


def eligible_call_ids(*, organization_ids) -> QuerySet:
    """The call ids of the rows of `organization_ids` and of the "everyone" rows, as a ``UNION ALL``
    of two index-only scans of ``eligiblecall_unique (organization, call)`` (no clock: the readers
    add the calls' open window). Meant as a subquery (``pk__in=``), which PostgreSQL runs as a
    semi-join. `organization_ids` must not be empty."""
    rows = EligibleCall.objects.order_by()
    return (
        rows.filter(organization_id__in=organization_ids)
        .values_list("call_id", flat=True)
        .union(rows.filter(organization__isnull=True).values_list("call_id", flat=True), all=True)
    )


def open_to(calls: QuerySet[Call], *, organization_ids, now: datetime.datetime | None = None) -> QuerySet[Call]:
    """`calls` narrowed to those open now that at least one of `organization_ids` may apply to: the
    open window on the calls and the eligible rows as a semi-join, in the same query.

    Every part is an index-only scan, so the list does not depend on which heap pages happen to be
    in memory (issue 19: with an ``OR`` the rows were a BitmapOr whose heap recheck read ~700
    blocks of the 11-21 million-row table, and the open-window test read the heap of every open
    call, ~2,000 blocks: 7 ms warm, 100-180 ms after other pages had pushed them out of the
    buffers): the organizations' rows and the "everyone" rows are two scans of
    ``eligiblecall_unique`` put together with ``UNION ALL`` (:func:`eligible_call_ids`), and the
    calls' open window (and ``judging_only``) is read from ``call_state_closes``, which carries
    them. The eligible ids are never materialised in Python: sent back as a list of 1,371 ids, the
    open window was lost to the planner (the API walked every public call by deadline and filtered
    the list on the heap, ~6,400 blocks a request) and each page and count carried 8 KB of ids
    (ADR 0029, addendum)."""
    now = now or timezone.now()
    ids = sorted({int(i) for i in organization_ids})
    if not ids:
        return calls.none()
    return (
        calls.filter(state=Call.State.PUBLISHED, closes_at__gt=now)
        .filter(Q(opens_at__isnull=True) | Q(opens_at__lte=now))
        .filter(pk__in=eligible_call_ids(organization_ids=ids))
    )


def open_call_ids(*, organization_ids, now: datetime.datetime | None = None) -> QuerySet:
    """Ids of the calls open now that at least one of `organization_ids` may apply to, as a
    queryset of ids (one query; :func:`open_to` on every call)."""
    return (
        open_to(Call.objects.all(), organization_ids=organization_ids, now=now).order_by().values_list("pk", flat=True)
    )
