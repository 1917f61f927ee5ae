"""Real requests per role: who sees a consortium, who forms, invites, accepts and declines, who
manages a mission's roles; lists and pages have a bounded number of queries."""

import pytest
from django.urls import reverse

from hamafza.consortia import services
from hamafza.consortia.models import ConsortiumInvitation, ConsortiumMember, MissionRole, ProposalRun

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


def _login(client, world, who):
    user = _user(world, who)
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def formed(world, engine_dir):
    run = services.consortia_propose(target=world.mission, by=world.manager, top=3, max_members=4)
    rank = next(
        c["rank"] for c in run.result["consortia"] if any(m["organization"] == str(world.lead.pk) for m in c["members"])
    )
    consortium = services.consortium_form(run=run, rank=rank, lead=world.lead, by=world.lead_admin)
    invitation = services.consortium_invite(
        consortium=consortium, role=world.roles.compost, organization=world.composter, by=world.lead_admin
    )
    return run, consortium, invitation


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
        ("visitor", 302),
    ],
)
def test_who_sees_a_consortium(client, world, formed, who, status):
    _run, consortium, invitation = formed
    response = _login(client, world, who).get(reverse("consortia:consortium_detail", args=[consortium.pk]))
    assert response.status_code == status
    if status == 200:
        html = response.content.decode()
        invite_url = reverse("consortia:consortium_invite", args=[consortium.pk])
        respond_url = reverse("consortia:invitation_respond", args=[invitation.pk])
        assert (invite_url in html) == (who == "lead_admin")
        assert (respond_url in html) == (who == "invited_admin")


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("manager", 403),
        ("other_manager", 404),
        ("lead_admin", 302),
        ("lead_member", 403),
        ("invited_admin", 403),
        ("invited_member", 403),
        ("uninvited_admin", 404),
        ("visitor", 302),
    ],
)
def test_only_the_leads_admin_invites(client, world, formed, who, status):
    _run, consortium, _inv = formed
    response = _login(client, world, who).post(
        reverse("consortia:consortium_invite", args=[consortium.pk]),
        {"role": world.roles.app.pk, "organization": world.appmaker.pk},
    )
    assert response.status_code == status
    invited = ConsortiumInvitation.objects.filter(consortium=consortium, organization=world.appmaker).exists()
    assert invited == (who == "lead_admin")
    if who == "visitor":
        assert reverse("accounts:login") in response["Location"]


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("manager", 403),
        ("other_manager", 404),
        ("lead_admin", 403),
        ("lead_member", 403),
        ("invited_admin", 302),
        ("invited_member", 403),
        ("uninvited_admin", 404),
        ("visitor", 302),
    ],
)
def test_only_the_invited_organizations_admin_accepts(client, world, formed, who, status):
    _run, consortium, invitation = formed
    response = _login(client, world, who).post(
        reverse("consortia:invitation_respond", args=[invitation.pk]), {"answer": "accept"}
    )
    assert response.status_code == status
    invitation.refresh_from_db()
    accepted = who == "invited_admin"
    assert invitation.status == ("accepted" if accepted else "pending")
    assert ConsortiumMember.objects.filter(consortium=consortium, organization=world.composter).exists() == accepted


def test_the_invited_admin_declines(client, world, formed):
    _run, consortium, invitation = formed
    client.force_login(world.invited_admin)
    response = client.post(reverse("consortia:invitation_respond", args=[invitation.pk]), {"answer": "decline"})
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.status == "declined" and invitation.responded_by == world.invited_admin
    assert invitation.history.count() == 2  # audited
    bad = client.post(reverse("consortia:invitation_respond", args=[invitation.pk]), {"answer": "maybe"})
    assert bad.status_code == 409


def test_the_leads_admin_withdraws_an_invitation(client, world, formed):
    _run, consortium, invitation = formed
    client.force_login(world.lead_member)
    assert client.post(reverse("consortia:invitation_withdraw", args=[invitation.pk])).status_code == 403
    client.force_login(world.lead_admin)
    assert client.post(reverse("consortia:invitation_withdraw", args=[invitation.pk])).status_code == 302
    invitation.refresh_from_db()
    assert invitation.status == "withdrawn"


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("manager", 404),
        ("lead_admin", 302),
        ("lead_member", 404),
        ("uninvited_admin", 404),
        ("visitor", 302),
    ],
)
def test_only_an_admin_of_a_proposed_organization_forms_a_consortium(client, world, engine_dir, who, status):
    run = services.consortia_propose(target=world.mission, by=world.manager, top=3, max_members=4)
    rank = next(
        c["rank"] for c in run.result["consortia"] if any(m["organization"] == str(world.lead.pk) for m in c["members"])
    )
    response = _login(client, world, who).post(
        reverse("consortia:consortium_form", args=[run.pk]), {"rank": rank, "lead": world.lead.pk}
    )
    assert response.status_code == status
    assert world.mission.consortia.exists() == (who == "lead_admin")


def test_an_admin_cannot_form_a_consortium_led_by_another_organization(client, world, engine_dir):
    run = services.consortia_propose(target=world.mission, by=world.manager, top=3, max_members=4)
    rank = run.result["consortia"][0]["rank"]
    client.force_login(world.invited_admin)  # admin of the composter, not of the lead
    response = client.post(reverse("consortia:consortium_form", args=[run.pk]), {"rank": rank, "lead": world.lead.pk})
    assert response.status_code == 403
    assert not world.mission.consortia.exists()


@pytest.mark.parametrize(
    ("who", "status"),
    [("manager", 200), ("other_manager", 404), ("lead_admin", 200), ("uninvited_admin", 404), ("visitor", 302)],
)
def test_who_sees_a_run(client, world, engine_dir, who, status):
    run = services.consortia_propose(target=world.mission, by=world.manager, top=3, max_members=4)
    if who == "uninvited_admin":
        assert str(world.stranger.pk) not in {str(i) for i in run.member_ids}
    response = _login(client, world, who).get(reverse("consortia:run_detail", args=[run.pk]))
    assert response.status_code == status


@pytest.mark.parametrize("who", PEOPLE)
def test_only_the_manager_edits_roles_and_proposes(client, world, who):
    allowed = who == "manager"
    c = _login(client, world, who)
    add = c.post(
        reverse("consortia:mission_role_add", args=[world.mission.pk]),
        {
            "code": "payments",
            "name": "Payments",
            "capabilities": [world.caps.app.pk],
            "min_members": "1",
            "max_members": "1",
        },
    )
    propose = c.post(reverse("consortia:mission_propose", args=[world.mission.pk]), {"top": "x", "max_members": "6"})
    if who == "visitor":
        assert add.status_code == propose.status_code == 302
    elif allowed:
        assert add.status_code == 302 and propose.status_code == 400
    else:
        assert add.status_code == propose.status_code == 403
    assert MissionRole.objects.filter(code="payments").exists() == allowed
    assert not ProposalRun.objects.exists()
    page = c.get(reverse("consortia:mission_detail", args=[world.mission.pk]))
    assert page.status_code == 200  # missions are public
    assert (reverse("consortia:mission_propose", args=[world.mission.pk]) in page.content.decode()) == allowed


def test_role_form_errors_keep_the_input(client, world):
    client.force_login(world.manager)
    response = client.post(
        reverse("consortia:mission_role_add", args=[world.mission.pk]),
        {
            "code": "sorting",
            "name": "Twice",
            "capabilities": [world.caps.sorting.pk],
            "min_members": "3",
            "max_members": "2",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'value="Twice"' in html
    assert MissionRole.objects.filter(mission=world.mission).count() == 3
    form = response.context["form"]
    assert "max_members" in form.errors and "code" in form.errors


def test_a_role_in_use_cannot_be_removed(client, world, formed):
    client.force_login(world.manager)
    url = reverse("consortia:mission_role_delete", args=[world.mission.pk, world.roles.compost.pk])
    assert client.post(url).status_code == 409
    assert MissionRole.objects.filter(pk=world.roles.compost.pk).exists()


def test_national_missions_are_managed_by_platform_admins_only(client, world):
    from hamafza.consortia.tests.factories import MissionFactory

    mission = MissionFactory(city=None, title_fa="مأموریت ملی")
    url = reverse("consortia:mission_role_add", args=[mission.pk])
    data = {"code": "x", "name": "X", "capabilities": [world.caps.app.pk], "min_members": "1", "max_members": "1"}
    client.force_login(world.manager)
    assert client.post(url, data).status_code == 403
    client.force_login(world.admin)
    assert client.post(url, data).status_code == 302


def test_mission_creation_by_role(client, world):
    url = reverse("consortia:mission_create")
    data = {"city": world.city.pk, "title_fa": "مأموریت تازه", "title_en": "New"}
    client.force_login(world.lead_admin)
    assert client.post(url, data).status_code == 403
    client.force_login(world.other_manager)
    response = client.post(url, data)  # not a city they manage
    assert response.status_code == 400
    client.force_login(world.manager)
    response = client.post(url, {**data, "title_fa": ""})
    assert response.status_code == 400
    response = client.post(url, data)
    assert response.status_code == 302
    from hamafza.core.text import normalize

    mission = world.city.missions.get(title_fa=normalize("مأموریت تازه"))
    assert mission.history.first().history_user == world.manager
    client.force_login(world.manager)
    assert client.post(url, {"title_fa": "ملی"}).status_code == 400  # a city is required for a city manager


def test_call_roles_are_managed_by_the_calls_city_manager(client, world):
    from hamafza.challenges.tests.factories import PublishedCallFactory

    call = PublishedCallFactory(city=world.city)
    url = reverse("consortia:call_role_add", args=[call.pk])
    data = {"code": "s", "name": "S", "capabilities": [world.caps.sorting.pk], "min_members": "1", "max_members": "1"}
    client.force_login(world.other_manager)
    assert client.post(url, data).status_code == 403
    client.force_login(world.manager)
    assert client.post(url, data).status_code == 302
    assert call.consortium_roles.count() == 1
    page = client.get(reverse("consortia:call_consortia", args=[call.pk]))
    assert page.status_code == 200 and "S" in page.content.decode()


def test_pages_have_a_bounded_number_of_queries(client, world, formed, django_assert_max_num_queries):
    from hamafza.consortia.tests.factories import MissionFactory, MissionRoleFactory

    run, consortium, _inv = formed
    for _i in range(6):
        m = MissionFactory(city=world.city)
        MissionRoleFactory(mission=m, capabilities=[world.caps.app])
    services.consortium_invite(
        consortium=consortium, role=world.roles.compost, organization=world.outsider, by=world.lead_admin
    )
    client.force_login(world.manager)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("consortia:mission_list")).status_code == 200
    with django_assert_max_num_queries(14):
        assert client.get(reverse("consortia:mission_detail", args=[world.mission.pk])).status_code == 200
    with django_assert_max_num_queries(16):
        assert client.get(reverse("consortia:consortium_detail", args=[consortium.pk])).status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get(reverse("consortia:run_detail", args=[run.pk])).status_code == 200
    client.force_login(world.invited_admin)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("consortia:my_consortia"))
    assert response.status_code == 200 and world.lead.name in response.content.decode()
