"""Needs, calls, canvases, questions and results in API v1: real requests per role with personal API
tokens (and the web session), including people of another city, who never read or change this
city's needs, calls or canvases."""

import datetime
import json

import pytest
from django.test import Client
from django.utils import timezone, translation
from django.utils.translation import gettext

from hamafza.accounts.models import CityRole
from hamafza.accounts.services import api_token_create
from hamafza.accounts.tests.factories import UserFactory, user_with_role
from hamafza.challenges import services
from hamafza.challenges.models import Call, CallFollow, Canvas, Need
from hamafza.challenges.tests.factories import (
    CallFactory,
    CallQuestionFactory,
    CallResultFactory,
    NeedFactory,
    PublishedCallFactory,
)
from hamafza.core.tests.factories import CapabilityFactory, DomainFactory, UnitFactory
from hamafza.directory.tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db


def bearer(user):
    if user is None:
        return {}
    _token, key = api_token_create(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def call_api(client, method, path, user=None, data=None, **extra):
    kwargs = dict(bearer(user), **extra)
    if data is not None:
        kwargs["data"] = json.dumps(data)
        kwargs["content_type"] = "application/json"
    return getattr(client, method)(f"/api/v1{path}", **kwargs)


def get(client, path, user=None, params=None, **extra):
    return client.get(f"/api/v1{path}", params or {}, **bearer(user), **extra)


@pytest.fixture
def admin(db):
    return UserFactory(is_superuser=True, is_staff=True)


@pytest.fixture
def karaj_staff(other_city):
    return user_with_role(CityRole.Role.UNIT_STAFF, other_city)


# --------------------------------------------------------------------------------------------
# Needs: creation, drafts, submission
# --------------------------------------------------------------------------------------------
def test_unit_staff_writes_a_draft_edits_and_submits_it(client, city, unit, staff):
    sorting = CapabilityFactory(code="waste.sorting", domain=DomainFactory(code="waste"))

    created = call_api(
        client,
        "post",
        "/cities/qom/needs",
        staff,
        {"title": "تفكيك  پسماند", "unit": "waste", "domain": "waste", "capabilities": ["waste.sorting"]},
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["status"] == "draft" and body["unit"] == "waste" and body["capabilities"] == ["waste.sorting"]
    assert body["title"] == "تفکیک پسماند"  # normalised by the service, as on the page
    assert body["can_change"] is True and body["can_triage"] is False
    need = Need.objects.get(pk=body["id"])
    assert need.submitted_by == staff and need.history.first().history_user == staff
    assert list(need.capabilities.all()) == [sorting]

    # Submitting without a description is refused with the field named; the draft stays a draft.
    refused = call_api(client, "post", f"/cities/qom/needs/{need.pk}/submit", staff)
    assert refused.status_code == 400 and refused.json()["errors"][0]["name"] == "body.description"
    need.refresh_from_db()
    assert need.status == Need.Status.DRAFT

    patched = call_api(
        client, "patch", f"/cities/qom/needs/{need.pk}", staff, {"description": "پسماند خشک جدا نمی‌شود."}
    )
    assert patched.status_code == 200 and patched.json()["title"] == "تفکیک پسماند"  # untouched
    submitted = call_api(client, "post", f"/cities/qom/needs/{need.pk}/submit", staff)
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"
    assert submitted.json()["can_change"] is False

    # No longer a draft: edits are refused (the rules' change_need), not silently applied.
    late = call_api(client, "patch", f"/cities/qom/needs/{need.pk}", staff, {"title": "دیگر"})
    assert late.status_code == 403 and late.json()["code"] == "permission_denied"
    need.refresh_from_db()
    assert need.title == "تفکیک پسماند"


def test_citizen_report_goes_to_moderation(client, city, unit, citizen):
    response = call_api(
        client,
        "post",
        "/cities/qom/needs",
        citizen,
        {"source": "citizen", "title": "چاله در خیابان", "description": "خیابان صفاییه", "submit": True},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["source"], body["status"], body["unit"]) == ("citizen", "moderation", None)
    # a report has no unit: choosing one is refused, not silently dropped
    with_unit = call_api(
        client, "post", "/cities/qom/needs", citizen, {"source": "citizen", "title": "x", "unit": "waste"}
    )
    assert with_unit.status_code == 400 and with_unit.json()["errors"][0]["name"] == "body.unit"
    assert Need.objects.count() == 1


def test_a_refused_submission_leaves_no_draft_behind(client, city, citizen):
    response = call_api(
        client, "post", "/cities/qom/needs", citizen, {"source": "citizen", "title": "بی‌توضیح", "submit": True}
    )
    assert response.status_code == 400 and response.json()["errors"][0]["name"] == "body.description"
    assert not Need.objects.exists()


@pytest.mark.parametrize("who", ["citizen", "other_unit_staff", "karaj_staff"])
def test_only_staff_of_the_unit_write_its_needs(client, city, unit, who, request):
    user = request.getfixturevalue(who)
    response = call_api(client, "post", "/cities/qom/needs", user, {"title": "نیاز", "unit": "waste"})
    assert response.status_code == 403
    assert not Need.objects.exists()


def test_need_input_is_checked_and_named(client, city, unit, staff):
    cases = [
        ({"unit": "no-such-unit"}, "body.unit"),
        ({"domain": "nope"}, "body.domain"),
        ({"capabilities": ["nope"]}, "body.capabilities"),
        ({"urgency": "whenever"}, "body.urgency"),
        ({"colour": "red"}, "body.colour"),
        ({"title": "x" * 201}, "body.title"),
    ]
    for data, name in cases:
        response = call_api(client, "post", "/cities/qom/needs", staff, data)
        assert response.status_code == 400, (data, response.content)
        assert name in [e["name"] for e in response.json()["errors"]], (data, response.json())
    assert call_api(client, "post", "/cities/no-such-city/needs", staff, {}).status_code == 404


# --------------------------------------------------------------------------------------------
# Needs: who sees what
# --------------------------------------------------------------------------------------------
@pytest.fixture
def needs(city, other_city, unit, staff, citizen):
    other_unit = UnitFactory(city=city)
    return {
        "mine": NeedFactory(city=city, unit=unit, submitted_by=staff, title="نیاز واحد"),
        "draft": NeedFactory(city=city, unit=unit, submitted_by=staff, status=Need.Status.DRAFT),
        "other_unit": NeedFactory(city=city, unit=other_unit),
        "report": NeedFactory(
            city=city, unit=None, source=Need.Source.CITIZEN, status=Need.Status.MODERATION, submitted_by=citizen
        ),
        "karaj": NeedFactory(city=other_city),
    }


def ids(response):
    assert response.status_code == 200, response.content
    return {item["id"] for item in response.json()["items"]}


def test_each_role_lists_what_the_pages_show(client, needs, manager, staff, other_unit_staff, citizen, admin):
    n = {k: v.pk for k, v in needs.items()}
    inbox = {n["mine"], n["other_unit"], n["report"]}
    assert ids(get(client, "/cities/qom/needs", manager)) == inbox
    assert ids(get(client, "/cities/qom/needs", admin)) == inbox
    assert ids(get(client, "/cities/qom/needs", staff)) == {n["mine"], n["draft"]}
    assert ids(get(client, "/cities/qom/needs", other_unit_staff)) == set()
    assert ids(get(client, "/cities/qom/needs", citizen)) == {n["report"]}
    assert ids(get(client, "/cities/qom/needs", manager, {"status": "moderation"})) == {n["report"]}
    assert ids(get(client, "/cities/qom/needs", staff, {"status": "draft"})) == {n["draft"]}
    assert get(client, "/cities/qom/needs").status_code == 401


def test_a_token_of_another_city_reads_nothing_of_this_city(client, needs, other_manager, karaj_staff):
    for user in (other_manager, karaj_staff):
        assert ids(get(client, "/cities/qom/needs", user)) == set()
        for need in ("mine", "report", "draft"):
            pk = needs[need].pk
            assert get(client, f"/cities/qom/needs/{pk}", user).status_code == 404
            # and not through its own city's address either
            assert get(client, f"/cities/karaj/needs/{pk}", user).status_code == 404
    assert ids(get(client, "/cities/karaj/needs", other_manager)) == {needs["karaj"].pk}


@pytest.mark.parametrize("who", ["other_manager", "karaj_staff", "other_unit_staff", "citizen"])
def test_others_never_change_or_triage_a_need(client, needs, who, request):
    user = request.getfixturevalue(who)
    draft, submitted = needs["draft"], needs["mine"]
    responses = [
        call_api(client, "patch", f"/cities/qom/needs/{draft.pk}", user, {"title": "ربوده"}),
        call_api(client, "post", f"/cities/qom/needs/{draft.pk}/submit", user),
        call_api(client, "post", f"/cities/qom/needs/{submitted.pk}/accept", user),
        call_api(client, "post", f"/cities/qom/needs/{submitted.pk}/reject", user, {"reason": "نه"}),
        call_api(client, "post", f"/cities/qom/needs/{submitted.pk}/merge", user, {"into": needs["other_unit"].pk}),
    ]
    assert all(r.status_code in (403, 404) for r in responses), [r.status_code for r in responses]
    draft.refresh_from_db()
    submitted.refresh_from_db()
    assert draft.title != "ربوده" and draft.status == Need.Status.DRAFT
    assert submitted.status == Need.Status.SUBMITTED and not Call.objects.exists()


def test_need_detail_for_the_people_the_rules_allow(client, needs, manager, staff, citizen, admin):
    mine = needs["mine"]
    body = get(client, f"/cities/qom/needs/{mine.pk}", manager).json()
    assert body["id"] == mine.pk and body["can_triage"] is True and body["city"] == "qom"
    assert get(client, f"/cities/qom/needs/{mine.pk}", staff).status_code == 200
    assert get(client, f"/cities/qom/needs/{mine.pk}", admin).status_code == 200
    assert get(client, f"/cities/qom/needs/{mine.pk}", citizen).status_code == 404
    assert get(client, f"/cities/qom/needs/{needs['report'].pk}", citizen).status_code == 200


def test_need_list_filters_and_ordering_are_declared(client, needs, manager):
    response = get(client, "/cities/qom/needs", manager, {"colour": "red"})
    assert response.status_code == 400 and response.json()["code"] == "unknown_parameters"
    assert "colour" in response.json()["detail"]
    response = get(client, "/cities/qom/needs", manager, {"ordering": "search_text"})
    assert response.status_code == 400 and response.json()["errors"][0]["name"] == "query.ordering"
    response = get(client, "/cities/qom/needs", manager, {"unit": "nope"})
    assert response.status_code == 400 and response.json()["errors"][0]["name"] == "query.unit"
    titles = [i["title"] for i in get(client, "/cities/qom/needs", manager, {"ordering": "title"}).json()["items"]]
    assert titles == sorted(titles)


def test_need_list_does_not_query_per_row(client, city, unit, manager, staff, django_assert_max_num_queries):
    caps = [CapabilityFactory() for _ in range(3)]
    for _ in range(25):
        NeedFactory(city=city, unit=unit, submitted_by=staff, capabilities=caps, domain=DomainFactory(code="waste"))
    headers = bearer(manager)
    with django_assert_max_num_queries(8):
        body = client.get("/api/v1/cities/qom/needs", {"page_size": 25}, **headers).json()
    assert len(body["items"]) == 25 and all(len(i["capabilities"]) == 3 for i in body["items"])
    headers = bearer(staff)
    with django_assert_max_num_queries(8):
        body = client.get("/api/v1/cities/qom/needs", {"page_size": 25}, **headers).json()
    assert len(body["items"]) == 25


# --------------------------------------------------------------------------------------------
# Needs: triage
# --------------------------------------------------------------------------------------------
def test_manager_accepts_a_need_into_a_call(client, needs, manager):
    need = needs["mine"]
    response = call_api(client, "post", f"/cities/qom/needs/{need.pk}/accept", manager)
    assert response.status_code == 201, response.content
    call = response.json()
    assert call["state"] == "in_definition" and call["city"] == "qom" and call["unit"] == "waste"
    need.refresh_from_db()
    assert need.status == Need.Status.ACCEPTED and need.calls.get().pk == call["id"]
    assert get(client, f"/cities/qom/needs/{need.pk}", manager).json()["calls"] == [call["id"]]

    again = call_api(client, "post", f"/cities/qom/needs/{need.pk}/accept", manager)
    assert again.status_code == 409 and again.json()["code"] == "transition_refused"
    assert again.json()["errors"] and Call.objects.count() == 1


def test_manager_rejects_with_a_reason_approves_merges_and_links(client, needs, manager, other_city):
    mine, other, report = needs["mine"], needs["other_unit"], needs["report"]
    no_reason = call_api(client, "post", f"/cities/qom/needs/{mine.pk}/reject", manager, {"reason": ""})
    assert no_reason.status_code == 400 and no_reason.json()["errors"][0]["name"] == "body.reason"

    approved = call_api(client, "post", f"/cities/qom/needs/{report.pk}/approve", manager)
    assert approved.status_code == 200 and approved.json()["status"] == "submitted"
    again = call_api(client, "post", f"/cities/qom/needs/{report.pk}/approve", manager)
    assert again.status_code == 409

    linked = call_api(client, "post", f"/cities/qom/needs/{mine.pk}/link", manager, {"other": needs["karaj"].pk})
    assert linked.status_code == 200 and linked.json()["related"] == [{"id": needs["karaj"].pk, "city": "karaj"}]
    draft = call_api(client, "post", f"/cities/qom/needs/{mine.pk}/link", manager, {"other": needs["draft"].pk})
    assert draft.status_code == 400 and draft.json()["errors"][0]["name"] == "body.other"

    # merge targets are needs of the same city only
    cross = call_api(client, "post", f"/cities/qom/needs/{other.pk}/merge", manager, {"into": needs["karaj"].pk})
    assert cross.status_code == 400 and cross.json()["errors"][0]["name"] == "body.into"
    merged = call_api(client, "post", f"/cities/qom/needs/{other.pk}/merge", manager, {"into": mine.pk})
    assert merged.status_code == 200 and merged.json()["status"] == "merged"
    assert merged.json()["merged_into"] == mine.pk

    rejected = call_api(client, "post", f"/cities/qom/needs/{report.pk}/reject", manager, {"reason": "تکراری"})
    assert rejected.status_code == 200 and rejected.json()["rejection_reason"] == "تکراری"


def test_session_needs_the_csrf_header_for_writes(city, needs, manager):
    client = Client(enforce_csrf_checks=True)
    client.force_login(manager)
    assert client.get("/api/v1/cities/qom/needs").status_code == 200
    response = client.post(f"/api/v1/cities/qom/needs/{needs['mine'].pk}/accept")
    assert response.status_code == 403 and response.json()["code"] == "csrf_failed"
    assert not Call.objects.exists()


def test_session_of_another_city_is_refused_like_its_token(city, needs, other_manager):
    client = Client()
    client.force_login(other_manager)
    assert client.get(f"/api/v1/cities/qom/needs/{needs['mine'].pk}").status_code == 404
    assert client.post(f"/api/v1/cities/qom/needs/{needs['mine'].pk}/accept").status_code == 404


# --------------------------------------------------------------------------------------------
# Calls: the public side
# --------------------------------------------------------------------------------------------
@pytest.fixture
def calls(city, other_city, unit):
    now = timezone.now()
    waste = DomainFactory(code="waste")
    sorting = CapabilityFactory(code="waste.sorting", domain=waste)
    return {
        "open": PublishedCallFactory(
            city=city, unit=unit, domain=waste, capabilities=[sorting], closes_at=now + datetime.timedelta(days=10)
        ),
        "late": PublishedCallFactory(city=city, unit=unit, closes_at=now + datetime.timedelta(days=40)),
        "invited": PublishedCallFactory(city=other_city, call_type="invited"),
        "closed": PublishedCallFactory(city=city, unit=unit, state=Call.State.CLOSED, closes_at=now),
        "results": PublishedCallFactory(city=other_city, state=Call.State.RESULTS_PUBLISHED),
        "draft": CallFactory(city=city, unit=unit),
        "cancelled": PublishedCallFactory(city=city, unit=unit, state=Call.State.CANCELLED),
    }


def test_public_call_list_with_filters(client, calls, member, org, other_manager, django_capture_on_commit_callbacks):
    c = {k: v.pk for k, v in calls.items()}
    public = {c["open"], c["late"], c["invited"], c["closed"], c["results"]}
    assert ids(get(client, "/calls")) == public
    assert ids(get(client, "/calls", params={"city": "karaj"})) == {c["invited"], c["results"]}
    assert ids(get(client, "/calls", params={"state": "results_published"})) == {c["results"]}
    assert ids(get(client, "/calls", params={"status": "open"})) == {c["open"], c["late"], c["invited"]}
    assert ids(get(client, "/calls", params={"call_type": "invited"})) == {c["invited"]}
    assert ids(get(client, "/calls", params={"domain": "waste"})) == {c["open"]}
    assert ids(get(client, "/calls", params={"capability": "waste.sorting"})) == {c["open"]}
    in_20_days = (timezone.localdate() + datetime.timedelta(days=20)).isoformat()
    assert c["open"] in ids(get(client, "/calls", params={"closes_before": in_20_days}))
    assert c["late"] not in ids(get(client, "/calls", params={"closes_before": in_20_days}))
    assert ids(get(client, "/calls", params={"closes_after": in_20_days})) == {c["late"], c["invited"], c["results"]}
    ordered = [
        i["id"] for i in get(client, "/calls", params={"status": "open", "ordering": "-closes_at"}).json()["items"]
    ]
    assert ordered == [c["late"], c["invited"], c["open"]]  # closing in 40, 30 and 10 days

    # open_to: open calls the member's organization may apply to (not the invitation-only one)
    assert ids(get(client, "/calls", member, {"open_to": org.slug})) == {c["open"], c["late"]}
    with django_capture_on_commit_callbacks(execute=False) as refill:
        services.call_update_settings(call=calls["invited"], by=other_manager, invited_organizations=[org])
    # the call's rows are refilled by a task after the commit (ADR 0019): listed once it has run
    assert ids(get(client, "/calls", member, {"open_to": org.slug})) == {c["open"], c["late"]}
    for task in refill:
        task()
    assert ids(get(client, "/calls", member, {"open_to": org.slug})) == {c["open"], c["late"], c["invited"]}


def test_public_call_list_refuses_what_it_does_not_declare(client, calls, citizen, org):
    for params, name in [
        ({"state": "draft"}, "query.state"),
        ({"ordering": "search_text"}, "query.ordering"),
        ({"city": "nowhere"}, "query.city"),
        ({"capability": "nope"}, "query.capability"),
        ({"closes_before": "1404/09/01"}, "query.closes_before"),
        ({"open_to": org.slug}, None),
    ]:
        response = get(client, "/calls", citizen, params)
        assert response.status_code == 400, (params, response.content)
        if name:
            assert response.json()["errors"][0]["name"] == name
    response = get(client, "/calls", citizen, {"open_to": org.slug})
    assert response.json()["errors"][0]["name"] == "query.open_to"  # not one of the citizen's organizations
    assert get(client, "/calls", params={"open_to": org.slug}).status_code == 401
    response = get(client, "/calls", params={"mine": "1"})
    assert response.status_code == 400 and response.json()["code"] == "unknown_parameters"


def test_public_call_list_does_not_query_per_row(client, city, unit, django_assert_max_num_queries):
    caps = [CapabilityFactory() for _ in range(3)]
    domain = DomainFactory()
    for _ in range(25):
        PublishedCallFactory(city=city, unit=unit, capabilities=caps, domain=domain)
    with django_assert_max_num_queries(4):
        body = client.get("/api/v1/calls", {"page_size": 25}).json()
    assert len(body["items"]) == 25 and all(len(i["capabilities"]) == 3 for i in body["items"])


def test_call_detail_is_public_only_once_published(client, calls, manager, staff, other_manager, admin):
    body = get(client, f"/calls/{calls['open'].pk}").json()
    assert body["state"] == "published" and body["is_open"] is True and body["following"] is False
    assert body["canvas"]["kpi_name"] and sum(c["weight"] for c in body["criteria"]) == 100
    draft = calls["draft"].pk
    assert get(client, f"/calls/{draft}").status_code == 404
    assert get(client, f"/calls/{draft}", other_manager).status_code == 404
    assert get(client, f"/calls/{calls['cancelled'].pk}").status_code == 404
    assert get(client, f"/calls/{draft}", manager).json()["state"] == "in_definition"
    assert get(client, f"/calls/{draft}", staff).status_code == 200
    assert get(client, "/calls/999999").status_code == 404
    assert get(client, "/calls/0").status_code == 400


def test_reading_a_call_past_its_deadline_closes_it(client, city, unit):
    call = PublishedCallFactory(city=city, unit=unit)
    Call.objects.filter(pk=call.pk).update(closes_at=timezone.now() - datetime.timedelta(minutes=1))
    assert get(client, f"/calls/{call.pk}").json()["state"] == "closed"


def test_city_call_list_is_scoped_to_the_people_working_on_them(client, calls, manager, staff, other_manager):
    qom_calls = {calls[k].pk for k in ("open", "late", "closed", "draft", "cancelled")}
    assert ids(get(client, "/cities/qom/calls", manager)) == qom_calls
    assert ids(get(client, "/cities/qom/calls", staff)) == qom_calls  # all are of the staff's unit
    assert ids(get(client, "/cities/qom/calls", other_manager)) == set()
    assert ids(get(client, "/cities/qom/calls", manager, {"state": "in_definition"})) == {calls["draft"].pk}


# --------------------------------------------------------------------------------------------
# Calls: the manager's writes and the state machine
# --------------------------------------------------------------------------------------------
def test_manager_starts_a_call_and_others_cannot(client, city, other_city, unit, manager, other_manager, staff):
    data = {"city": "qom", "unit": "waste", "title": "فراخوان  تازه"}
    response = call_api(client, "post", "/calls", manager, data)
    assert response.status_code == 201, response.content
    assert response.json()["state"] == "draft" and response.json()["title"] == "فراخوان تازه"
    assert call_api(client, "post", "/calls", other_manager, data).status_code == 403
    assert call_api(client, "post", "/calls", staff, data).status_code == 403
    karaj_unit = UnitFactory(city=other_city, slug="karaj-waste")
    wrong = call_api(client, "post", "/calls", manager, dict(data, unit=karaj_unit.slug))
    assert wrong.status_code == 400 and wrong.json()["errors"][0]["name"] == "body.unit"
    assert Call.objects.count() == 1


def test_settings_and_the_path_to_publication(client, city, unit, manager, org):
    call = CallFactory(city=city, unit=unit, complete=True)

    # publishing needs a ready canvas and a closing date: refused with reasons, never a 5xx
    early = call_api(client, "post", f"/calls/{call.pk}/transitions", manager, {"to": "published"})
    assert early.status_code == 409 and early.json()["code"] == "transition_refused"
    ready = call_api(client, "post", f"/calls/{call.pk}/transitions", manager, {"to": "ready"})
    assert ready.status_code == 200 and ready.json()["state"] == "ready"
    no_date = call_api(client, "post", f"/calls/{call.pk}/transitions", manager, {"to": "published"})
    assert no_date.status_code == 409 and no_date.json()["errors"]

    past = call_api(client, "patch", f"/calls/{call.pk}/settings", manager, {"closes_at": "2020-01-01T00:00:00Z"})
    assert past.status_code == 400 and past.json()["errors"][0]["name"] == "body.closes_at"
    invited = call_api(client, "patch", f"/calls/{call.pk}/settings", manager, {"call_type": "invited"})
    assert invited.status_code == 400 and invited.json()["errors"][0]["name"] == "body.invited_organizations"
    closes = (timezone.now() + datetime.timedelta(days=20)).replace(microsecond=0)
    response = call_api(
        client,
        "patch",
        f"/calls/{call.pk}/settings",
        manager,
        {
            "closes_at": closes.strftime("%Y-%m-%dT%H:%M:%S"),  # no offset: Tehran time
            "allowed_provinces": ["Qom", "Tehran"],
            "call_type": "invited",
            "invited_organizations": [org.slug],
        },
    )
    assert response.status_code == 200, response.content
    assert response.json()["invited_organizations"] == [org.slug]
    call.refresh_from_db()
    assert call.allowed_provinces == ["Qom", "Tehran"] and call.call_type == "invited"
    assert call.closes_at.utcoffset() == datetime.timedelta(0)  # stored in UTC...
    tehran = datetime.timezone(datetime.timedelta(hours=3, minutes=30))
    assert call.closes_at.astimezone(tehran).replace(tzinfo=None) == closes.replace(tzinfo=None)  # ...typed in Tehran

    listing = get(client, f"/calls/{call.pk}/transitions", manager).json()
    assert listing["state"] == "ready" and "published" in listing["allowed"] and "cancelled" in listing["allowed"]
    published = call_api(client, "post", f"/calls/{call.pk}/transitions", manager, {"to": "published"})
    assert published.status_code == 200 and published.json()["state"] == "published"
    assert get(client, f"/calls/{call.pk}").status_code == 200  # now public
    history = get(client, f"/calls/{call.pk}/transitions", manager).json()["history"]
    assert [h["to_state"] for h in history][-2:] == ["ready", "published"]


def test_invalid_transitions_are_4xx_never_5xx(client, city, unit, manager):
    call = CallFactory(city=city, unit=unit)
    for data, status in [
        ({"to": "results_published"}, 409),
        ({"to": "in_definition"}, 409),  # already there
        ({"to": "bogus"}, 400),
        ({}, 400),
        ({"to": "cancelled"}, 400),  # a reason is required
        ({"to": "ready", "extra": 1}, 400),
    ]:
        response = call_api(client, "post", f"/calls/{call.pk}/transitions", manager, data)
        assert response.status_code == status, (data, response.content)
    call.refresh_from_db()
    assert call.state == Call.State.IN_DEFINITION
    cancelled = call_api(client, "post", f"/calls/{call.pk}/transitions", manager, {"to": "cancelled", "note": "بودجه"})
    assert cancelled.status_code == 200 and cancelled.json()["cancel_reason"] == "بودجه"


@pytest.mark.parametrize("who", ["other_manager", "karaj_staff", "citizen", "facilitator"])
def test_others_cannot_move_or_configure_a_call(client, city, unit, who, request):
    user = request.getfixturevalue(who)
    draft = CallFactory(city=city, unit=unit, complete=True)
    public = PublishedCallFactory(city=city, unit=unit)
    if who == "facilitator":  # assigned: works on the canvas, but moving and configuring are the manager's
        draft.facilitators.add(user)
    for call, hidden in ((draft, True), (public, False)):
        moved = call_api(client, "post", f"/calls/{call.pk}/transitions", user, {"to": "cancelled", "note": "x"})
        settings_ = call_api(client, "patch", f"/calls/{call.pk}/settings", user, {"knowledge_based_required": True})
        expected = 404 if hidden and who != "facilitator" else 403
        assert moved.status_code == expected and settings_.status_code in (403, 404), (call.state, who)
        call.refresh_from_db()
        assert call.state != Call.State.CANCELLED and not call.knowledge_based_required


def test_eligibility_of_an_organization(client, calls, member, org):
    call = calls["open"]
    call.allowed_provinces = ["Tehran"]
    call.save()
    body = get(client, f"/calls/{call.pk}/eligibility", params={"organization": org.slug}).json()
    assert body == {"organization": org.slug, "eligible": False, "reasons": body["reasons"]} and body["reasons"]
    ok = get(client, f"/calls/{calls['late'].pk}/eligibility", params={"organization": org.slug}).json()
    assert ok["eligible"] is True and ok["reasons"] == []
    unknown = get(client, f"/calls/{call.pk}/eligibility", params={"organization": "nope"})
    assert unknown.status_code == 400 and unknown.json()["errors"][0]["name"] == "query.organization"
    assert get(client, f"/calls/{call.pk}/eligibility").status_code == 400
    assert get(client, f"/calls/{calls['draft'].pk}/eligibility", params={"organization": org.slug}).status_code == 404


def test_follow_and_unfollow(client, calls, citizen):
    call = calls["open"]
    assert call_api(client, "post", f"/calls/{call.pk}/follow", citizen).json() == {"following": True}
    assert CallFollow.objects.filter(call=call, user=citizen).exists()
    assert get(client, f"/calls/{call.pk}", citizen).json()["following"] is True
    assert call_api(client, "delete", f"/calls/{call.pk}/follow", citizen).json() == {"following": False}
    assert not CallFollow.objects.exists()
    assert call_api(client, "post", f"/calls/{call.pk}/follow").status_code == 401
    assert call_api(client, "post", f"/calls/{calls['draft'].pk}/follow", citizen).status_code == 404


# --------------------------------------------------------------------------------------------
# Canvas
# --------------------------------------------------------------------------------------------
def canvas_body(canvas_json, **changes):
    keep = [
        *("version", "title", "description", "domain", "capabilities", "background", "affected", "kpi_name"),
        *("kpi_unit", "baseline_value", "target_value", "target_date", "constraints_text", "budget_min_rial"),
        *("budget_max_rial", "timeline", "available_data", "pilot_unit", "criteria"),
    ]
    body = {k: canvas_json[k] for k in keep}
    body.update(changes)
    return body


@pytest.fixture
def draft_call(city, unit, facilitator):
    call = CallFactory(city=city, unit=unit, complete=True)
    call.facilitators.add(facilitator)
    return call


@pytest.mark.parametrize(
    "who,status",
    [
        ("manager", 200),
        ("staff", 200),
        ("facilitator", 200),
        ("admin", 200),
        ("other_unit_staff", 404),
        ("citizen", 404),
        ("other_manager", 404),
        ("karaj_staff", 404),
    ],
)
def test_canvas_is_read_by_the_people_the_rules_allow(client, draft_call, who, status, request):
    response = get(client, f"/calls/{draft_call.pk}/canvas", request.getfixturevalue(who))
    assert response.status_code == status, response.content
    if status == 200:
        body = response.json()
        assert body["version"] == 1 and body["completeness"]["missing"] == [] and body["pilot_unit"] == "waste"


def test_canvas_of_a_public_call_is_not_for_the_public(client, calls, citizen):
    assert get(client, f"/calls/{calls['open'].pk}/canvas", citizen).status_code == 403
    assert get(client, f"/calls/{calls['open'].pk}/canvas").status_code == 401


def test_canvas_save_with_optimistic_locking(client, draft_call, manager, facilitator):
    current = get(client, f"/calls/{draft_call.pk}/canvas", manager).json()

    mine = call_api(
        client, "put", f"/calls/{draft_call.pk}/canvas", facilitator, canvas_body(current, kpi_name="نرخ تفکیک")
    )
    assert mine.status_code == 200, mine.content
    assert mine.json()["version"] == 2 and mine.json()["kpi_name"] == "نرخ تفکیک"

    # The manager saves on top of version 1: refused, nothing of the facilitator's save is lost,
    # and the answer carries the current version and content to merge with.
    stale = call_api(client, "put", f"/calls/{draft_call.pk}/canvas", manager, canvas_body(current, timeline="یک سال"))
    assert stale.status_code == 409, stale.content
    problem = stale.json()
    assert problem["code"] == "conflict" and problem["current_version"] == 2
    assert problem["current"]["kpi_name"] == "نرخ تفکیک" and problem["current"]["version"] == 2
    assert stale["Content-Type"].startswith("application/problem+json")
    canvas = Canvas.objects.get(call=draft_call)
    assert (canvas.version, canvas.kpi_name) == (2, "نرخ تفکیک") and canvas.timeline != "یک سال"

    merged = call_api(
        client,
        "put",
        f"/calls/{draft_call.pk}/canvas",
        manager,
        canvas_body(problem["current"], timeline="یک سال"),
    )
    assert merged.status_code == 200 and merged.json()["version"] == 3
    canvas.refresh_from_db()
    assert (canvas.kpi_name, canvas.timeline) == ("نرخ تفکیک", "یک سال")
    assert canvas.versions.count() == 3


def test_canvas_input_is_validated(client, draft_call, manager):
    current = get(client, f"/calls/{draft_call.pk}/canvas", manager).json()
    cases = [
        ({"criteria": [{"name": "الف", "weight": 50}, {"name": "ب", "weight": 20}]}, "body.criteria"),
        ({"budget_min_rial": 10, "budget_max_rial": 5}, "body.budget_max"),
        ({"pilot_unit": "nope"}, "body.pilot_unit"),
        ({"baseline_value": "1e20"}, "body.baseline_value"),
        ({"title": ""}, "body.title"),
    ]
    for change, name in cases:
        response = call_api(client, "put", f"/calls/{draft_call.pk}/canvas", manager, canvas_body(current, **change))
        assert response.status_code == 400, (change, response.content)
        assert name in [e["name"] for e in response.json()["errors"]], (change, response.json())
    assert Canvas.objects.get(call=draft_call).version == 1


@pytest.mark.parametrize("who", ["other_manager", "karaj_staff", "other_unit_staff", "citizen"])
def test_others_never_change_a_canvas(client, draft_call, manager, who, request):
    current = get(client, f"/calls/{draft_call.pk}/canvas", manager).json()
    response = call_api(
        client,
        "put",
        f"/calls/{draft_call.pk}/canvas",
        request.getfixturevalue(who),
        canvas_body(current, kpi_name="x"),
    )
    assert response.status_code == 404
    assert Canvas.objects.get(call=draft_call).version == 1


def test_canvas_of_a_published_call_cannot_change(client, calls, manager):
    call = calls["open"]
    current = get(client, f"/calls/{call.pk}/canvas", manager).json()
    assert current["editable"] is False
    response = call_api(client, "put", f"/calls/{call.pk}/canvas", manager, canvas_body(current, kpi_name="x"))
    assert response.status_code == 403


# --------------------------------------------------------------------------------------------
# Questions and answers
# --------------------------------------------------------------------------------------------
def test_questions_are_asked_answered_and_published_without_the_asker(client, calls, member, org, manager):
    call = calls["open"]
    asked = call_api(
        client,
        "post",
        f"/calls/{call.pk}/questions",
        member,
        {"question": "مهلت تمدید می‌شود؟", "organization": org.slug},
    )
    assert asked.status_code == 201, asked.content
    question = asked.json()
    assert question["is_published"] is False and question["organization"] == org.slug
    assert get(client, f"/calls/{call.pk}/questions").json()["items"] == []  # not public until answered

    pending = get(client, f"/calls/{call.pk}/questions/all", manager).json()["items"]
    assert [q["id"] for q in pending] == [question["id"]]
    answered = call_api(
        client, "post", f"/calls/{call.pk}/questions/{question['id']}/answer", manager, {"answer": "خیر"}
    )
    assert answered.status_code == 200 and answered.json()["is_published"] is True

    public = get(client, f"/calls/{call.pk}/questions").json()["items"]
    assert [(q["question"], q["answer"]) for q in public] == [("مهلت تمدید می‌شود؟", "خیر")]
    assert set(public[0]) == {"id", "question", "answer", "answered_at", "created_at"}  # no asker, no organization


def test_who_may_ask_and_answer(client, calls, member, citizen, other_manager, staff, org):
    call = calls["open"]
    data = {"question": "سؤال"}
    assert call_api(client, "post", f"/calls/{call.pk}/questions", data=data).status_code == 401
    assert call_api(client, "post", f"/calls/{call.pk}/questions", citizen, data).status_code == 403
    other_org = OrganizationFactory()
    not_mine = call_api(client, "post", f"/calls/{call.pk}/questions", member, dict(data, organization=other_org.slug))
    assert not_mine.status_code == 400 and not_mine.json()["errors"][0]["name"] == "body.organization"
    closed = call_api(client, "post", f"/calls/{calls['closed'].pk}/questions", member, data)
    assert closed.status_code == 403

    question = CallQuestionFactory(call=call, asked_by=member)
    for user in (other_manager, staff, member):
        response = call_api(
            client, "post", f"/calls/{call.pk}/questions/{question.pk}/answer", user, {"answer": "پاسخ"}
        )
        assert response.status_code == 403, user
        assert get(client, f"/calls/{call.pk}/questions/all", user).status_code == 403
    question.refresh_from_db()
    assert question.answer == ""
    # a question of another call is not found through this one
    other = CallQuestionFactory(call=calls["late"], asked_by=member)
    manager = user_with_role(CityRole.Role.INNOVATION_MANAGER, call.city)
    response = call_api(client, "post", f"/calls/{call.pk}/questions/{other.pk}/answer", manager, {"answer": "x"})
    assert response.status_code == 404


def test_question_list_does_not_query_per_row(client, calls, django_assert_max_num_queries):
    call = calls["open"]
    for _ in range(20):
        CallQuestionFactory(call=call, answer="پاسخ", is_published=True, answered_at=timezone.now())
    with django_assert_max_num_queries(6):
        body = client.get(f"/api/v1/calls/{call.pk}/questions", {"page_size": 20}).json()
    assert body["count"] == 20


# --------------------------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------------------------
def test_results_are_public_once_published(client, calls, org, django_assert_max_num_queries):
    call = calls["results"]
    CallResultFactory(call=call, outcome="not_awarded", applicant_name="دوم", rank=2)
    CallResultFactory(call=call, organization=org, applicant_name="", rank=1)
    for _ in range(10):
        CallResultFactory(call=call, organization=OrganizationFactory(), applicant_name="", outcome="not_awarded")
    with django_assert_max_num_queries(6):
        body = client.get(f"/api/v1/calls/{call.pk}/results", {"page_size": 20}).json()
    assert body["count"] == 12
    first = body["items"][0]
    assert (first["organization"], first["outcome"], first["rank"]) == (org.slug, "awarded", 1)
    assert first["name"] == org.name
    only = get(client, f"/calls/{call.pk}/results", params={"outcome": "awarded"}).json()
    assert [i["organization"] for i in only["items"]] == [org.slug]
    # before publication of the results there are none to read
    CallResultFactory(call=calls["closed"])
    assert get(client, f"/calls/{calls['closed'].pk}/results").status_code == 404
    assert get(client, f"/calls/{calls['draft'].pk}/results").status_code == 404


# --------------------------------------------------------------------------------------------
# Errors in the caller's language
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("language", ["en", "fa"])
def test_problems_speak_the_callers_language(client, needs, manager, language):
    response = call_api(
        client,
        "post",
        f"/cities/qom/needs/{needs['mine'].pk}/merge",
        manager,
        {"into": needs["karaj"].pk},
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert response.status_code == 400 and response["Content-Language"] == language
    with translation.override(language):
        expected = gettext("Choose another need of the same city.")
    assert response.json()["errors"][0]["message"] == expected


def test_nul_characters_are_refused_not_stored(client, draft_call, manager, staff):
    # PostgreSQL cannot store NUL: it is invalid input (400), never a server error
    assert get(client, "/calls", params={"q": "a\x00b"}).status_code == 400
    current = get(client, f"/calls/{draft_call.pk}/canvas", manager).json()
    response = call_api(
        client, "put", f"/calls/{draft_call.pk}/canvas", manager, canvas_body(current, timeline="a\x00b")
    )
    assert response.status_code == 400 and response.json()["errors"][0]["name"] == "body.timeline"
    assert call_api(client, "post", "/cities/qom/needs", staff, {"title": "a\x00"}).status_code == 400
    assert get(client, "/cities/q%00m/needs", staff).status_code == 400  # a NUL anywhere: 400 (issue 17)
