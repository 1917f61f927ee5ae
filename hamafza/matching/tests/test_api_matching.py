"""Matching in API v1: the same permissions as the pages, per role, with tokens."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hamafza.accounts.services import api_token_create
from hamafza.challenges.models import Call, CallType
from hamafza.matching.tests.web_fixtures import water_call

pytestmark = pytest.mark.django_db


def bearer(user):
    _token, key = api_token_create(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_manager_gets_ranked_explained_matches(client, index_dir, manager, call):
    response = client.get(f"/api/v1/challenges/{call.pk}/matches", **bearer(manager))
    assert response.status_code == 200, response.content
    body = response.json()
    assert {m["organization"]["slug"] for m in body[:2]} == {"leak-qom", "leak-tehran"}
    top = body[0]
    assert 0 < top["score"] <= 1 and top["invited"] is False
    assert any(c["code"] == "water.leak" for c in top["explanation"]["capabilities"])
    points = sum(s["points"] for s in top["explanation"]["signals"].values())
    assert abs(points - top["score"]) < 0.01


def test_match_filters_and_bad_parameters(client, index_dir, manager, call):
    auth = bearer(manager)
    body = client.get(f"/api/v1/challenges/{call.pk}/matches", {"province": "Tehran"}, **auth).json()
    assert [m["organization"]["slug"] for m in body] == ["leak-tehran"]
    assert client.get(f"/api/v1/challenges/{call.pk}/matches", {"top": 0}, **auth).status_code == 400
    assert client.get(f"/api/v1/challenges/{call.pk}/matches", {"province": "Narnia"}, **auth).status_code == 400
    response = client.get(f"/api/v1/challenges/{call.pk}/matches", {"sort": "x"}, **auth)
    assert response.status_code == 400 and response.json()["code"] == "unknown_parameters"


def test_matches_permissions(client, index_dir, call, other_manager, member, city, unit):
    url = f"/api/v1/challenges/{call.pk}/matches"
    assert client.get(url).status_code == 401
    assert client.get(url, **bearer(other_manager)).status_code == 403
    assert client.get(url, **bearer(member)).status_code == 403
    draft = water_call(city, unit, state=Call.State.IN_DEFINITION, closes_at=None, opens_at=None)
    assert client.get(f"/api/v1/challenges/{draft.pk}/matches", **bearer(other_manager)).status_code == 404
    assert client.get("/api/v1/challenges/999999/matches", **bearer(other_manager)).status_code == 404


def post_invitations(client, call, slugs, auth):
    return client.post(
        f"/api/v1/challenges/{call.pk}/invitations",
        json.dumps({"organizations": slugs}),
        content_type="application/json",
        **auth,
    )


def test_invitations(client, index_dir, manager, city, unit, orgs, other_manager):
    invited_call = water_call(city, unit, call_type=CallType.INVITED, allowed_provinces=["Qom"])
    auth = bearer(manager)
    response = post_invitations(client, invited_call, ["leak-qom"], auth)
    assert response.status_code == 200, response.content
    assert response.json() == {"invited": ["leak-qom"], "already_invited": []}
    assert post_invitations(client, invited_call, ["leak-qom"], auth).json()["already_invited"] == ["leak-qom"]
    # ineligible (Tehran) or unknown: 400, nothing invited
    assert post_invitations(client, invited_call, ["waste-co", "leak-tehran"], auth).status_code == 400
    response = post_invitations(client, invited_call, ["no-such"], auth)
    assert response.status_code == 400 and response.json()["errors"][0]["name"] == "body.organizations"
    assert list(invited_call.invited_organizations.values_list("slug", flat=True)) == ["leak-qom"]
    assert post_invitations(client, invited_call, ["waste-co"], bearer(other_manager)).status_code == 403
    assert post_invitations(client, invited_call, [], auth).status_code == 400
    Call.objects.filter(pk=invited_call.pk).update(state=Call.State.CANCELLED)
    assert post_invitations(client, invited_call, ["waste-co"], auth).status_code == 409


def test_organization_matches(client, index_dir, member, manager, call, orgs):
    url = f"/api/v1/organizations/{orgs['leak_qom'].slug}/matches"
    response = client.get(url, **bearer(member))
    assert response.status_code == 200, response.content
    body = response.json()
    assert body[0]["call"]["id"] == call.pk and body[0]["call"]["city"] == call.city.slug
    assert body[0]["explanation"]["capabilities"]
    assert client.get(url).status_code == 401
    assert client.get(url, **bearer(manager)).status_code == 403
    assert client.get(f"/api/v1/organizations/{orgs['seo'].slug}/matches", **bearer(member)).status_code == 403
    assert client.get("/api/v1/organizations/nothing-here/matches", **bearer(member)).status_code == 404


def test_api_query_count_is_bounded(client, index_dir, manager, call, orgs, taxonomy_db):
    from hamafza.directory.tests.factories import OrganizationFactory
    from hamafza.matching.services import index_change_record

    auth = bearer(manager)
    url = f"/api/v1/challenges/{call.pk}/matches"
    client.get(url, **auth)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url, **auth).status_code == 200
        return len(ctx.captured_queries)

    few = count()
    for i in range(8):
        org = OrganizationFactory(description_en=f"Leak detection {i}", capabilities=[taxonomy_db["water.leak"]])
        index_change_record(organization_ids=[org.pk])
    client.get(url, **auth)
    assert count() == few
