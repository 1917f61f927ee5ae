"""Role workspaces (issue 18, ADR 0022): each role lands on its own page of next actions, built from
the panels every app registers; no one sees another city's or another organization's rows; the
page costs the same number of queries with more rows; lists say what to do when they are empty;
the navigation groups its entries and switches between a person's cities."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from hamafza.accounts.models import CityRole
from hamafza.accounts.tests.factories import PASSWORD, CityRoleFactory, UserFactory, user_with_role
from hamafza.challenges.models import Call, CallFollow, Need
from hamafza.challenges.tests.factories import CallFactory, NeedFactory, PublishedCallFactory
from hamafza.consortia.tests.factories import ConsortiumFactory, MissionFactory, MissionRoleFactory
from hamafza.core import hooks, workspace
from hamafza.directory.models import OrganizationMembership
from hamafza.directory.tests.factories import OrganizationFactory, OrganizationMembershipFactory
from hamafza.matching.tests.web_fixtures import call, index_dir, member, orgs, taxonomy_db, unit  # noqa: F401
from hamafza.proposals.tests.factories import PanelFactory, PanelMemberFactory, ProposalFactory, ScoreSheetFactory

pytestmark = pytest.mark.django_db
WORKSPACE = reverse("core:workspace")


def _get(client, user, url=WORKSPACE):
    client.force_login(user)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), len(ctx.captured_queries)


def _panels(html: str) -> list[str]:
    return re.findall(r'data-panel="([^"]+)"', html)


def _manager_rows(city, n: int, tag: str):
    for i in range(n):
        NeedFactory(city=city, title=f"{tag} need {i}")
        CallFactory(city=city, title=f"{tag} defining {i}")
        PublishedCallFactory(
            city=city, title=f"{tag} closing {i}", closes_at=timezone.now() + datetime.timedelta(days=3)
        )
        panel = PanelFactory(call__city=city, call__title=f"{tag} panel {i}")
        judge = PanelMemberFactory(panel=panel)
        proposal = ProposalFactory(call=panel.call)
        ScoreSheetFactory(member=judge, proposal=proposal)


# --------------------------------------------------------------------------------------------
# Each role's next actions
# --------------------------------------------------------------------------------------------
def test_login_lands_on_the_workspace(client):
    user = UserFactory(email="sara@example.org")
    response = client.post(reverse("accounts:login"), {"username": user.email, "password": PASSWORD})
    assert response["Location"] == WORKSPACE
    assert client.get(WORKSPACE).status_code == 200


def test_visitors_are_sent_to_sign_in_and_see_open_challenges_on_the_home_page(client, city):
    PublishedCallFactory(city=city, title="Open smart-bin call")
    Call.objects.filter(title="Open smart-bin call").update(closes_at=timezone.now() + datetime.timedelta(days=9))
    CallFactory(
        city=city, title="Results call", state=Call.State.RESULTS_PUBLISHED, results_published_at=timezone.now()
    )
    response = client.get(WORKSPACE)
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
    html = client.get(reverse("core:home")).content.decode()
    assert _panels(html) == ["open-challenges", "results"]
    assert "Open smart-bin call" in html and "Results call" in html


def test_manager_workspace(client, city, other_city):
    manager = user_with_role(CityRole.Role.INNOVATION_MANAGER, city)
    NeedFactory(city=city, title="Broken street lights")
    NeedFactory(city=city, title="A draft of staff", status=Need.Status.DRAFT)
    NeedFactory(city=other_city, title="Karaj potholes")
    CallFactory(city=city, title="Defining the bins call")
    PublishedCallFactory(city=city, title="Closing soon call", closes_at=timezone.now() + datetime.timedelta(days=3))
    PublishedCallFactory(city=city, title="Closing later call", closes_at=timezone.now() + datetime.timedelta(days=60))
    panel = PanelFactory(call__city=city, call__title="Scored call")
    judges = [PanelMemberFactory(panel=panel) for _ in range(2)]
    proposals = [ProposalFactory(call=panel.call) for _ in range(2)]
    ScoreSheetFactory(member=judges[0], proposal=proposals[0])  # 1 of 4 sheets: 25 %

    html, _ = _get(client, manager)
    assert _panels(html) == ["triage", "definition", "closing", "scoring", "overdue-milestones", "obligations"]
    assert "Broken street lights" in html
    assert "A draft of staff" not in html and "Karaj potholes" not in html
    assert "Defining the bins call" in html and 'aria-valuenow="' in html  # completeness bar
    assert "Closing soon call" in html and "Closing later call" not in html
    assert "Scored call" in html and 'aria-valuenow="25"' in html


def test_manager_workspace_queries_are_constant(client, city):
    manager = user_with_role(CityRole.Role.INNOVATION_MANAGER, city)
    _manager_rows(city, 1, "few")
    _, before = _get(client, manager)
    _manager_rows(city, 8, "many")
    html, after = _get(client, manager)
    assert after == before
    assert html.count("many need") <= workspace.LIMIT  # capped, with a "see all" link
    assert reverse("challenges:triage_inbox", args=[city.slug]) in html


def test_unit_staff_workspace(client, city):
    staff = user_with_role(CityRole.Role.UNIT_STAFF, city)
    own_unit = staff.city_roles.get().unit
    NeedFactory(city=city, unit=own_unit, title="Our leaking roof")
    NeedFactory(city=city, title="Another unit need")
    CallFactory(city=city, unit=own_unit, title="Our unit call")
    html, _ = _get(client, staff)
    assert _panels(html) == ["unit-needs", "unit-calls", "milestones-review"]
    assert "Our leaking roof" in html and "Our unit call" in html
    assert "Another unit need" not in html
    assert reverse("challenges:need_new", args=[city.slug]) in html


def test_facilitator_workspace(client, city):
    facilitator = user_with_role(CityRole.Role.FACILITATOR, city)
    html, _ = _get(client, facilitator)
    assert _panels(html) == ["canvases"]
    assert "workspace-empty" in html  # says how canvases get assigned
    assigned = CallFactory(city=city, title="Canvas to define")
    assigned.facilitators.add(facilitator)
    CallFactory(city=city, title="Someone else canvas")
    html, _ = _get(client, facilitator)
    assert "Canvas to define" in html and "Someone else canvas" not in html
    assert reverse("challenges:canvas_edit", args=[city.slug, assigned.pk]) in html


def test_judge_and_invited_expert_see_their_queue(client, city):
    judge = user_with_role(CityRole.Role.JUDGE, city)
    expert = UserFactory()  # no city role: a judge by invitation
    panel = PanelFactory(call__city=city, call__title="Call under scoring")
    PanelMemberFactory(panel=panel, user=judge)
    PanelMemberFactory(panel=panel, user=expert)
    for _ in range(3):
        ProposalFactory(call=panel.call)
    for user in (judge, expert):
        html, _ = _get(client, user)
        assert _panels(html) == ["judging"]
        assert "Call under scoring" in html
        assert "۳" in html  # three to score, in Persian digits


def test_judge_queue_queries_are_constant(client, city):
    judge = user_with_role(CityRole.Role.JUDGE, city)

    def panels(n):
        for _ in range(n):
            panel = PanelFactory(call__city=city)
            PanelMemberFactory(panel=panel, user=judge)
            for _ in range(2):
                ProposalFactory(call=panel.call)

    panels(1)
    _, before = _get(client, judge)
    panels(7)
    _, after = _get(client, judge)
    assert after == before


def test_organization_member_workspace(client, city, index_dir, member, call):  # noqa: F811
    org = OrganizationMembership.objects.get(user=member).organization
    ProposalFactory(organization=org, call__city=city, call__title="Our applied call")
    ProposalFactory(call__city=city, call__title="A competitor call")
    mission = MissionFactory(city=city)
    consortium = ConsortiumFactory(lead=OrganizationFactory(name="Lead company"), mission=mission)
    consortium.invitations.create(
        organization=org, role=MissionRoleFactory(mission=mission), invited_by=UserFactory(), status="pending"
    )
    html, _ = _get(client, member)
    assert _panels(html) == ["calls-for-you", "proposals", "invitations", "followed"]
    assert "Our applied call" in html and "A competitor call" not in html
    assert "Lead company" in html
    assert call.title in html  # the engine ranks the water call for this leak-detection company


def test_citizen_workspace(client, city):
    citizen = UserFactory()
    NeedFactory(city=city, source=Need.Source.CITIZEN, unit=None, submitted_by=citizen, title="Pothole on my street")
    followed = PublishedCallFactory(city=city, title="A call I follow")
    CallFollow.objects.create(call=followed, user=citizen)
    html, _ = _get(client, citizen)
    assert _panels(html) == ["reports", "followed"]
    assert "Pothole on my street" in html and "A call I follow" in html


def test_several_cities_switcher(client, city, other_city):
    manager = user_with_role(CityRole.Role.INNOVATION_MANAGER, city)
    CityRoleFactory(user=manager, city=other_city, role=CityRole.Role.INNOVATION_MANAGER)
    NeedFactory(city=city, title="Qom need")
    NeedFactory(city=other_city, title="Karaj need")
    html, _ = _get(client, manager)
    assert "Qom need" in html and "Karaj need" in html
    assert f"?city={other_city.slug}" in html  # the switcher
    assert "شهرهای من" in html and reverse("core:city_detail", args=[other_city.slug]) in html  # "My cities"
    html, _ = _get(client, manager, WORKSPACE + f"?city={other_city.slug}")
    assert "Karaj need" in html and "Qom need" not in html
    html, _ = _get(client, manager, WORKSPACE + "?city=nowhere")  # unknown: every city
    assert "Qom need" in html and "Karaj need" in html


# --------------------------------------------------------------------------------------------
# The registry and the navigation
# --------------------------------------------------------------------------------------------
def test_registry_calls_a_panel_only_for_its_audiences(rf):
    called = []

    def panel(ws):
        called.append(ws.audiences)
        return workspace.Panel(key="test", title="Test")

    hooks.workspace_panels.register(panel, audiences={"only-this"}, order=1)
    try:
        ws = workspace.Workspace(request=None, user=None, audiences={"visitor"})
        assert [p.key for p in workspace.panels_for(ws)] != ["test"] and called == []
        ws.audiences.add("only-this")
        assert workspace.panels_for(ws)[0].key == "test" and len(called) == 1
    finally:
        hooks.workspace_panels.unregister(panel)


def test_capped_fetches_one_more_and_counts_nothing():
    assert workspace.capped(list(range(3))) == ([0, 1, 2], False)
    assert workspace.capped(list(range(9))) == ([0, 1, 2, 3, 4], True)


def test_navigation_groups_entries(client, city):
    manager = user_with_role(CityRole.Role.INNOVATION_MANAGER, city)
    html, _ = _get(client, manager)
    nav = html[html.index('id="main-nav-items"') : html.index("navbar-nav align-items-xl-center")]
    top = re.findall(r'<li class="nav-item( dropdown)?">', nav)
    assert len(top) <= 7  # workspace, challenges, explore, my work, the city, notifications
    assert reverse("challenges:triage_inbox", args=[city.slug]) in nav
    # one city: its entry stands alone and opens the city's page with its open calls
    assert f'href="{reverse("core:city_detail", args=[city.slug])}"' in nav


def test_city_page_lists_open_calls_and_the_work_there(client, city):
    PublishedCallFactory(city=city, title="Qom open call")
    html = client.get(reverse("core:city_detail", args=[city.slug])).content.decode()
    assert "Qom open call" in html and "my-city-work" not in html
    manager = user_with_role(CityRole.Role.INNOVATION_MANAGER, city)
    html, _ = _get(client, manager, reverse("core:city_detail", args=[city.slug]))
    assert f"{WORKSPACE}?city={city.slug}" in html


# --------------------------------------------------------------------------------------------
# Empty states and the call page
# --------------------------------------------------------------------------------------------
def test_empty_proposals_list_says_what_to_do(client):
    newcomer = OrganizationMembershipFactory().user
    html, _ = _get(client, newcomer, reverse("proposals:proposal_list"))
    assert "data-empty-state" in html and reverse("challenges:call_list") in html
    html, _ = _get(client, newcomer, reverse("proposals:proposal_list") + "?q=nothing")
    assert "data-empty-state" in html


@pytest.mark.parametrize(
    "url_name",
    ["challenges:call_list", "directory:organization_list", "challenges:notifications", "challenges:my_reports"],
)
def test_empty_lists_offer_a_next_action(client, url_name):
    html, _ = _get(client, UserFactory(), reverse(url_name))  # an empty database
    assert "data-empty-state" in html


def test_call_page_explains_facilitators_and_links_evaluation(client, city):
    manager = user_with_role(CityRole.Role.INNOVATION_MANAGER, city)
    defining = CallFactory(city=city)
    html, _ = _get(client, manager, reverse("challenges:call_manage", args=[city.slug, defining.pk]))
    assert 'id="no-facilitator"' in html and "evaluation-link" not in html
    facilitator = user_with_role(CityRole.Role.FACILITATOR, city)
    html, _ = _get(client, manager, reverse("challenges:call_manage", args=[city.slug, defining.pk]))
    assert 'id="no-facilitator"' not in html and str(facilitator) in html
    published = PublishedCallFactory(city=city)
    html, _ = _get(client, manager, reverse("challenges:call_manage", args=[city.slug, published.pk]))
    assert reverse("proposals:evaluation", args=[published.pk]) in html
