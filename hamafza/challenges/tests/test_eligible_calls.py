"""Issue 19: the eligibility of open calls precomputed per organization (``EligibleCall``).

The table must agree with the one rule (``eligibility.call_eligibility_for``) after every kind of
change: a call opens, closes, changes its settings or invitations; an organization changes its
kind, province or certificate, or is created; time passes; the table is rebuilt. The lists read it
with a constant number of queries and, on PostgreSQL, through its index."""

import datetime
import itertools

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from hamafza.challenges import eligible_calls, services
from hamafza.challenges.eligibility import (
    ORGANIZATION_FIELDS,
    call_admits_every_organization,
    call_eligibility_for,
    certificate_date,
    eligible_organizations_filter,
    is_eligible,
)
from hamafza.challenges.models import Call, EligibleCall
from hamafza.challenges.selectors import call_list_public
from hamafza.challenges.tests.factories import CallFactory, PublishedCallFactory
from hamafza.core.tests.plans import plan_of, requires_postgres
from hamafza.directory import services as directory_services
from hamafza.directory.models import Organization, OrganizationKind
from hamafza.directory.tests.factories import OrganizationFactory, OrganizationMembershipFactory

pytestmark = pytest.mark.django_db

S = Call.State


def _truth(now=None) -> set[tuple[int, int]]:
    """(call, organization) pairs the rule admits among calls open now: the reference."""
    now = now or timezone.now()
    calls = [c for c in Call.objects.all() if c.is_open(now)]
    orgs = list(Organization.objects.all())
    return {
        (c.pk, o.pk)
        for c in calls
        for o in orgs
        if call_eligibility_for(call=c, organization=o, now=now, check_open=False)[0]
    }


def _table(now=None) -> set[tuple[int, int]]:
    """The same pairs as the readers see them through the table."""
    now = now or timezone.now()
    return {
        (call_id, o.pk)
        for o in Organization.objects.all()
        for call_id in eligible_calls.open_call_ids(organization_ids=[o.pk], now=now)
    }


def _assert_in_step(now=None):
    assert _table(now) == _truth(now)
    assert eligible_calls.disagreements(now=now) == []


@pytest.fixture
def orgs(db):
    return {
        "qom_kb": OrganizationFactory(
            province="Qom",
            kind=OrganizationKind.KNOWLEDGE_BASED,
            knowledge_based=True,
            certificate_valid_until=timezone.localdate() + datetime.timedelta(days=400),
        ),
        "qom_startup": OrganizationFactory(province="Qom", kind=OrganizationKind.STARTUP),
        "tehran_uni": OrganizationFactory(province="Tehran", kind=OrganizationKind.UNIVERSITY),
        "fars_expiring": OrganizationFactory(
            province="Fars",
            kind=OrganizationKind.KNOWLEDGE_BASED,
            knowledge_based=True,
            certificate_valid_until=timezone.localdate() + datetime.timedelta(days=5),
        ),
    }


def _ready(city, unit, **kw):
    return CallFactory(city=city, unit=unit, state=S.READY, complete=True, **kw)


def test_the_rule_reads_only_the_profile_fields_of_an_organization(city, unit, orgs):
    """The table evaluates the rule once per profile; that is only right if the rule reads nothing
    else of an organization (besides its id, for invitations)."""
    seen = set()

    class Spy:
        def __init__(self, org):
            self._org = org

        def __getattr__(self, name):
            seen.add(name)
            return getattr(self._org, name)

    call = PublishedCallFactory(
        city=city, unit=unit, allowed_provinces=["Fars"], allowed_kinds=["startup"], knowledge_based_required=True
    )
    for org in orgs.values():
        call_eligibility_for(call=call, organization=Spy(org), check_open=False)
    methods = {"get_province_display", "get_kind_display", "has_valid_certificate"}
    assert seen <= set(ORGANIZATION_FIELDS) | methods | {"pk"}
    # has_valid_certificate reads the certificate fields, which are part of the profile.
    assert {"knowledge_based", "certificate_valid_from", "certificate_valid_until"} <= set(ORGANIZATION_FIELDS)


def test_a_call_without_restrictions_admits_everyone_and_costs_one_row(city, unit, orgs):
    call = PublishedCallFactory(city=city, unit=unit)
    assert call_admits_every_organization(call)
    assert all(call_eligibility_for(call=call, organization=o, check_open=False)[0] for o in orgs.values())
    assert list(EligibleCall.objects.filter(call=call).values_list("organization_id", flat=True)) == [None]
    _assert_in_step()


def test_in_step_after_publishing_changing_settings_and_closing(
    city, unit, manager, orgs, django_capture_on_commit_callbacks
):
    restricted = _ready(city, unit, allowed_provinces=["Qom"], closes_at=timezone.now() + datetime.timedelta(days=9))
    free = _ready(city, unit, closes_at=timezone.now() + datetime.timedelta(days=9))
    assert not EligibleCall.objects.exists()
    for call in (restricted, free):
        with django_capture_on_commit_callbacks(execute=True):
            services.call_transition(call=call, to=S.PUBLISHED, by=manager)
    _assert_in_step()
    assert {o for c, o in _table() if c == restricted.pk} == {orgs["qom_kb"].pk, orgs["qom_startup"].pk}

    changes = [
        {"allowed_provinces": ["Tehran", "Fars"]},
        {"allowed_kinds": [OrganizationKind.KNOWLEDGE_BASED]},
        {"knowledge_based_required": True},
        {"allowed_provinces": [], "allowed_kinds": [], "knowledge_based_required": False},
        # the certificate must be valid on the closing date: 30 days ahead excludes the expiring one
        {"knowledge_based_required": True, "closes_at": timezone.now() + datetime.timedelta(days=30)},
    ]
    for values in changes:
        with django_capture_on_commit_callbacks(execute=True):
            services.call_update_settings(call=restricted, by=manager, **values)
        _assert_in_step()
    assert orgs["fars_expiring"].pk not in {o for c, o in _table() if c == restricted.pk}

    services.call_transition(call=restricted, to=S.CLOSED, by=manager)
    assert not EligibleCall.objects.filter(call=restricted).exists()
    _assert_in_step()


def test_in_step_with_invitations(city, unit, manager, orgs, django_capture_on_commit_callbacks):
    call = _ready(city, unit, call_type="invited", closes_at=timezone.now() + datetime.timedelta(days=9))
    with django_capture_on_commit_callbacks(execute=True):
        services.call_update_settings(call=call, by=manager, invited_organizations=[orgs["tehran_uni"]])
        services.call_transition(call=call, to=S.PUBLISHED, by=manager)
    _assert_in_step()
    assert {o for c, o in _table() if c == call.pk} == {orgs["tehran_uni"].pk}
    with django_capture_on_commit_callbacks(execute=True):
        services.call_update_settings(
            call=call,
            by=manager,
            invited_organizations=[orgs["qom_kb"], orgs["qom_startup"]],
            allowed_provinces=["Qom"],
        )
    _assert_in_step()
    assert {o for c, o in _table() if c == call.pk} == {orgs["qom_kb"].pk, orgs["qom_startup"].pk}


def test_in_step_after_organizations_change_or_arrive(city, unit, orgs):
    calls = [
        PublishedCallFactory(city=city, unit=unit, allowed_provinces=["Qom"]),
        PublishedCallFactory(city=city, unit=unit, allowed_kinds=[OrganizationKind.UNIVERSITY]),
        PublishedCallFactory(city=city, unit=unit, knowledge_based_required=True),
        PublishedCallFactory(city=city, unit=unit),
    ]
    _assert_in_step()
    by = OrganizationMembershipFactory(organization=orgs["tehran_uni"], role="admin").user
    org = orgs["tehran_uni"]
    for fields in [
        {"province": "Qom"},
        {"kind": OrganizationKind.STARTUP},
        {"knowledge_based": True, "certificate_valid_until": timezone.localdate() + datetime.timedelta(days=90)},
        {"certificate_valid_until": timezone.localdate() - datetime.timedelta(days=1)},
        {"province": "Tehran", "kind": OrganizationKind.UNIVERSITY, "knowledge_based": False},
    ]:
        directory_services.organization_update(organization=org, by=by, **fields)
        _assert_in_step()
    new = directory_services.organization_create(
        name="تازه", city_name="قم", province="Qom", kind=OrganizationKind.STARTUP
    )
    _assert_in_step()
    assert {c for c, o in _table() if o == new.pk} == {calls[0].pk, calls[3].pk}


def test_a_changed_call_is_hidden_until_the_task_refills_it(
    city, unit, manager, orgs, django_capture_on_commit_callbacks
):
    """The refresh runs in a task after the commit; until then the changed call's rows are gone
    (one DELETE in the request), so it is shown to nobody it may no longer admit."""
    call = PublishedCallFactory(city=city, unit=unit, allowed_provinces=["Qom"])
    _assert_in_step()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.call_update_settings(call=call, by=manager, allowed_provinces=["Tehran"])
        assert not EligibleCall.objects.filter(call=call).exists()  # inside the request's transaction
    assert len(callbacks) == 1 and not EligibleCall.objects.filter(call=call).exists()
    assert call.pk not in {c for c, _ in _table()}  # not "calls for you" for anyone yet
    callbacks[0]()  # the task (eager here; on the worker in production)
    assert {o for c, o in _table() if c == call.pk} == {orgs["tehran_uni"].pk}
    _assert_in_step()
    # Closing deletes at once and needs no task.
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.call_transition(call=call, to=S.CLOSED, by=manager)
    assert callbacks == [] and not EligibleCall.objects.filter(call=call).exists()


def test_the_fast_path_and_the_sql_filter_agree_with_the_rule(city, unit, orgs):
    """``is_eligible`` (no reasons) and ``eligible_organizations_filter`` (SQL) against
    ``call_eligibility_for`` for every combination of restrictions, with certificates that start or
    end on, before and after the closing date."""
    closes = timezone.now() + datetime.timedelta(days=30)
    day = certificate_date(Call(closes_at=closes))
    for start, end in itertools.product(
        (None, day - datetime.timedelta(1), day, day + datetime.timedelta(1)), repeat=2
    ):
        for kb in (False, True):
            OrganizationFactory(
                province="Qom",
                kind=OrganizationKind.KNOWLEDGE_BASED,
                knowledge_based=kb,
                certificate_valid_from=start,
                certificate_valid_until=end,
            )
    invited = list(Organization.objects.all()[:3])
    every = list(Organization.objects.all())
    provinces = [[], ["Qom"], ["Fars", "Tehran"]]
    kinds = [[], [OrganizationKind.KNOWLEDGE_BASED], [OrganizationKind.STARTUP, OrganizationKind.UNIVERSITY]]
    for p, k, kb, call_type in itertools.product(provinces, kinds, (False, True), ("open", "invited")):
        call = PublishedCallFactory(
            city=city,
            unit=unit,
            allowed_provinces=p,
            allowed_kinds=k,
            knowledge_based_required=kb,
            call_type=call_type,
            closes_at=closes,
        )
        if call_type == "invited":
            call.invited_organizations.set(invited)
        rule = {o.pk for o in every if call_eligibility_for(call=call, organization=o, check_open=False)[0]}
        fast = {o.pk for o in every if is_eligible(call=call, organization=o, check_open=False)}
        sql = set(Organization.objects.filter(eligible_organizations_filter(call)).values_list("pk", flat=True))
        assert fast == rule and sql == rule, (p, k, kb, call_type)
        assert (
            is_eligible(call=call, organization=every[0]) == call_eligibility_for(call=call, organization=every[0])[0]
        )
    eligible_calls.rebuild()
    _assert_in_step()


def test_time_passing_is_read_from_the_clock_and_rebuild_drops_closed_calls(city, unit, orgs):
    now = timezone.now()
    soon = PublishedCallFactory(city=city, unit=unit, allowed_provinces=["Qom"], closes_at=now + datetime.timedelta(1))
    later = PublishedCallFactory(
        city=city, unit=unit, allowed_provinces=["Qom"], opens_at=now + datetime.timedelta(days=2)
    )
    _assert_in_step(now)
    assert later.pk not in {c for c, _ in _table(now)}  # not open yet
    after = now + datetime.timedelta(days=3)
    _assert_in_step_ignoring_stale = _table(after) == _truth(after)
    assert _assert_in_step_ignoring_stale  # the closed one is filtered by the clock, the new one is open
    assert soon.pk not in {c for c, _ in _table(after)} and later.pk in {c for c, _ in _table(after)}
    assert (soon.pk, None, "rows for a call that is not published or has closed") in eligible_calls.disagreements(
        now=after
    )
    eligible_calls.rebuild(now=after)
    assert not EligibleCall.objects.filter(call=soon).exists()
    _assert_in_step(after)


def test_the_command_checks_and_rebuilds(city, unit, orgs, capsys):
    call = PublishedCallFactory(city=city, unit=unit, allowed_provinces=["Qom"])
    call_command("eligible_calls", "check")
    # Rows written behind the services' back (as a bulk load does): the check fails, rebuild fixes.
    Call.objects.filter(pk=call.pk).update(allowed_provinces=["Tehran"])
    with pytest.raises(CommandError):
        call_command("eligible_calls", "check")
    assert "missing" in capsys.readouterr().err
    call_command("eligible_calls", "rebuild")
    assert "rows" in capsys.readouterr().out
    call_command("eligible_calls", "check")
    _assert_in_step()


def test_random_settings_agree_with_the_rule(city, unit, orgs):
    """Every combination of the call's restrictions against every organization profile."""
    provinces = [[], ["Qom"], ["Fars", "Tehran"]]
    kinds = [[], [OrganizationKind.KNOWLEDGE_BASED], [OrganizationKind.STARTUP, OrganizationKind.UNIVERSITY]]
    for p, k, kb in itertools.product(provinces, kinds, (False, True)):
        PublishedCallFactory(city=city, unit=unit, allowed_provinces=p, allowed_kinds=k, knowledge_based_required=kb)
    _assert_in_step()
    eligible_calls.rebuild()
    _assert_in_step()


def test_lists_read_the_table_with_constant_queries(client, city, unit, orgs):
    user = OrganizationMembershipFactory(organization=orgs["qom_startup"]).user
    OrganizationMembershipFactory(organization=orgs["tehran_uni"], user=user)
    client.force_login(user)
    url = reverse("challenges:call_list") + "?mine=on"
    api = f"/api/v1/calls?open_to={orgs['qom_startup'].slug}"

    def count(u):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(u)
        assert response.status_code == 200
        return len(ctx.captured_queries), response

    PublishedCallFactory(city=city, unit=unit, allowed_provinces=["Qom"], title="فقط قم")
    small = count(url)[0], count(api)[0]
    for i in range(15):
        PublishedCallFactory(city=city, unit=unit, allowed_provinces=["Fars"] if i % 2 else ["Qom"])
        PublishedCallFactory(city=city, unit=unit, call_type="invited")
    (big_page, page), (big_api, response) = count(url), count(api)
    assert (big_page, big_api) == small
    assert "فقط قم" in page.content.decode()
    assert response.json()["count"] == 1 + 8  # the Qom-only calls; none of the invitations
    for u in (url, api):
        with CaptureQueriesContext(connection) as ctx:
            client.get(u)
        # The eligible rows are a semi-join of the count, of the page's ids and of its rows (ADR 0029,
        # addendum), never a list of every eligible id read first and sent back.
        reads = [q["sql"] for q in ctx.captured_queries if "challenges_eligiblecall" in q["sql"]]
        assert len(reads) == 3, reads
        assert "COUNT(*)" in reads[0] and " LIMIT " in reads[1] and '"challenges_call"."title"' in reads[2], reads


def test_open_to_keeps_the_list_and_its_order(city, unit, orgs):
    """`call_list_public(open_to_organizations=...)` is the list filtered by the rule for open calls,
    in the list's order, for every status (a call opening later, a closed one and a call restricted
    to another province are left out)."""
    now = timezone.now()
    qom, tehran = orgs["qom_startup"], orgs["tehran_uni"]
    for days in (9, 3, 5, 3):
        PublishedCallFactory(city=city, unit=unit, closes_at=now + datetime.timedelta(days=days))
    PublishedCallFactory(city=city, unit=unit, allowed_provinces=["Qom"])
    PublishedCallFactory(
        city=city, unit=unit, opens_at=now + datetime.timedelta(days=1), closes_at=now + datetime.timedelta(days=8)
    )
    CallFactory(city=city, unit=unit, state=S.CLOSED, closes_at=now - datetime.timedelta(days=1))
    for status in ("open", "all", "closed", "results"):
        for org in (qom, tehran):
            listed = [c.pk for c in call_list_public(status=status, open_to_organizations=[org.pk], now=now)]
            expected = [
                c.pk
                for c in call_list_public(status=status, now=now)
                if c.is_open(now) and call_eligibility_for(call=c, organization=org, now=now)[0]
            ]
            assert listed == expected, (status, org)
    assert call_list_public(status="all", open_to_organizations=[qom.pk], now=now).count() == 5
    assert list(call_list_public(open_to_organizations=[], now=now)) == []


@requires_postgres
def test_the_plan_uses_the_index(city, unit, orgs):
    PublishedCallFactory(city=city, unit=unit, allowed_provinces=["Qom"])
    PublishedCallFactory(city=city, unit=unit)
    ids = [orgs["qom_kb"].pk]
    # The list's query: every table read through an index (the planner may start from the open
    # calls or from the organization's rows; neither scans a table).
    plan = plan_of(Call.objects.filter(pk__in=eligible_calls.open_call_ids(organization_ids=ids)))
    assert "Seq Scan" not in plan and "eligiblecall" in plan, plan


@requires_postgres
def test_lists_open_to_an_organization_count_from_indexes_alone(city, unit, orgs):
    """Calls `?mine` and the API's `?open_to` (status "all", newest deadline first): the capped count
    reads no heap page (the calls' window and judging_only from call_state_closes, the eligible
    rows from eligiblecall_unique: index-only scans), and the page walks call_state_closes in the
    list's order (ADR 0029, addendum: the id list made the API's page walk call_closes and filter
    1,371 ids on the heap, ~6,400 blocks a request)."""
    PublishedCallFactory(city=city, unit=unit, allowed_provinces=["Qom"])
    PublishedCallFactory(city=city, unit=unit)
    ids = [orgs["qom_kb"].pk]
    for status in ("open", "all"):
        qs = call_list_public(status=status, open_to_organizations=ids)
        count = plan_of(qs.order_by().values("pk")[:1001], enable_bitmapscan="off")
        assert "Index Only Scan using call_state_closes" in count, count
        assert count.count("Index Only Scan using eligiblecall_unique") == 2, count
        assert "Seq Scan" not in count and " Index Scan " not in count, count
        page = plan_of(qs[:20], enable_bitmapscan="off", enable_sort="off")
        assert "using call_state_closes" in page and "Seq Scan on challenges_call" not in page, page


@requires_postgres
def test_open_call_ids_read_only_indexes(city, unit, orgs):
    """Every part of the ids can be answered from an index alone (no heap page, so no dependence on
    what is in the buffers, issue 19): the organization's rows and the "everyone" rows are two
    scans of the unique index, the calls' open window is read from call_state_closes, which carries
    opens_at. PostgreSQL plans an index-only scan whenever the index holds every column the query
    reads (whatever the visibility map says). The earlier OR of the two kinds of rows could only be
    a BitmapOr, never index-only: with bitmap scans off it became a Seq Scan."""
    PublishedCallFactory(city=city, unit=unit, allowed_provinces=["Qom"])
    PublishedCallFactory(city=city, unit=unit)
    plan = plan_of(eligible_calls.open_call_ids(organization_ids=[orgs["qom_kb"].pk]), enable_bitmapscan="off")
    assert plan.count("Index Only Scan using eligiblecall_unique") == 2, plan
    assert "Index Only Scan using call_state_closes" in plan, plan
    assert "Seq Scan" not in plan, plan
