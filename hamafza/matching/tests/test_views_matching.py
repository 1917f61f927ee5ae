"""The matching pages: organizations to invite on a call (its city's innovation manager only) and
calls for you on an organization (its members), per role, with query counts."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from hamafza.accounts.tests.factories import PASSWORD, UserFactory
from hamafza.challenges.models import Call, CallType
from hamafza.directory.models import OrganizationKind
from hamafza.directory.tests.factories import OrganizationFactory, OrganizationMembershipFactory
from hamafza.matching.tests.web_fixtures import water_call

pytestmark = pytest.mark.django_db


def login(client, user):
    assert client.login(email=user.email, password=PASSWORD)


def matches_url(call, lang="fa"):
    return f"/{lang}" + reverse("matching:call_matches", args=[call.pk])[3:]


def slugs(response):
    assert response.status_code == 200, response.content.decode()[:800]
    return [row.organization.slug for row in response.context["rows"]]


# ------------------------------------------------------------------------------------------------
# Organizations to invite
# ------------------------------------------------------------------------------------------------
def test_manager_sees_ranked_explained_eligible_matches(client, index_dir, manager, call, orgs, taxonomy_db):
    login(client, manager)
    response = client.get(matches_url(call))
    ranked = slugs(response)
    # both leak-detection organizations first; the SEO "traffic" agency is not relevant at all
    assert set(ranked[:2]) == {"leak-qom", "leak-tehran"}
    assert "seo-agency" not in ranked
    top = next(r for r in response.context["rows"] if r.organization.slug == "leak-qom")
    caps = {c["code"]: c for c in top.explanation.capabilities}
    assert caps["water.leak"]["name"] == taxonomy_db["water.leak"].name_fa
    assert caps["water.leak"]["declared"] is True
    assert {s["key"] for s in top.explanation.signals} >= {"capability", "locality"}
    assert round(sum(s["percent"] for s in top.explanation.signals)) == 100
    html = response.content.decode()
    assert 'class="progress score-bar' in html and "leak-tehran" in html
    # the Tehran organization was found through its Persian description only (cross-language)
    tehran = next(r for r in response.context["rows"] if r.organization.slug == "leak-tehran")
    assert any(c["code"] == "water.leak" and not c["declared"] for c in tehran.explanation.capabilities)


def test_capability_names_follow_the_readers_language(client, index_dir, manager, call, orgs, taxonomy_db):
    login(client, manager)
    water_leak = taxonomy_db["water.leak"]
    fa = client.get(matches_url(call, "fa")).context["rows"][0].explanation.capabilities[0]
    en = client.get(matches_url(call, "en")).context["rows"][0].explanation.capabilities[0]
    assert fa["name"] == water_leak.name_fa and en["name"] == water_leak.name_en


def test_ineligible_organizations_are_never_listed(client, index_dir, manager, city, unit, orgs):
    only_qom = water_call(city, unit, allowed_provinces=["Qom"])
    kb_only = water_call(city, unit, knowledge_based_required=True)
    login(client, manager)
    assert "leak-tehran" not in slugs(client.get(matches_url(only_qom)))
    assert slugs(client.get(matches_url(kb_only))) == ["leak-tehran"]
    # a certificate that expires before the closing date does not count
    orgs["leak_tehran"].certificate_valid_until = datetime.date.today() + datetime.timedelta(days=3)
    orgs["leak_tehran"].save()
    from hamafza.matching.services import index_change_record

    index_change_record(organization_ids=[orgs["leak_tehran"].pk])
    assert slugs(client.get(matches_url(kb_only))) == []


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"province": "Tehran"}, ["leak-tehran"]),
        ({"kind": OrganizationKind.STARTUP}, ["leak-qom"]),
        ({"province": "Qom", "kind": OrganizationKind.KNOWLEDGE_BASED}, []),
    ],
)
def test_filters(client, index_dir, manager, call, params, expected):
    login(client, manager)
    assert slugs(client.get(matches_url(call), params)) == expected


@pytest.mark.parametrize("params", [{"province": "Narnia"}, {"kind": "dragon"}])
def test_bad_filters_are_a_400_page(client, index_dir, manager, call, params):
    login(client, manager)
    response = client.get(matches_url(call), params)
    assert response.status_code == 400
    assert response.context["rows"] is None
    assert "alert-danger" in response.content.decode()


def test_other_people_cannot_see_the_matches(client, index_dir, call, other_manager, member, city, unit):
    url = matches_url(call)
    assert client.get(url).status_code == 302  # anonymous: to the login page
    login(client, other_manager)
    assert client.get(url).status_code == 403  # sees the public call, does not manage it
    draft = water_call(city, unit, state=Call.State.IN_DEFINITION, closes_at=None, opens_at=None)
    assert client.get(matches_url(draft)).status_code == 404  # does not even see the draft
    client.logout()
    login(client, member)
    assert client.get(url).status_code == 403
    assert client.get(matches_url(draft)).status_code == 404


def test_call_manage_page_links_to_the_matches(client, index_dir, manager, call, other_manager):
    login(client, manager)
    page = client.get(reverse("challenges:call_manage", args=[call.city.slug, call.pk])).content.decode()
    assert reverse("matching:call_matches", args=[call.pk]) in page


# ------------------------------------------------------------------------------------------------
# Inviting
# ------------------------------------------------------------------------------------------------
def invite(client, call, *orgs, **extra):
    return client.post(
        reverse("matching:call_invite", args=[call.pk]), {"organizations": [o.pk for o in orgs], **extra}
    )


def test_invite_adds_to_the_invited_list_with_history(client, index_dir, manager, city, unit, orgs):
    call = water_call(city, unit, call_type=CallType.INVITED)
    call.invited_organizations.add(orgs["waste"])
    login(client, manager)
    response = invite(client, call, orgs["leak_qom"], orgs["leak_tehran"], province="Qom")
    assert response.status_code == 302
    assert response["Location"].endswith("?province=Qom")
    assert set(call.invited_organizations.values_list("slug", flat=True)) == {"waste-co", "leak-qom", "leak-tehran"}
    last = call.history.latest("history_id")
    assert last.history_user == manager
    assert {m.organization_id for m in last.invited_organizations.all()} >= {orgs["leak_qom"].pk}
    # the page marks them as invited and offers no button for them any more
    rows = client.get(matches_url(call)).context["rows"]
    assert all(r.invited for r in rows if r.organization.slug in {"leak-qom", "leak-tehran"})
    # invited members are told (the challenges app's notification for an invited call)
    from hamafza.challenges.models import Notification

    member = UserFactory()
    OrganizationMembershipFactory(organization=orgs["seo"], user=member)
    invite(client, call, orgs["seo"])
    assert Notification.objects.filter(user=member, kind="call_invited").exists()


def test_inviting_twice_changes_nothing(client, index_dir, manager, call, orgs):
    login(client, manager)
    invite(client, call, orgs["leak_qom"])
    before = call.history.count()
    response = invite(client, call, orgs["leak_qom"])
    assert response.status_code == 302
    assert call.history.count() == before


def test_ineligible_invite_is_refused_with_a_message(client, index_dir, manager, city, unit, orgs):
    only_qom = water_call(city, unit, allowed_provinces=["Qom"])
    login(client, manager)
    response = invite(client, only_qom, orgs["leak_qom"], orgs["leak_tehran"])
    assert response.status_code == 400
    assert "آب‌پویان" in response.content.decode()
    assert not only_qom.invited_organizations.exists()  # nothing, not even the eligible one


@pytest.mark.parametrize("data", [{}, {"organizations": ["x"]}, {"organizations": ["999999"]}])
def test_bad_invite_input_is_a_400(client, index_dir, manager, call, data):
    login(client, manager)
    response = client.post(reverse("matching:call_invite", args=[call.pk]), data)
    assert response.status_code == 400
    assert response.context["errors"]


def test_only_the_citys_manager_invites(client, index_dir, call, orgs, other_manager, member):
    login(client, other_manager)
    assert invite(client, call, orgs["leak_qom"]).status_code == 403
    client.logout()
    login(client, member)
    assert invite(client, call, orgs["leak_qom"]).status_code == 403
    assert not call.invited_organizations.exists()


def test_a_closed_call_refuses_invitations(client, index_dir, manager, call, orgs):
    Call.objects.filter(pk=call.pk).update(state=Call.State.CLOSED)
    login(client, manager)
    assert invite(client, call, orgs["leak_qom"]).status_code == 403
    assert not call.invited_organizations.exists()


# ------------------------------------------------------------------------------------------------
# Calls for you
# ------------------------------------------------------------------------------------------------
def calls_url(org):
    return reverse("matching:calls_for_you", args=[org.slug])


def call_ids(response):
    assert response.status_code == 200, response.content.decode()[:800]
    return [row.call.pk for row in response.context["rows"]]


def test_member_sees_calls_for_the_organization(client, index_dir, member, city, unit, orgs):
    water = water_call(city, unit)
    tehran_only = water_call(city, unit, allowed_provinces=["Tehran"])
    invited_only = water_call(city, unit, call_type=CallType.INVITED)
    closed = water_call(city, unit, state=Call.State.CLOSED)
    waste = water_call(
        city,
        unit,
        title="تفکیک پسماند در مدرسه‌ها",
        description="سطل‌های بازیافت و تفکیک از مبدأ",
        background="پسماند خشک جدا نمی‌شود و هزینه دفن زیاد است.",
    )
    login(client, member)
    ids = call_ids(client.get(calls_url(orgs["leak_qom"])))
    assert ids[0] == water.pk
    assert tehran_only.pk not in ids and invited_only.pk not in ids and closed.pk not in ids
    assert waste.pk not in ids  # not relevant to a leak-detection startup
    row = client.get(calls_url(orgs["leak_qom"])).context["rows"][0]
    assert any(c["code"] == "water.leak" for c in row.explanation.capabilities)
    # once invited, the invited call is listed
    invited_only.invited_organizations.add(orgs["leak_qom"])
    assert invited_only.pk in call_ids(client.get(calls_url(orgs["leak_qom"])))


def test_calls_for_you_is_for_members_only(client, index_dir, orgs, member, manager, call):
    url = calls_url(orgs["leak_qom"])
    assert client.get(url).status_code == 302
    login(client, manager)
    assert client.get(url).status_code == 403
    client.logout()
    login(client, member)
    assert client.get(calls_url(orgs["seo"])).status_code == 403
    assert client.get(reverse("matching:calls_for_you", args=["no-such-org"])).status_code == 404
    page = client.get(reverse("directory:organization_detail", args=[orgs["leak_qom"].slug])).content.decode()
    assert url in page  # the organization page links to it for members
    assert url not in client.get(reverse("directory:organization_detail", args=[orgs["seo"].slug])).content.decode()


def test_calls_for_you_sees_a_changed_call(client, index_dir, member, call, orgs):
    login(client, member)
    assert call.pk in call_ids(client.get(calls_url(orgs["leak_qom"])))
    call.allowed_provinces = ["Tehran"]
    call.save()
    assert call.pk not in call_ids(client.get(calls_url(orgs["leak_qom"])))


# ------------------------------------------------------------------------------------------------
# Query counts
# ------------------------------------------------------------------------------------------------
def _queries(client, url, params=None):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(ctx.captured_queries), response


def test_matches_page_query_count_does_not_grow(client, index_dir, manager, call, orgs, taxonomy_db):
    login(client, manager)
    client.get(matches_url(call))  # opens the index
    few, response = _queries(client, matches_url(call))
    assert len(response.context["rows"]) == 2
    for i in range(12):
        org = OrganizationFactory(
            province="Qom",
            description_en=f"Leak detection number {i} for water pipes",
            capabilities=[taxonomy_db["water.leak"]],
        )
        from hamafza.matching.services import index_change_record

        index_change_record(organization_ids=[org.pk])
    client.get(matches_url(call))  # catches up with the 12 changes
    many, response = _queries(client, matches_url(call))
    assert len(response.context["rows"]) == 10  # a page (MATCHES_PER_PAGE) of the 14
    assert many == few
    rest, response = _queries(client, matches_url(call) + "?page=2")
    assert len(response.context["rows"]) == 4 and rest == few
    assert few <= 20


def test_calls_for_you_query_count_does_not_grow(client, index_dir, member, city, unit, orgs):
    water_call(city, unit, call_type=CallType.INVITED).invited_organizations.add(orgs["leak_qom"])
    login(client, member)
    client.get(calls_url(orgs["leak_qom"]))
    few, response = _queries(client, calls_url(orgs["leak_qom"]))
    assert len(response.context["rows"]) == 1
    for _i in range(6):
        water_call(city, unit, call_type=CallType.INVITED).invited_organizations.add(orgs["leak_qom"])
    client.get(calls_url(orgs["leak_qom"]))
    many, response = _queries(client, calls_url(orgs["leak_qom"]))
    assert len(response.context["rows"]) == 7
    assert many == few
    assert few <= 20


def test_a_call_whose_deadline_passed_is_not_listed(client, index_dir, member, call, orgs):
    login(client, member)
    Call.objects.filter(pk=call.pk).update(closes_at=timezone.now() - datetime.timedelta(minutes=1))
    assert call.pk not in call_ids(client.get(calls_url(orgs["leak_qom"])))


def test_organizations_to_invite_are_paged(client, index_dir, manager, call, orgs, taxonomy_db, monkeypatch):
    """A page renders MATCHES_PER_PAGE explained organizations (issue 19: 30 explanations made a
    175 KB page); the next page continues the same ranking, and a page that is not a number or is
    past the last is a 404."""
    from hamafza.matching import views

    login(client, manager)
    whole = slugs(client.get(matches_url(call)))
    assert len(whole) >= 2
    monkeypatch.setattr(views, "MATCHES_PER_PAGE", 1)
    first = client.get(matches_url(call))
    assert slugs(first) == whole[:1] and first.context["has_next"]
    second = client.get(matches_url(call) + "?page=۲")
    assert slugs(second) == whole[1:2]
    assert "page=1" in second.content.decode() and "۲." in second.content.decode()
    assert client.get(matches_url(call) + f"?page={len(whole) + 1}").status_code == 404
    assert client.get(matches_url(call) + "?page=x").status_code == 404
