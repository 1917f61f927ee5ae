"""Missions, roles, proposal runs, consortia and invitations in API v1: real requests per role with
personal API tokens, on the world of the consortia web tests (conftest.py)."""

import json

import pytest

from hamafza.accounts.services import api_token_create
from hamafza.consortia import services
from hamafza.consortia.models import Consortium, ConsortiumInvitation, ConsortiumMember, MissionRole
from hamafza.consortia.tests.factories import MissionFactory, MissionRoleFactory

pytestmark = pytest.mark.django_db

PEOPLE = [
    "manager",
    "other_manager",
    "lead_admin",
    "lead_member",
    "invited_admin",
    "invited_member",
    "uninvited_admin",
    "visitor",
]


def _user(world, who):
    return None if who == "visitor" else getattr(world, who)


def call_api(client, method, path, user=None, data=None):
    kwargs = {}
    if user is not None:
        _token, key = api_token_create(user=user, name="test")
        kwargs["HTTP_AUTHORIZATION"] = f"Bearer {key}"
    if data is not None:
        kwargs["data"] = json.dumps(data)
        kwargs["content_type"] = "application/json"
    return getattr(client, method)(f"/api/v1{path}", **kwargs)


def names(response):
    return {e["name"] for e in response.json()["errors"]}


def _lead_rank(run, world):
    return next(
        c["rank"] for c in run.result["consortia"] if any(m["organization"] == str(world.lead.pk) for m in c["members"])
    )


@pytest.fixture
def run(world, engine_dir):
    return services.consortia_propose(target=world.mission, by=world.manager, top=3, max_members=4)


@pytest.fixture
def formed(world, run):
    consortium = services.consortium_form(run=run, rank=_lead_rank(run, world), lead=world.lead, by=world.lead_admin)
    invitation = services.consortium_invite(
        consortium=consortium, role=world.roles.compost, organization=world.composter, by=world.lead_admin
    )
    return run, consortium, invitation


# --------------------------------------------------------------------------------------------
# Missions
# --------------------------------------------------------------------------------------------
def test_missions_are_public_with_filters_and_ordering(client, world, django_assert_max_num_queries):
    other = MissionFactory(city=world.other_city, title_fa="ب مأموریت")
    for _ in range(4):
        MissionRoleFactory(mission=MissionFactory(city=world.other_city), capabilities=[world.caps.app])
    with django_assert_max_num_queries(4):
        response = call_api(client, "get", "/missions")
    assert response.status_code == 200 and response.json()["count"] == 6
    mine = call_api(client, "get", f"/missions?city={world.city.slug}").json()
    assert [m["id"] for m in mine["items"]] == [world.mission.pk]
    assert mine["items"][0]["roles_count"] == 3 and mine["items"][0]["city"] == world.city.slug
    ordered = call_api(client, "get", "/missions?ordering=title_fa").json()["items"]
    assert ordered[0]["id"] == other.pk
    for query, name in (("city=nowhere", "query.city"), ("ordering=colour", "query.ordering"), ("x=1", "query.x")):
        bad = call_api(client, "get", f"/missions?{query}")
        assert bad.status_code == 400 and names(bad) == {name}, query


@pytest.mark.parametrize("who", PEOPLE)
def test_mission_detail_with_its_roles(client, world, who):
    response = call_api(client, "get", f"/missions/{world.mission.pk}", _user(world, who))
    assert response.status_code == 200
    body = response.json()
    assert [r["code"] for r in body["roles"]] == ["sorting", "compost", "app"]
    assert body["roles"][0]["capabilities"] == ["waste.sorting"]
    assert body["can_manage"] == (who == "manager")
    assert call_api(client, "get", "/missions/999999").status_code == 404


# --------------------------------------------------------------------------------------------
# Roles
# --------------------------------------------------------------------------------------------
ROLE = {"code": "haul", "name": "Hauling", "capabilities": ["waste.sorting"], "min_members": 1, "max_members": 2}


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("manager", 201),
        ("other_manager", 403),
        ("lead_admin", 403),
        ("lead_member", 403),
        ("invited_admin", 403),
        ("invited_member", 403),
        ("uninvited_admin", 403),
        ("visitor", 401),
    ],
)
def test_only_the_missions_manager_changes_roles(client, world, who, status):
    user = _user(world, who)
    path = f"/missions/{world.mission.pk}/roles"
    created = call_api(client, "post", path, user, ROLE)
    assert created.status_code == status, created.content
    role_id = created.json()["id"] if status == 201 else world.roles.app.pk
    patched = call_api(client, "patch", f"{path}/{role_id}", user, {"name": "Renamed", "max_members": 3})
    deleted = call_api(client, "delete", f"{path}/{role_id}", user)
    if status == 201:
        assert created.json()["capabilities"] == ["waste.sorting"]
        assert patched.status_code == 200 and patched.json()["name"] == "Renamed"
        assert patched.json()["max_members"] == 3 and patched.json()["code"] == "haul"
        assert deleted.status_code == 204
        assert not MissionRole.objects.filter(pk=role_id).exists()
    else:
        assert patched.status_code == deleted.status_code == status
        assert MissionRole.objects.get(pk=role_id).name == "Citizen app"
        assert not MissionRole.objects.filter(code="haul").exists()


def test_bad_role_bodies_name_the_field(client, world):
    path = f"/missions/{world.mission.pk}/roles"
    for body, name in (
        ({**ROLE, "capabilities": ["no.such"]}, "body.capabilities"),
        ({**ROLE, "capabilities": []}, "body.capabilities"),
        ({**ROLE, "code": "sorting"}, "body.code"),
        ({**ROLE, "min_members": 3, "max_members": 2}, "body.max_members"),
        ({**ROLE, "max_members": 0}, "body.max_members"),
        ({**ROLE, "colour": "red"}, "body.colour"),
        ({k: v for k, v in ROLE.items() if k != "name"}, "body.name"),
    ):
        response = call_api(client, "post", path, world.manager, body)
        assert response.status_code == 400 and name in names(response), (body, response.content)
    patch = call_api(client, "patch", f"{path}/{world.roles.app.pk}", world.manager, {"name": None})
    assert patch.status_code == 400 and names(patch) == {"body.name"}
    other = MissionRoleFactory(capabilities=[world.caps.app])  # a role of another mission
    assert call_api(client, "patch", f"{path}/{other.pk}", world.manager, {"name": "x"}).status_code == 404


def test_a_role_with_members_cannot_be_removed(client, world, formed):
    response = call_api(client, "delete", f"/missions/{world.mission.pk}/roles/{world.roles.compost.pk}", world.manager)
    assert response.status_code == 409 and response.json()["code"] == "refused"
    assert MissionRole.objects.filter(pk=world.roles.compost.pk).exists()


def test_a_calls_consortium_roles(client, world):
    from hamafza.challenges.tests.factories import PublishedCallFactory

    call = PublishedCallFactory(city=world.city)
    path = f"/calls/{call.pk}/consortium-roles"
    assert call_api(client, "post", path, world.other_manager, ROLE).status_code == 403
    created = call_api(client, "post", path, world.manager, ROLE)
    assert created.status_code == 201, created.content
    role_id = created.json()["id"]
    assert [r["code"] for r in call_api(client, "get", path).json()] == ["haul"]
    assert call_api(client, "patch", f"{path}/{role_id}", world.manager, {"code": "haul-2"}).json()["code"] == "haul-2"
    assert call_api(client, "delete", f"{path}/{role_id}", world.lead_admin).status_code == 403
    assert call_api(client, "delete", f"{path}/{role_id}", world.manager).status_code == 204
    assert call_api(client, "get", "/calls/999999/consortium-roles").status_code == 404


# --------------------------------------------------------------------------------------------
# Proposal runs
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("who", PEOPLE)
def test_only_the_manager_asks_for_consortia(client, world, engine_dir, who):
    response = call_api(
        client, "post", f"/missions/{world.mission.pk}/proposals-run", _user(world, who), {"top": 2, "max_members": 4}
    )
    if who == "manager":
        assert response.status_code == 201, response.content
        body = response.json()
        assert body["top"] == 2 and [r["code"] for r in body["roles"]] == ["sorting", "compost", "app"]
        assert body["consortia"] and body["infeasible"] == []
        first = body["consortia"][0]
        assert first["rank"] == 1 and first["objective"] > 0 and first["gap"] is not None
        seats = {s["role"] for m in first["members"] for s in m["seats"]}
        assert seats == {"sorting", "compost", "app"}
        assert all(0 <= s["fitness"] <= 1 and s["capabilities"] for m in first["members"] for s in m["seats"])
        detail = call_api(client, "get", f"/consortium-runs/{body['id']}", world.manager)
        assert detail.status_code == 200 and detail.json()["consortia"] == body["consortia"]
    else:
        assert response.status_code == (401 if who == "visitor" else 403)


def test_infeasible_roles_are_reported(client, world, engine_dir):
    from hamafza.core.tests.factories import CapabilityFactory

    rare = CapabilityFactory(code="space.rockets", name_en="Rockets")
    MissionRoleFactory(mission=world.mission, code="rockets", name="Rockets", capabilities=[rare], position=9)
    response = call_api(client, "post", f"/missions/{world.mission.pk}/proposals-run", world.manager, {})
    assert response.status_code == 201
    body = response.json()
    assert body["top"] == 5 and body["max_members"] == 6  # the defaults
    assert body["consortia"] == []
    assert [(i["role"], i["found"]) for i in body["infeasible"]] == [("rockets", 0)]
    assert "Rockets" in body["infeasible"][0]["reason"]


def test_bad_propose_bodies_name_the_field(client, world):
    path = f"/missions/{world.mission.pk}/proposals-run"
    for body, name in (
        ({"top": 0}, "body.top"),
        ({"top": 11}, "body.top"),
        ({"max_members": 13}, "body.max_members"),
        ({"top": "many"}, "body.top"),
        ({"k": 3}, "body.k"),
    ):
        response = call_api(client, "post", path, world.manager, body)
        assert response.status_code == 400 and names(response) == {name}, body


def test_a_target_without_roles_is_refused(client, world, engine_dir):
    empty = MissionFactory(city=world.city)
    response = call_api(client, "post", f"/missions/{empty.pk}/proposals-run", world.manager, {"top": 1})
    assert response.status_code == 409 and response.json()["code"] == "refused"


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("manager", 200),
        ("other_manager", 404),
        ("lead_admin", 200),
        ("lead_member", 200),
        ("uninvited_admin", 404),
        ("visitor", 401),
    ],
)
def test_who_sees_a_run(client, world, run, who, status):
    response = call_api(client, "get", f"/consortium-runs/{run.pk}", _user(world, who))
    assert response.status_code == status
    if status == 200:
        can_lead = {m["organization"] for c in response.json()["consortia"] for m in c["members"] if m["can_lead"]}
        assert can_lead == ({"lead-sorters"} if who == "lead_admin" else set())


# --------------------------------------------------------------------------------------------
# Forming, inviting, answering
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("manager", 404),
        ("other_manager", 404),
        ("lead_admin", 201),
        ("lead_member", 404),
        ("invited_admin", 403),
        ("uninvited_admin", 404),
        ("visitor", 401),
    ],
)
def test_only_the_leads_admin_forms(client, world, run, who, status):
    body = {"lead": "lead-sorters", "rank": _lead_rank(run, world)}
    response = call_api(client, "post", f"/consortium-runs/{run.pk}/form", _user(world, who), body)
    assert response.status_code == status, response.content
    assert Consortium.objects.filter(lead=world.lead).exists() == (status == 201)
    if status == 201:
        out = response.json()
        assert out["lead"] == "lead-sorters" and out["run"] == run.pk
        seats = {r["role"]: [m["organization"] for m in r["members"]] for r in out["roles"]}
        assert "lead-sorters" in seats["sorting"]
        again = call_api(client, "post", f"/consortium-runs/{run.pk}/form", world.lead_admin, body)
        assert again.status_code == 409 and again.json()["code"] == "refused"


def test_bad_form_bodies(client, world, run):
    path = f"/consortium-runs/{run.pk}/form"
    for body, name in (
        ({"lead": "nobody-here", "rank": 1}, "body.lead"),
        ({"lead": "lead-sorters", "rank": 0}, "body.rank"),
        ({"lead": "lead-sorters"}, "body.rank"),
        ({"lead": "lead-sorters", "rank": 99}, "body.rank"),
    ):
        response = call_api(client, "post", path, world.lead_admin, body)
        assert response.status_code == 400 and names(response) == {name}, (body, response.content)


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("manager", 200),
        ("other_manager", 404),
        ("lead_admin", 200),
        ("lead_member", 200),
        ("invited_admin", 200),
        ("invited_member", 200),
        ("uninvited_admin", 404),
        ("visitor", 401),
    ],
)
def test_who_sees_a_consortium(client, world, formed, who, status):
    _run, consortium, invitation = formed
    response = call_api(client, "get", f"/consortia/{consortium.pk}", _user(world, who))
    assert response.status_code == status
    if status == 200:
        body = response.json()
        assert body["can_invite"] == (who == "lead_admin")
        (inv,) = body["invitations"]
        assert inv["id"] == invitation.pk and inv["organization"] == "green-compost" and inv["role"] == "compost"
        assert inv["can_respond"] == (who == "invited_admin")
        assert inv["can_withdraw"] == (who == "lead_admin")
        assert {r["role"]: r["pending"] for r in body["roles"]}["compost"] == 1


def test_consortium_lists(client, world, formed, django_assert_max_num_queries):
    _run, consortium, _inv = formed
    expected = {
        "manager": set(),  # not a member of any organization
        "lead_admin": {consortium.pk},
        "lead_member": {consortium.pk},
        "invited_admin": set(),  # invited, not yet a member
        "uninvited_admin": set(),
    }
    for who, wanted in expected.items():
        response = call_api(client, "get", "/consortia", getattr(world, who))
        assert {c["id"] for c in response.json()["items"]} == wanted, who
    by_target = {
        "manager": {consortium.pk},
        "other_manager": set(),
        "invited_admin": {consortium.pk},
        "uninvited_admin": set(),
    }
    for who, wanted in by_target.items():
        response = call_api(client, "get", f"/consortia?mission={world.mission.pk}", getattr(world, who))
        assert {c["id"] for c in response.json()["items"]} == wanted, who
    assert call_api(client, "get", "/consortia").status_code == 401
    bad = call_api(client, "get", f"/consortia?mission={world.mission.pk}&call=1", world.manager)
    assert bad.status_code == 400 and names(bad) == {"query.call"}
    assert names(call_api(client, "get", "/consortia?mission=999999", world.manager)) == {"query.mission"}
    _token, key = api_token_create(user=world.manager, name="count")
    with django_assert_max_num_queries(10):
        response = client.get(f"/api/v1/consortia?mission={world.mission.pk}", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 200
    services.consortium_invite(  # a second invitation: no query per row
        consortium=consortium, role=world.roles.app, organization=world.appmaker, by=world.lead_admin
    )
    _token, key = api_token_create(user=world.lead_admin, name="count")
    with django_assert_max_num_queries(12):
        assert client.get(f"/api/v1/consortia/{consortium.pk}", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 200


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("manager", 403),
        ("other_manager", 404),
        ("lead_admin", 201),
        ("lead_member", 403),
        ("invited_admin", 403),
        ("invited_member", 403),
        ("uninvited_admin", 404),
        ("visitor", 401),
    ],
)
def test_only_the_leads_admin_invites(client, world, formed, who, status):
    _run, consortium, _inv = formed
    response = call_api(
        client,
        "post",
        f"/consortia/{consortium.pk}/invitations",
        _user(world, who),
        {"organization": "app-makers", "role": "app"},
    )
    assert response.status_code == status, response.content
    invited = ConsortiumInvitation.objects.filter(consortium=consortium, organization=world.appmaker).exists()
    assert invited == (status == 201)
    if status == 201:
        assert response.json()["status"] == "pending" and response.json()["can_withdraw"] is True


def test_bad_and_refused_invitations(client, world, formed):
    _run, consortium, _inv = formed
    path = f"/consortia/{consortium.pk}/invitations"
    for body, name in (
        ({"organization": "app-makers", "role": "nope"}, "body.role"),
        ({"organization": "nope", "role": "app"}, "body.organization"),
        ({"role": "app"}, "body.organization"),
        ({"organization": "app-makers", "role": "app", "extra": 1}, "body.extra"),
    ):
        response = call_api(client, "post", path, world.lead_admin, body)
        assert response.status_code == 400 and names(response) == {name}, body
    again = call_api(client, "post", path, world.lead_admin, {"organization": "green-compost", "role": "compost"})
    assert again.status_code == 409 and again.json()["code"] == "refused"
    far = call_api(client, "post", path, world.lead_admin, {"organization": "app-makers", "role": "sorting"})
    assert far.status_code == 409  # the sorting role (max 1) is full with the lead


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("manager", 403),
        ("other_manager", 404),
        ("lead_admin", 403),
        ("lead_member", 403),
        ("invited_admin", 200),
        ("invited_member", 403),
        ("uninvited_admin", 404),
        ("visitor", 401),
    ],
)
def test_only_the_invited_organizations_admin_answers(client, world, formed, who, status):
    _run, consortium, invitation = formed
    path = f"/consortium-invitations/{invitation.pk}/respond"
    response = call_api(client, "post", path, _user(world, who), {"accept": True})
    assert response.status_code == status, response.content
    invitation.refresh_from_db()
    accepted = status == 200
    assert invitation.status == ("accepted" if accepted else "pending")
    assert ConsortiumMember.objects.filter(consortium=consortium, organization=world.composter).exists() == accepted
    if accepted:
        assert response.json()["status"] == "accepted"
        again = call_api(client, "post", path, world.invited_admin, {"accept": False})
        assert again.status_code == 409 and again.json()["code"] == "refused"


def test_bad_answers_and_declining(client, world, formed):
    _run, _consortium, invitation = formed
    path = f"/consortium-invitations/{invitation.pk}/respond"
    for body, name in (({}, "body.accept"), ({"accept": "maybe"}, "body.accept")):
        response = call_api(client, "post", path, world.invited_admin, body)
        assert response.status_code == 400 and names(response) == {name}
    declined = call_api(client, "post", path, world.invited_admin, {"accept": False})
    assert declined.status_code == 200 and declined.json()["status"] == "declined"
    assert (
        call_api(
            client, "post", "/consortium-invitations/999999/respond", world.invited_admin, {"accept": True}
        ).status_code
        == 404
    )


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("manager", 403),
        ("lead_admin", 200),
        ("lead_member", 403),
        ("invited_admin", 403),
        ("uninvited_admin", 404),
        ("visitor", 401),
    ],
)
def test_only_the_leads_admin_withdraws(client, world, formed, who, status):
    _run, _consortium, invitation = formed
    path = f"/consortium-invitations/{invitation.pk}/withdraw"
    response = call_api(client, "post", path, _user(world, who))
    assert response.status_code == status
    invitation.refresh_from_db()
    assert invitation.status == ("withdrawn" if status == 200 else "pending")
    if status == 200:
        again = call_api(client, "post", path, world.lead_admin)
        assert again.status_code == 409 and again.json()["code"] == "refused"
