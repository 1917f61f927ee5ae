"""The grid of a pitch jury's confidentiality (ADR 0030), with real requests per role: the hidden
jury call and the pitches' scores never appear to anyone who should not see them, and never in a
public list, search, page, API, feed or open-data file."""

from types import SimpleNamespace

import pytest
from django.test import Client
from django.urls import reverse

from hamafza.accounts.models import CityRole
from hamafza.accounts.services import api_token_create
from hamafza.accounts.tests.factories import UserFactory, user_with_role
from hamafza.core.tests.factories import UnitFactory
from hamafza.directory.tests.factories import OrganizationFactory, OrganizationMembershipFactory
from hamafza.programs import services
from hamafza.programs.models import Event, Pitch
from hamafza.programs.tests.factories import EventFactory
from hamafza.proposals import services as proposal_services
from hamafza.proposals.models import Panel

pytestmark = pytest.mark.django_db


@pytest.fixture
def jury(world):
    """A published pitch day of the incubator with a jury that is scoring: judge A has scored both
    pitches, judge B has declared a conflict with the second."""
    unit = UnitFactory(city=world.city, kind="innovation")
    event = EventFactory(
        city=world.city,
        kind=Event.Kind.PITCH_DAY,
        organiser_organization=world.incubator,
        created_by=world.incubator_admin,
        pitches_open=True,
    )
    second = OrganizationFactory(kind="startup")
    second_admin = OrganizationMembershipFactory(organization=second, role="admin").user
    pitches = [
        services.pitch_apply(event=event, organization=world.startup, by=world.founder, title="سامانه پسماند زیتون"),
        services.pitch_apply(event=event, organization=second, by=second_admin, title="پایش نشت زیتون"),
    ]
    organiser = world.incubator_admin
    for pitch in pitches:
        services.pitch_transition(pitch=pitch, to=Pitch.Status.SELECTED, by=organiser)
    event = services.event_jury_setup(event=event, by=organiser)
    panel = Panel.objects.get(call=event.jury_call)
    judge_a, judge_b = (user_with_role(CityRole.Role.JUDGE, world.city) for _ in range(2))
    for judge in (judge_a, judge_b):
        proposal_services.panel_add_city_judge(panel=panel, user=judge, by=organiser)
    criterion = proposal_services.rubric_criterion_save(panel=panel, by=organiser, name="نوآوری", weight=100)
    proposal_services.panel_start_scoring(panel=panel, by=organiser)
    for pitch in pitches:
        pitch.refresh_from_db()
    first, second_p = (p.proposal for p in pitches)
    for proposal, value in ((first, 9), (second_p, 4)):
        proposal_services.conflict_declare(proposal=proposal, by=judge_a, has_conflict=False)
        proposal_services.sheet_save(
            proposal=proposal, by=judge_a, values={criterion.pk: value}, expected_version=0, complete=True
        )
    proposal_services.conflict_declare(proposal=first, by=judge_b, has_conflict=False)
    proposal_services.conflict_declare(proposal=second_p, by=judge_b, has_conflict=True)
    staff = user_with_role(CityRole.Role.UNIT_STAFF, world.city, unit=unit)
    return SimpleNamespace(
        event=event,
        call=event.jury_call,
        proposals=(first, second_p),
        judge_a=judge_a,
        judge_b=judge_b,
        second_admin=second_admin,
        unit_staff=staff,
        other_org_admin=OrganizationMembershipFactory(organization=OrganizationFactory(), role="admin").user,
    )


def _users(world, jury):
    return {
        "anonymous": None,
        "citizen": UserFactory(),
        "pitching org": world.founder,
        "other org admin": jury.other_org_admin,
        "manager of another city": world.other_manager,
        "judge": jury.judge_b,
        "unit staff": jury.unit_staff,
        "organiser": world.incubator_admin,
        "city manager": world.manager,
    }


def _client(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="fa")
    if user is not None:
        client.force_login(user)
    return client


def _api(user, path):
    kwargs = {}
    if user is not None:
        _token, key = api_token_create(user=user, name="grid")
        kwargs["HTTP_AUTHORIZATION"] = f"Bearer {key}"
    return Client().get(f"/api/v1{path}", **kwargs)


def _absent(text: str, jury, role="") -> None:
    assert jury.call.title not in text, role
    assert f"/challenges/{jury.call.pk}/" not in text
    assert "زیتون" not in text  # the pitches' titles, as proposals


PUBLIC_PAGES = [
    lambda j: reverse("challenges:call_list"),
    lambda j: reverse("challenges:call_list") + "?status=closed",
    lambda j: reverse("challenges:call_list") + "?status=results",
    lambda j: reverse("challenges:call_list") + "?status=closed&q=" + j.call.title.split()[1],
    lambda j: reverse("challenges:call_list") + "?q=" + j.call.title.split()[1],
    lambda j: reverse("core:home"),
    lambda j: reverse("core:city_detail", args=[j.event.city.slug]),
    lambda j: reverse("core:workspace"),
    lambda j: reverse("insights:ocds", args=[j.event.city.slug]),
    lambda j: reverse("insights:city_calendar", args=[j.event.city.slug]),
    lambda j: reverse("insights:city_summary", args=[j.event.city.slug]),
    lambda j: reverse("proposals:proposal_list"),
]


@pytest.mark.parametrize("page", range(len(PUBLIC_PAGES)))
def test_the_jury_call_is_in_no_public_page_list_search_feed_or_open_data(world, jury, page):
    path = PUBLIC_PAGES[page](jury)
    for role, user in _users(world, jury).items():
        response = _client(user).get(path)
        if response.status_code != 200:
            assert response.status_code in (302, 403, 404), (role, path, response.status_code)
        elif role in ("pitching org", "judge") and path in (
            reverse("proposals:proposal_list"),
            reverse("core:workspace"),
        ):
            # The pitching organization's own pitch, filed for the jury, is among its proposals (no
            # score, no decision); a judge's work is in the judge's lists — but never the pitch the
            # judge declared a conflict with, nor the other organization's pitch.
            text = response.content.decode()
            assert "پایش نشت زیتون" not in text and f"/challenges/{jury.call.pk}/" not in text, role
        elif role == "city manager" and path in (reverse("proposals:proposal_list"), reverse("core:workspace")):
            # The city's managers read every submitted proposal of their city and follow every
            # panel of it in their workspace (ADR 0006) — never as a public call.
            assert f"/challenges/{jury.call.pk}/" not in response.content.decode()
        else:
            _absent(response.content.decode(), jury, role)


def test_the_jury_call_pages_are_not_found_but_for_the_city_staff(world, jury):
    paths = [
        reverse("challenges:call_detail", args=[jury.call.pk]),
        reverse("challenges:call_results", args=[jury.call.pk]),
    ]
    for role, user in _users(world, jury).items():
        for path in paths:
            status = _client(user).get(path).status_code
            if role in ("city manager", "unit staff"):
                assert status in (200, 404), (role, path)  # the city's staff may open their city's calls
            else:
                assert status == 404, (role, path, status)
        follow = _client(user).post(reverse("challenges:call_follow", args=[jury.call.pk]))
        assert follow.status_code in (302, 403, 404, 405) and not jury.call.followers.exists()
    # The city's own staff lists leave it out: it is managed from its event.
    manager = _client(world.manager)
    _absent(manager.get(reverse("challenges:city_calls", args=[world.city.slug])).content.decode(), jury)
    _absent(_client(jury.unit_staff).get(reverse("core:workspace")).content.decode(), jury)


def test_the_pitches_are_no_proposals_in_the_city_figures(world, jury):
    from hamafza.insights.selectors import Filters, funnel

    counts = {row["key"]: row["count"] for row in funnel(Filters(city=world.city))}
    assert counts["calls"] == 0 and counts["proposals"] == 0


def test_the_jury_call_is_in_no_api_list_and_no_open_data(world, jury):
    slug = world.city.slug
    for role, user in _users(world, jury).items():
        word = jury.call.title.split()[1]
        for path in ("/calls", "/calls?status=closed", f"/calls?q={word}", f"/calls?status=closed&q={word}"):
            response = _api(user, path)
            assert response.status_code == 200
            assert jury.call.pk not in [c["id"] for c in response.json()["items"]], (role, path)
        detail = _api(user, f"/calls/{jury.call.pk}").status_code
        eligibility = _api(user, f"/calls/{jury.call.pk}/eligibility").status_code
        if role not in ("city manager", "unit staff"):
            assert detail == 404 and eligibility in (400, 401, 404), (role, detail, eligibility)
        for path in (f"/insights/cities/{slug}/ocds", f"/insights/cities/{slug}/summary"):
            response = _api(user, path)
            if response.status_code == 200:
                _absent(response.content.decode(), jury)
    listing = _api(world.manager, f"/cities/{slug}/calls")
    assert listing.status_code == 200 and jury.call.pk not in [c["id"] for c in listing.json()["items"]]


def test_the_pitches_scores_and_ranking_only_for_those_who_judge_or_organise(world, jury):
    first, second = jury.proposals
    users = _users(world, jury)
    for role, user in users.items():
        client = _client(user)
        manage = client.get(reverse("programs:event_manage", args=[jury.event.pk]))
        evaluation = client.get(reverse("proposals:evaluation", args=[jury.call.pk]))
        api_jury = _api(user, f"/events/{jury.event.pk}/jury")
        ranking = _api(user, f"/calls/{jury.call.pk}/ranking")
        if role in ("organiser", "city manager"):
            assert manage.status_code == evaluation.status_code == api_jury.status_code == 200
            assert 'id="jury-ranking"' in manage.content.decode()
            assert len(api_jury.json()["ranking"]) == 2
            continue
        assert manage.status_code in (302, 403, 404) and evaluation.status_code in (302, 404), role
        assert api_jury.status_code in (401, 403, 404) and ranking.status_code in (401, 403, 404), role
        # The event's public page shows no standing before the results are published.
        assert (
            "jury-standing" not in client.get(reverse("programs:event_detail", args=[jury.event.pk])).content.decode()
        )
        for proposal in (first, second):
            scores = _api(user, f"/proposals/{proposal.pk}/scores")
            if role == "judge":
                # Judge B sees neither judge A's scores (the panel is still scoring) nor, after a
                # declared conflict, the second pitch at all.
                assert scores.status_code == (200 if proposal == first else 404)
                assert scores.status_code == 404 or scores.json()["count"] == 0
            elif role == "pitching org" and proposal == first:
                assert scores.status_code == 200 and scores.json()["count"] == 0  # never its judges' sheets
            else:
                assert scores.status_code in (401, 404), (role, proposal.pk, scores.status_code)
    # Publishing the pitch results writes the standing only; the call stays unpublished.
    proposal_services.panel_close(panel=Panel.objects.get(call=jury.call), by=world.incubator_admin)
    services.pitch_results_publish(event=jury.event, by=world.incubator_admin)
    jury.call.refresh_from_db()
    assert not jury.call.is_public and jury.call.published_at is None
    page = _client(None).get(reverse("programs:event_detail", args=[jury.event.pk])).content.decode()
    assert page.count("jury-standing") == 2
    assert _api(jury.second_admin, f"/proposals/{second.pk}/scores").json()["count"] == 0
