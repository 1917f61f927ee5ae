"""The jury of a pitch day without a linked call (ADR 0030), walked through the pages in Persian and
through the API: the organiser (here the admin of the organising incubator, not a city manager)
sets up the jury, chooses judges and a rubric on the panel's evaluation page, the judges declare
conflicts and score each pitch independently on their judging pages, the organiser sees the
aggregated ranking, closes the scoring and publishes the results on the event's page."""

from types import SimpleNamespace

import pytest
from django.test import Client
from django.urls import reverse

from hamafza.accounts.models import CityRole
from hamafza.accounts.tests.factories import user_with_role
from hamafza.challenges.models import Call
from hamafza.core.tests.factories import UnitFactory
from hamafza.core.text import normalize
from hamafza.directory.tests.factories import OrganizationFactory, OrganizationMembershipFactory
from hamafza.programs import services
from hamafza.programs.models import Event, Pitch
from hamafza.programs.tests.factories import EventFactory
from hamafza.programs.tests.test_api import call_api
from hamafza.proposals.models import Panel, Proposal

pytestmark = pytest.mark.django_db


@pytest.fixture
def pitch_day(world):
    """A published pitch day of the Qom incubator, without a linked call, with two startups' pitches
    and two judges of the city."""
    UnitFactory(city=world.city, kind="innovation", name_fa="مرکز نوآوری شهرداری قم")
    event = EventFactory(
        city=world.city,
        kind=Event.Kind.PITCH_DAY,
        title="روز ارائه استارتاپ‌های شهری قم",
        organiser_organization=world.incubator,
        created_by=world.incubator_admin,
        pitches_open=True,
    )
    other = OrganizationFactory(kind="startup", name="هوشمندسازان آب")
    other_admin = OrganizationMembershipFactory(organization=other, role="admin").user
    return SimpleNamespace(
        event=event,
        other=other,
        other_admin=other_admin,
        judge_a=user_with_role(CityRole.Role.JUDGE, world.city),
        judge_b=user_with_role(CityRole.Role.JUDGE, world.city),
    )


def _login(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="fa")
    client.force_login(user)
    return client


def _apply_and_select(world, pd):
    for user, org, title in (
        (world.founder, world.startup, "پایش هوشمند پسماند"),
        (pd.other_admin, pd.other, "کاهش نشت شبکه آب"),
    ):
        response = _login(user).post(
            reverse("programs:pitch_apply", args=[pd.event.pk]), {"organization": org.pk, "title": title}
        )
        assert response.status_code == 302
    organiser = _login(world.incubator_admin)
    for pitch in pd.event.pitches.all():
        response = organiser.post(
            reverse("programs:pitch_decide", args=[pd.event.pk, pitch.pk]), {"to": Pitch.Status.SELECTED}
        )
        assert response.status_code == 302
    return organiser


def test_the_whole_jury_flow_through_the_pages_in_persian(world, pitch_day):
    pd = pitch_day
    organiser = _apply_and_select(world, pd)
    manage = organiser.get(reverse("programs:event_manage", args=[pd.event.pk])).content.decode()
    assert "تشکیل هیئت داوران" in manage  # "Set up the jury"

    response = organiser.post(reverse("programs:jury_setup", args=[pd.event.pk]))
    pd.event.refresh_from_db()
    call = pd.event.jury_call
    assert response.status_code == 302 and response["Location"] == reverse("proposals:evaluation", args=[call.pk])
    assert call.judging_only and call.state == Call.State.IN_EVALUATION and call.published_at is None
    assert set(Proposal.objects.filter(call=call, status="submitted").values_list("title", flat=True)) == {
        "پایش هوشمند پسماند",
        "کاهش نشت شبکه آب",
    }
    page = organiser.get(response["Location"])
    assert page.status_code == 200
    assert "نتایج هیئت داوران رویداد در صفحهٔ آن رویداد منتشر می‌شود." in page.content.decode()
    panel = Panel.objects.get(call=call)

    # Judges and a rubric on the evaluation page (its forms), then the scoring starts.
    for judge in (pd.judge_a, pd.judge_b):
        assert (
            organiser.post(reverse("proposals:panel_add_judge", args=[panel.pk]), {"user": judge.pk}).status_code == 302
        )
    for name, weight in (("نوآوری", 60), ("قابلیت اجرا در شهر", 40)):
        response = organiser.post(
            reverse("proposals:criterion_add", args=[panel.pk]), {"name": name, "weight": weight, "scale_max": 10}
        )
        assert response.status_code == 302
    assert organiser.post(reverse("proposals:panel_step", args=[panel.pk, "start"])).status_code == 302
    panel.refresh_from_db()
    assert panel.status == Panel.Status.SCORING

    # The line-up is now fixed.
    waste = Pitch.objects.get(event=pd.event, organization=world.startup)
    water = Pitch.objects.get(event=pd.event, organization=pd.other)
    refused = organiser.post(
        reverse("programs:pitch_decide", args=[pd.event.pk, water.pk]), {"to": Pitch.Status.NOT_SELECTED}
    )
    assert refused.status_code == 409 and "ترکیب ارائه‌ها ثابت است" in refused.content.decode()

    # Judges declare and score on their usual pages; B has a conflict with the water startup.
    criteria = list(panel.criteria.order_by("position"))
    a, b = _login(pd.judge_a), _login(pd.judge_b)
    queue = a.get(reverse("proposals:judging")).content.decode()
    assert normalize(pd.event.title) in queue  # the jury's call in the judge's queue (titles are normalised)
    for client, pitch, conflict, values in (
        (a, waste, "no", (8, 9)),
        (a, water, "no", (6, 5)),
        (b, waste, "no", (9, 7)),
        (b, water, "yes", None),
    ):
        url = reverse("proposals:judging_proposal", args=[pitch.proposal_id])
        assert client.post(url, {"conflict": conflict}).status_code == 302
        if values:
            post = {"version": 0, "complete": "on"}
            post.update({f"c{c.pk}": v for c, v in zip(criteria, values, strict=True)})
            assert client.post(url, post).status_code == 302
    assert b.get(reverse("proposals:judging_proposal", args=[water.proposal_id])).status_code == 404

    # The organiser sees the aggregated ranking on the manage page; the public does not.
    manage = organiser.get(reverse("programs:event_manage", args=[pd.event.pk])).content.decode()
    assert 'id="jury-ranking"' in manage and manage.index("پایش هوشمند پسماند") < manage.index("کاهش نشت شبکه آب")
    public = Client(HTTP_ACCEPT_LANGUAGE="fa").get(reverse("programs:event_detail", args=[pd.event.pk]))
    assert "jury-standing" not in public.content.decode()

    # Publishing before the scoring closes is refused; after, the ranking is on the event's page.
    refused = organiser.post(reverse("programs:pitch_results_publish", args=[pd.event.pk]))
    assert refused.status_code == 409 and "پیش از انتشار نتایج ارائه‌ها" in refused.content.decode()
    assert organiser.post(reverse("proposals:panel_step", args=[panel.pk, "close"])).status_code == 302
    assert organiser.post(reverse("programs:pitch_results_publish", args=[pd.event.pk])).status_code == 302
    waste.refresh_from_db()
    water.refresh_from_db()
    # waste: A 0.6*80+0.4*90 = 84, B 0.6*90+0.4*70 = 82 → 83; water: A 0.6*60+0.4*50 = 56.
    assert (waste.jury_rank, float(waste.jury_score)) == (1, 83.0)
    assert (water.jury_rank, float(water.jury_score)) == (2, 56.0)
    public = Client(HTTP_ACCEPT_LANGUAGE="fa").get(reverse("programs:event_detail", args=[pd.event.pk]))
    text = public.content.decode()
    assert "رتبهٔ داوران ۱، امتیاز ۸۳٫۰ از ۱۰۰" in text and "رتبهٔ داوران ۲، امتیاز ۵۶٫۰ از ۱۰۰" in text
    # The call's own results are never published: the jury's results are the event's.
    call.refresh_from_db()
    assert call.state == Call.State.IN_EVALUATION and not call.results.exists()


def test_the_jury_flow_through_the_api(client, world, pitch_day):
    pd = pitch_day
    event = pd.event
    for user, org in ((world.founder, world.startup), (pd.other_admin, pd.other)):
        response = call_api(
            client, "post", f"/events/{event.pk}/pitches", user, {"organization": org.slug, "title": "ارائه"}
        )
        assert response.status_code == 201
    organiser = world.incubator_admin
    for pitch in event.pitches.all():
        assert (
            call_api(
                client, "post", f"/events/{event.pk}/pitches/{pitch.pk}/transition", organiser, {"to": "selected"}
            ).status_code
            == 200
        )

    # Same permissions as the page: the public, a stranger and another organization's admin cannot.
    assert call_api(client, "post", f"/events/{event.pk}/jury").status_code == 401
    assert call_api(client, "post", f"/events/{event.pk}/jury", world.stranger).status_code == 403
    assert call_api(client, "post", f"/events/{event.pk}/jury", pd.other_admin).status_code == 403
    assert call_api(client, "get", f"/events/{event.pk}/jury", organiser).status_code == 404
    created = call_api(client, "post", f"/events/{event.pk}/jury", organiser)
    assert created.status_code == 201
    jury = created.json()
    assert jury["status"] == "setup" and jury["judges"] == 0
    assert [row["rank"] for row in jury["ranking"]] == [None, None]  # no score yet
    assert call_api(client, "post", f"/events/{event.pk}/jury", organiser).status_code == 200
    call_id = jury["call"]

    # The panel's own API, for the organiser through the evaluation hook.
    for judge in (pd.judge_a, pd.judge_b):
        assert (
            call_api(client, "post", f"/calls/{call_id}/panel/judges", organiser, {"user": judge.pk}).status_code == 201
        )
    rubric = call_api(
        client,
        "put",
        f"/calls/{call_id}/panel/rubric",
        organiser,
        {"criteria": [{"name": "نوآوری", "weight": 50}, {"name": "تیم", "weight": 50}]},
    )
    assert rubric.status_code == 200
    criteria = [c["id"] for c in rubric.json()["criteria"]]
    assert call_api(client, "post", f"/calls/{call_id}/panel/start", organiser).status_code == 200
    # Not for another organization's admin.
    assert call_api(client, "get", f"/calls/{call_id}/panel", pd.other_admin).status_code == 404

    proposals = {p.organization_id: p.pk for p in Proposal.objects.filter(call_id=call_id)}
    for judge, org, values in (
        (pd.judge_a, world.startup, (7, 7)),
        (pd.judge_a, pd.other, (9, 9)),
        (pd.judge_b, world.startup, (5, 5)),
        (pd.judge_b, pd.other, (10, 8)),
    ):
        pk = proposals[org.pk]
        assert call_api(client, "post", f"/proposals/{pk}/conflict", judge, {"has_conflict": False}).status_code in (
            200,
            201,
        )
        body = {
            "version": 0,
            "complete": True,
            "scores": [{"criterion": c, "value": v} for c, v in zip(criteria, values, strict=True)],
        }
        assert call_api(client, "put", f"/proposals/{pk}/scores", judge, body).status_code == 200
    # Before the panel closes a judge reads only their own scores (2 of the 4 on the water pitch).
    water_scores = f"/proposals/{proposals[pd.other.pk]}/scores"
    assert call_api(client, "get", water_scores, pd.judge_a).json()["count"] == 2
    # The organiser reads the aggregated ranking (below), not the judges' sheets.
    assert call_api(client, "get", water_scores, organiser).status_code == 404
    assert call_api(client, "get", water_scores, world.founder).status_code == 404

    ranking = call_api(client, "get", f"/events/{event.pk}/jury", organiser).json()["ranking"]
    water = Pitch.objects.get(event=event, organization=pd.other)
    assert ranking[0]["pitch"] == water.pk and ranking[0]["rank"] == 1 and ranking[0]["score"] == 90.0
    assert call_api(client, "post", f"/events/{event.pk}/pitch-results", organiser).status_code == 409
    assert call_api(client, "post", f"/calls/{call_id}/panel/close", organiser).status_code == 200
    published = call_api(client, "post", f"/events/{event.pk}/pitch-results", organiser)
    assert published.status_code == 200
    lineup = call_api(client, "get", f"/events/{event.pk}/pitches").json()
    rows = lineup["items"] if isinstance(lineup, dict) else lineup
    standing = {r["organization"]: (r["jury_rank"], r["jury_score"]) for r in rows}
    assert standing == {pd.other.slug: (1, 90.0), world.startup.slug: (2, 60.0)}
    # The pitching organization never reads the judges' sheets: only the published standing.
    assert call_api(client, "get", water_scores, pd.other_admin).json()["count"] == 0


def test_refusals(world, pitch_day):
    pd = pitch_day
    linked = EventFactory(city=world.city, kind=Event.Kind.PITCH_DAY, created_by=world.manager)
    from hamafza.challenges.tests.factories import PublishedCallFactory

    linked.calls.add(PublishedCallFactory(city=world.city))
    with pytest.raises(services.Refused, match="پیوسته"):
        services.event_jury_setup(event=linked, by=world.manager)
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.event_jury_setup(event=pd.event, by=pd.other_admin)
    event = services.event_jury_setup(event=pd.event, by=world.incubator_admin)
    # A jury's event cannot link a call afterwards, and a jury's call is never offered as a call.
    with pytest.raises(services.Refused):
        services.event_update(event=event, by=world.incubator_admin, calls=[PublishedCallFactory(city=world.city)])
    from hamafza.challenges.services import TransitionRefused, call_transition

    with pytest.raises(TransitionRefused):
        call_transition(call=event.jury_call, to="results_published", by=world.manager)


def test_the_jury_line_up_follows_the_event_until_scoring_starts(client, world, pitch_day):
    pd = pitch_day
    organiser = world.incubator_admin
    first = services.pitch_apply(event=pd.event, organization=world.startup, by=world.founder, title="الف")
    late = services.pitch_apply(event=pd.event, organization=pd.other, by=pd.other_admin, title="ب")
    services.pitch_transition(pitch=first, to=Pitch.Status.SELECTED, by=organiser)
    event = services.event_jury_setup(event=pd.event, by=organiser)
    submitted = Proposal.objects.filter(call=event.jury_call, status="submitted")
    assert list(submitted.values_list("organization_id", flat=True)) == [world.startup.pk]
    # Selected after the set-up: filed; withdrawn by its organization: out of the jury's line-up.
    services.pitch_transition(pitch=late, to=Pitch.Status.SELECTED, by=organiser)
    assert submitted.count() == 2
    services.pitch_transition(pitch=late, to=Pitch.Status.WITHDRAWN, by=pd.other_admin)
    assert list(submitted.values_list("organization_id", flat=True)) == [world.startup.pk]
    assert Proposal.objects.get(call=event.jury_call, organization=pd.other).status == "withdrawn"


def test_a_platform_admin_neither_sets_up_nor_reads_a_jury(client, world, pitch_day):
    from hamafza.accounts.tests.factories import UserFactory

    admin = UserFactory(is_staff=True, is_superuser=True)
    url = reverse("programs:event_manage", args=[pitch_day.event.pk])
    page = _login(admin).get(url).content.decode()
    assert "jury-setup" not in page
    event = services.event_jury_setup(event=pitch_day.event, by=world.incubator_admin)
    page = _login(admin).get(url).content.decode()
    assert 'id="jury"' in page and "jury-ranking" not in page and "manage-jury" not in page
    assert _login(admin).get(reverse("proposals:evaluation", args=[event.jury_call_id])).status_code == 404
