"""Evaluation from a closed call to published results, through the manager's and judges' pages."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import translation

from hamafza.accounts.models import CityRole
from hamafza.accounts.tests.factories import PASSWORD, user_with_role
from hamafza.challenges.models import Call, CallResult, Notification
from hamafza.directory.tests.factories import OrganizationFactory, OrganizationMembershipFactory
from hamafza.proposals import services
from hamafza.proposals.models import Panel, PanelMember, Proposal, Score
from hamafza.proposals.tests import factories as f


def login(user) -> Client:
    client = Client()
    assert client.login(email=user.email, password=PASSWORD)
    return client


@pytest.fixture
def closed_call(city):
    call = f.CallFactory(city=city, state=Call.State.CLOSED, title="Closed call")
    applicants = []
    for name in ("Alpha", "Beta", "Gamma"):
        org = OrganizationFactory(name=name)
        member = OrganizationMembershipFactory(organization=org).user
        applicants.append((f.ProposalFactory(call=call, organization=org, title=f"{name} plan"), member))
    manager = user_with_role(CityRole.Role.INNOVATION_MANAGER, city)
    return call, applicants, manager


def _scores(panel, values):
    criteria = list(panel.criteria.order_by("position"))
    return {c.pk: v for c, v in zip(criteria, values, strict=True)}


@pytest.mark.django_db
def test_call_goes_from_closed_to_published_results(closed_call, city, other_city, django_capture_on_commit_callbacks):
    call, applicants, manager = closed_call
    client = login(manager)
    assert client.post(reverse("proposals:panel_create", args=[call.pk])).status_code == 302
    panel = Panel.objects.get(call=call)
    assert [(c.name, c.weight) for c in panel.criteria.order_by("position")] == [("Impact", 60), ("Feasibility", 40)]

    # Judges: one of the city added directly, one outside expert invited by email who accepts.
    judge = user_with_role(CityRole.Role.JUDGE, city)
    not_a_judge_here = user_with_role(CityRole.Role.JUDGE, other_city)
    assert client.post(reverse("proposals:panel_add_judge", args=[panel.pk]), {"user": judge.pk}).status_code == 302
    response = client.post(reverse("proposals:panel_add_judge", args=[panel.pk]), {"user": not_a_judge_here.pk})
    assert response.status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("proposals:panel_invite", args=[panel.pk]), {"email": "Expert@Uni.ac.ir"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1 and "expert@uni.ac.ir" in mail.outbox[0].to
    invitation = panel.invitations.get()
    assert invitation.token in mail.outbox[0].body
    anonymous = Client()
    response = anonymous.post(
        reverse("proposals:invitation_respond", args=[invitation.token]),
        {"action": "accept", "display_name": "Dr Expert", "password": "a-long-password-1"},
    )
    assert response.status_code == 302
    expert_member = PanelMember.objects.get(panel=panel, user__email="expert@uni.ac.ir")
    assert expert_member.source == PanelMember.Source.OUTSIDE_EXPERT
    expert = expert_member.user

    # The rubric is editable until scoring starts, then frozen.
    response = client.post(
        reverse("proposals:criterion_add", args=[panel.pk]), {"name": "Locality", "weight": 0, "scale_max": 10}
    )
    assert response.status_code == 400  # weight must be 1..100
    client.post(reverse("proposals:criterion_add", args=[panel.pk]), {"name": "Locality", "weight": 20, "scale_max": 5})
    assert panel.criteria.count() == 3
    # The weights add up to 120: scoring cannot start (the rule of the service, as in the API).
    refused = client.post(reverse("proposals:panel_step", args=[panel.pk, "start"]))
    assert refused.status_code == 400
    with translation.override("fa"):
        expected = translation.gettext("The weights add up to %(total)d; they must add up to 100.") % {"total": 120}
    assert expected in refused.content.decode()
    locality = panel.criteria.get(name="Locality")
    impact = panel.criteria.exclude(pk=locality.pk).order_by("-weight").first()
    client.post(
        reverse("proposals:criterion_edit", args=[panel.pk, impact.pk]),
        {"name": impact.name, "weight": impact.weight - 20, "scale_max": impact.scale_max},
    )
    assert sum(panel.criteria.values_list("weight", flat=True)) == 100
    assert client.post(reverse("proposals:panel_step", args=[panel.pk, "start"])).status_code == 302
    panel.refresh_from_db()
    call.refresh_from_db()
    assert panel.status == Panel.Status.SCORING and call.state == Call.State.IN_EVALUATION
    assert call.transitions.filter(to_state="in_evaluation", by=manager).exists()
    response = client.post(
        reverse("proposals:criterion_add", args=[panel.pk]), {"name": "Late", "weight": 10, "scale_max": 10}
    )
    assert response.status_code == 400 and panel.criteria.count() == 3

    # Conflict of interest: the expert declares one on Alpha; the proposal is hidden from them.
    (alpha, alpha_member), (beta, _b), (gamma, _g) = applicants
    expert_client = Client()
    assert expert_client.login(email="expert@uni.ac.ir", password="a-long-password-1")
    queue = expert_client.get(reverse("proposals:judging")).content.decode()
    assert "Alpha plan" not in queue  # nothing of a proposal before the declaration but who applied
    url = reverse("proposals:judging_proposal", args=[alpha.pk])
    page = expert_client.get(url).content.decode()
    assert "Alpha" in page and alpha.approach not in page
    expert_client.post(url, {"conflict": "yes", "note": "I advise Alpha"})
    assert expert_client.get(url).status_code == 404
    assert expert_client.get(reverse("proposals:proposal_detail", args=[alpha.pk])).status_code == 404
    for p in (beta, gamma):
        expert_client.post(reverse("proposals:judging_proposal", args=[p.pk]), {"conflict": "no"})
    judge_client = login(judge)
    for p, _m in applicants:
        judge_client.post(reverse("proposals:judging_proposal", args=[p.pk]), {"conflict": "no"})

    # Bad input: a score outside the scale, a missing criterion on completion: 400, nothing lost.
    criteria = list(panel.criteria.order_by("position"))
    score_url = reverse("proposals:judging_proposal", args=[beta.pk])
    post = {"version": 0, f"c{criteria[0].pk}": 11, f"c{criteria[1].pk}": 5, f"comment_{criteria[1].pk}": "keep me"}
    response = judge_client.post(score_url, post)
    assert response.status_code == 400 and "keep me" in response.content.decode()
    response = judge_client.post(score_url, {**post, f"c{criteria[0].pk}": 7, "complete": "on"})
    assert response.status_code == 400  # Locality is missing
    assert not Score.objects.exists()
    response = judge_client.post(score_url, {**post, f"c{criteria[0].pk}": 7})
    assert response.status_code == 302  # a partial sheet is saved as typed
    # The same judge saving from a second window based on the old version: refused, kept.
    response = judge_client.post(score_url, {**post, f"c{criteria[0].pk}": 2})
    assert response.status_code == 409
    assert Score.objects.get(criterion=criteria[0]).value == 7

    for user, proposal, values in [
        (judge, alpha, (9, 8, 4)),
        (judge, beta, (7, 5, 3)),
        (judge, gamma, (4, 4, 2)),
        (expert, beta, (8, 6, 4)),
        (expert, gamma, (3, 5, 1)),
    ]:
        sheet = PanelMember.objects.get(panel=panel, user=user).sheets.filter(proposal=proposal).first()
        services.sheet_save(
            proposal=proposal,
            by=user,
            values=_scores(panel, values),
            expected_version=sheet.version if sheet else 0,
            complete=True,
        )
    # Judges do not see each other's scores while scoring.
    page = judge_client.get(reverse("proposals:proposal_scores", args=[beta.pk])).content.decode()
    assert expert.display_name not in page

    # The manager sees progress and the ranking; the conflicted judge is not counted for Alpha.
    page = client.get(reverse("proposals:evaluation", args=[call.pk])).content.decode()
    assert 'data-state="conflict"' in page and 'data-state="complete"' in page
    from hamafza.proposals.selectors import panel_results

    results = {row["proposal"].pk: row["result"] for row in panel_results(panel=panel)}
    assert results[alpha.pk].judges == 1 and results[beta.pk].judges == 2
    assert results[alpha.pk].rank == 1

    # Decisions only after the panel closes; then results are published.
    with pytest.raises(services.Refused):
        services.proposal_decide(proposal=alpha, by=manager, decision="awarded", reason="Best")
    assert client.post(reverse("proposals:panel_step", args=[panel.pk, "close"])).status_code == 302
    response = client.post(reverse("proposals:proposal_decide", args=[alpha.pk]), {"decision": "awarded", "reason": ""})
    assert response.status_code == 400
    client.post(reverse("proposals:proposal_decide", args=[alpha.pk]), {"decision": "awarded", "reason": "Best plan"})
    client.post(reverse("proposals:proposal_decide", args=[beta.pk]), {"decision": "not_awarded", "reason": "Cost"})
    response = client.post(reverse("proposals:results_publish", args=[call.pk]))
    assert response.status_code == 400  # Gamma has no decision yet
    client.post(reverse("proposals:proposal_decide", args=[gamma.pk]), {"decision": "not_awarded", "reason": "Weak"})
    response = client.post(reverse("proposals:results_publish", args=[call.pk]))
    assert response.status_code == 302
    call.refresh_from_db()
    assert call.state == Call.State.RESULTS_PUBLISHED
    assert CallResult.objects.filter(call=call, outcome="awarded").get().organization == alpha.organization
    assert Notification.objects.filter(user=alpha_member, kind="call_results").exists()

    public = Client().get(reverse("challenges:call_results", args=[call.pk])).content.decode()
    assert "Alpha" in public and "Best plan" in public
    assert "Cost" not in public and "Beta" not in public  # only winners and their reasons
    alpha.refresh_from_db()
    assert alpha.history.filter(decision="awarded").exists()  # audit trail of the decision
    assert Score.history.count() >= 10  # every score change is audited


@pytest.mark.django_db
def test_public_results_show_no_applicant_before_publication(closed_call):
    call, applicants, _manager = closed_call
    response = Client().get(reverse("challenges:call_results", args=[call.pk]))
    assert response.status_code == 200
    for proposal, _member in applicants:
        assert proposal.organization.name not in response.content.decode()


@pytest.mark.django_db
def test_scoring_cannot_start_before_the_call_closes(city):
    call = f.CallFactory(city=city)
    manager = user_with_role(CityRole.Role.INNOVATION_MANAGER, city)
    panel = services.panel_create(call=call, by=manager)
    services.panel_add_city_judge(panel=panel, user=user_with_role(CityRole.Role.JUDGE, city), by=manager)
    with translation.override("en"), pytest.raises(services.Refused) as exc:
        services.panel_start_scoring(panel=panel, by=manager)
    assert "closes" in exc.value.reasons[0]


@pytest.mark.django_db
def test_manager_of_another_city_cannot_run_the_evaluation(closed_call, other_city):
    call, _applicants, _manager = closed_call
    outsider = user_with_role(CityRole.Role.INNOVATION_MANAGER, other_city)
    client = login(outsider)
    assert client.get(reverse("proposals:evaluation", args=[call.pk])).status_code == 404
    assert client.post(reverse("proposals:panel_create", args=[call.pk])).status_code == 404
    with pytest.raises(services.PermissionDenied):
        services.panel_create(call=call, by=outsider)


@pytest.mark.django_db
def test_remind_judges_emails_those_with_missing_work(world, django_capture_on_commit_callbacks):
    manager = world.users["manager"]
    with django_capture_on_commit_callbacks(execute=True):
        n = services.judges_remind(panel=world.panel, by=manager)
    # The judge scored A but not B; the conflicted judge has B to score.
    assert n == 2 and len(mail.outbox) == 2
    world.judge_member.refresh_from_db()
    assert world.judge_member.last_reminded_at is not None


@pytest.mark.django_db
def test_two_judges_saving_at_the_same_moment_both_keep_their_scores(world):
    p = world.proposal_b
    values = {c.pk: 5 for c in world.criteria}
    s1 = services.sheet_save(proposal=p, by=world.users["judge"], values=values, expected_version=0, complete=True)
    s2 = services.sheet_save(
        proposal=p, by=world.users["judge_conflict"], values=values, expected_version=0, complete=True
    )
    assert s1.pk != s2.pk and Score.objects.filter(sheet__proposal=p).count() == 4
    assert Proposal.objects.get(pk=p.pk).status == Proposal.Status.SUBMITTED


@pytest.mark.django_db
def test_evaluation_and_judging_pages_do_not_query_per_row(world, django_assert_max_num_queries):
    for _ in range(12):
        p = f.ProposalFactory(call=world.call)
        f.DeclarationFactory(member=world.judge_member, proposal=p)
    manager = login(world.users["manager"])
    with django_assert_max_num_queries(30):
        response = manager.get(reverse("proposals:evaluation", args=[world.call.pk]))
    assert response.status_code == 200 and response.content.decode().count('data-state="') == 2 * 14
    judge = login(world.users["judge"])
    with django_assert_max_num_queries(14):
        response = judge.get(reverse("proposals:judging"))
    assert response.status_code == 200 and response.content.decode().count('data-declaration="clear"') == 14


@pytest.mark.django_db
def test_blind_review_hides_the_applicant_from_judges(world):
    Panel.objects.filter(pk=world.panel.pk).update(blind_review=True)
    judge = login(world.users["judge"])
    name = world.org_a.name
    for url in (
        reverse("proposals:proposal_list"),
        reverse("proposals:proposal_detail", args=[world.proposal_a.pk]),
        reverse("proposals:judging_proposal", args=[world.proposal_a.pk]),
    ):
        response = judge.get(url)
        assert response.status_code == 200
        assert name not in response.content.decode()
        assert "Zephyrsecret" in response.content.decode()
    response = judge.get(reverse("proposals:proposal_list") + "?q=Waste")
    assert "Zephyrsecret" not in response.content.decode()  # no finding it by the applicant's name
    manager = login(world.users["manager"])
    assert name in manager.get(reverse("proposals:proposal_detail", args=[world.proposal_a.pk])).content.decode()


@pytest.mark.django_db
def test_the_ranking_is_paged_with_ranks_over_the_whole_panel(world, monkeypatch):
    """The evaluation page shows one page of the ranking (ranks and totals over every submitted
    proposal) in the same number of queries however many proposals the call has (issue 19)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from hamafza.proposals import selectors

    monkeypatch.setattr(selectors, "RANKING_PAGE", 3)
    manager = login(world.users["manager"])
    url = reverse("proposals:evaluation", args=[world.call.pk])
    with CaptureQueriesContext(connection) as few:
        assert manager.get(url).status_code == 200
    for _ in range(7):
        f.ProposalFactory(call=world.call)
    whole = selectors.panel_results(panel=world.panel)
    assert len(whole) == Proposal.objects.filter(call=world.call, status="submitted").count() == 9
    with CaptureQueriesContext(connection) as many:
        page = manager.get(url + "?ranking_page=۲").content.decode()
    assert len(many) == len(few)
    ranking = selectors.panel_ranking(panel=world.panel, page=2)
    assert (ranking["total"], ranking["pages"], ranking["page"]) == (9, 3, 2)
    assert [r["proposal"].pk for r in ranking["rows"]] == [r["proposal"].pk for r in whole[3:6]]
    table = page.split('id="ranking"', 1)[1].split("</table>", 1)[0]
    shown = [
        r["proposal"].pk for r in whole if reverse("proposals:proposal_detail", args=[r["proposal"].pk]) + '"' in table
    ]
    assert shown == [r["proposal"].pk for r in whole[3:6]]
    assert "ranking_page=3" in page and "ranking_page=1" in page
    assert manager.get(url + "?ranking_page=x").status_code == 400
    # Past the last page: the last page.
    assert selectors.panel_ranking(panel=world.panel, page=99)["page"] == 3
