"""Services: intake, triage, canvas, the call's state machine per role, deadlines, eligibility,
questions and notifications."""

import datetime
import zoneinfo

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from hamafza.accounts.models import CityRole
from hamafza.accounts.tests.factories import UserFactory, user_with_role
from hamafza.challenges import eligible_calls, services
from hamafza.challenges.eligibility import call_eligibility_for
from hamafza.challenges.models import Call, CallFollow, CallTransition, Need, Notification
from hamafza.challenges.services import CanvasConflict, TransitionRefused
from hamafza.challenges.tests.factories import (
    CallFactory,
    NeedFactory,
    PublishedCallFactory,
    complete_canvas_values,
)
from hamafza.challenges.tests.i18n import fa
from hamafza.directory.models import OrganizationKind
from hamafza.directory.tests.factories import OrganizationFactory, OrganizationMembershipFactory

pytestmark = pytest.mark.django_db
S = Call.State
TEHRAN = zoneinfo.ZoneInfo("Asia/Tehran")


# ---------------------------------------------------------------------------------- intake
def test_unit_staff_draft_then_submit(city, staff, unit):
    need = services.need_save_draft(by=staff, city=city, title="")
    assert need.status == Need.Status.DRAFT and need.unit == unit
    with pytest.raises(ValidationError) as exc:
        services.need_submit(need=need, by=staff)
    assert set(exc.value.message_dict) == {"title", "description"}
    need = services.need_save_draft(by=staff, need=need, title="ترافیک  میدان", description="صف طولانی")
    assert need.title == "ترافیک میدان"  # normalised
    services.need_submit(need=need, by=staff)
    assert need.status == Need.Status.SUBMITTED and need.submitted_at


def test_only_unit_staff_of_the_city_submit_needs(city, other_city, manager, other_manager, citizen):
    for user in (manager, other_manager, citizen):
        with pytest.raises(PermissionDenied):
            services.need_save_draft(by=user, city=city, title="x")


def test_staff_cannot_file_a_need_for_another_unit(city, staff, other_unit_staff):
    other_unit = other_unit_staff.city_roles.get().unit
    with pytest.raises(PermissionDenied):
        services.need_save_draft(by=staff, city=city, title="x", unit=other_unit)


def test_submitted_need_cannot_be_changed(city, staff, unit):
    need = NeedFactory(city=city, unit=unit, submitted_by=staff)
    with pytest.raises(PermissionDenied):
        services.need_save_draft(by=staff, need=need, title="changed")


def test_citizen_report_goes_to_moderation(city, citizen, manager):
    need = services.need_save_draft(by=citizen, city=city, source=Need.Source.CITIZEN, title="چاله", description="d")
    services.need_submit(need=need, by=citizen)
    assert need.status == Need.Status.MODERATION and need.unit is None
    services.need_approve_report(need=need, by=manager)
    need.refresh_from_db()
    assert need.status == Need.Status.SUBMITTED
    assert Notification.objects.filter(user=citizen, kind="report_approved").exists()


# ---------------------------------------------------------------------------------- triage
def test_reject_needs_a_reason_and_tells_the_submitter(city, manager, staff, unit, django_capture_on_commit_callbacks):
    need = NeedFactory(city=city, unit=unit, submitted_by=staff)
    with pytest.raises(ValidationError):
        services.need_reject(need=need, by=manager, reason="  ")
    with django_capture_on_commit_callbacks(execute=True):
        services.need_reject(need=need, by=manager, reason="تکراری است")
    need.refresh_from_db()
    assert need.status == Need.Status.REJECTED
    note = Notification.objects.get(user=staff)
    assert "تکراری است" in note.text
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [staff.email]


@pytest.mark.parametrize("who", ["staff", "facilitator", "other_manager", "citizen"])
def test_only_the_city_manager_triages(request, city, unit, staff, who):
    user = request.getfixturevalue(who)
    need = NeedFactory(city=city, unit=unit, submitted_by=staff)
    for action in (
        lambda: services.need_accept(need=need, by=user),
        lambda: services.need_reject(need=need, by=user, reason="r"),
    ):
        with pytest.raises(PermissionDenied):
            action()
    need.refresh_from_db()
    assert need.status == Need.Status.SUBMITTED


def test_accept_creates_a_call_in_definition(city, manager, staff, unit):
    need = NeedFactory(city=city, unit=unit, submitted_by=staff, title="تفکیک پسماند")
    call = services.need_accept(need=need, by=manager)
    assert call.state == S.IN_DEFINITION and call.unit == unit and call.title == "تفکیک پسماند"
    assert call.canvas.background == need.description and call.canvas.pilot_unit == unit
    assert list(call.transitions.values_list("from_state", "to_state")) == [("", S.DRAFT), (S.DRAFT, S.IN_DEFINITION)]
    need.refresh_from_db()
    assert need.status == Need.Status.ACCEPTED
    with pytest.raises(TransitionRefused):
        services.need_accept(need=need, by=manager)


def test_merge_and_link(city, other_city, manager, staff, unit):
    target = NeedFactory(city=city, unit=unit, submitted_by=staff)
    duplicate = NeedFactory(city=city, unit=unit, submitted_by=staff)
    elsewhere = NeedFactory(city=other_city)
    with pytest.raises(ValidationError):
        services.need_merge(need=duplicate, into=elsewhere, by=manager)
    services.need_link(need=target, other=elsewhere, by=manager)
    assert elsewhere in target.related.all() and target in elsewhere.related.all()
    services.need_merge(need=duplicate, into=target, by=manager)
    duplicate.refresh_from_db()
    assert duplicate.status == Need.Status.MERGED and duplicate.merged_into == target
    assert Notification.objects.filter(user=staff, kind="need_merged").exists()


# ---------------------------------------------------------------------------------- canvas
def _canvas_update(call, by, version, **overrides):
    values = complete_canvas_values(pilot_unit=call.unit)
    values.update(overrides)
    return services.canvas_update(call=call, by=by, expected_version=version, **values)


def test_concurrent_canvas_edit_is_refused_not_overwritten(city, manager, staff, unit):
    call = CallFactory(city=city, unit=unit)
    _canvas_update(call, staff, 1, background="نسخه کارمند")
    with pytest.raises(CanvasConflict) as exc:
        _canvas_update(call, manager, 1, background="نسخه مدیر")
    assert exc.value.canvas.version == 2
    call.canvas.refresh_from_db()
    assert call.canvas.background == "نسخه کارمند"
    assert list(call.canvas.versions.values_list("number", flat=True)) == [2, 1]


def test_canvas_validation(city, manager, unit):
    call = CallFactory(city=city, unit=unit)
    with pytest.raises(ValidationError) as exc:
        _canvas_update(
            call,
            manager,
            1,
            budget_min_rial=10,
            budget_max_rial=5,
            criteria=[{"name": "a", "weight": 70}, {"name": "b", "weight": 20}],
            title=" ",
        )
    assert set(exc.value.message_dict) == {"budget_max", "criteria", "title"}
    call.canvas.refresh_from_db()
    assert call.canvas.version == 1


def test_facilitator_edits_only_the_assigned_canvas(city, manager, facilitator, unit):
    mine, other = CallFactory(city=city, unit=unit), CallFactory(city=city, unit=unit)
    with pytest.raises(PermissionDenied):
        _canvas_update(mine, facilitator, 1)
    services.call_assign_facilitator(call=mine, by=manager, user=facilitator)
    _canvas_update(mine, facilitator, 1)
    services.canvas_comment_add(call=mine, by=facilitator, body="KPI را دقیق‌تر کنید")
    with pytest.raises(PermissionDenied):
        _canvas_update(other, facilitator, 1)
    with pytest.raises(PermissionDenied):
        services.canvas_comment_add(call=other, by=facilitator, body="x")
    assert Notification.objects.filter(user=facilitator, kind="facilitator_assigned").count() == 1


def test_only_city_facilitators_can_be_assigned(city, manager, unit, other_city):
    stranger = user_with_role(CityRole.Role.FACILITATOR, other_city)
    with pytest.raises(ValidationError):
        services.call_assign_facilitator(call=CallFactory(city=city, unit=unit), by=manager, user=stranger)


# ---------------------------------------------------------------------------------- state machine
def _call_in(state, city, unit, **kwargs):
    complete = state != S.IN_DEFINITION or kwargs.pop("complete", True)
    defaults = {"closes_at": timezone.now() + datetime.timedelta(days=20)}
    defaults.update(kwargs)
    return CallFactory(city=city, unit=unit, state=state, complete=complete, **defaults)


ROLES = ["manager", "staff", "facilitator", "other_unit_staff", "other_manager", "citizen"]
# (from, to, roles allowed). Everything else is refused.
GRID = [
    (S.DRAFT, S.IN_DEFINITION, {"manager"}),
    (S.IN_DEFINITION, S.READY, {"manager", "staff", "facilitator"}),
    (S.READY, S.IN_DEFINITION, {"manager", "staff"}),
    (S.READY, S.PUBLISHED, {"manager"}),
    (S.PUBLISHED, S.CLOSED, {"manager"}),
    (S.CLOSED, S.IN_EVALUATION, {"manager"}),
    (S.IN_EVALUATION, S.RESULTS_PUBLISHED, {"manager"}),
    *[
        (src, S.CANCELLED, {"manager"})
        for src in (S.DRAFT, S.IN_DEFINITION, S.READY, S.PUBLISHED, S.CLOSED, S.IN_EVALUATION)
    ],
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("src", "dst", "allowed"), GRID, ids=[f"{a}->{b}" for a, b, _ in GRID])
def test_transition_grid(request, city, unit, role, src, dst, allowed):
    user = request.getfixturevalue(role)
    call = _call_in(src, city, unit)
    call.facilitators.add(request.getfixturevalue("facilitator"))
    if role == "staff":
        call.unit = request.getfixturevalue("staff").city_roles.get().unit
        call.save()
    if role in allowed:
        moved = services.call_transition(call=call, to=dst, by=user, note="دلیل")
        assert moved.state == dst
        last = CallTransition.objects.filter(call=call).last()
        assert (last.from_state, last.to_state, last.by) == (src, dst, user)
    else:
        with pytest.raises(PermissionDenied):
            services.call_transition(call=call, to=dst, by=user, note="دلیل")
        call.refresh_from_db()
        assert call.state == src


IMPOSSIBLE = [
    (S.DRAFT, S.PUBLISHED),
    (S.IN_DEFINITION, S.PUBLISHED),
    (S.PUBLISHED, S.READY),
    (S.CLOSED, S.PUBLISHED),
    (S.RESULTS_PUBLISHED, S.CANCELLED),
    (S.CANCELLED, S.PUBLISHED),
    (S.IN_EVALUATION, S.CLOSED),
]


@pytest.mark.parametrize(("src", "dst"), IMPOSSIBLE)
def test_impossible_transitions_are_refused_even_for_the_manager(city, unit, manager, src, dst):
    call = _call_in(src, city, unit)
    with pytest.raises(TransitionRefused):
        services.call_transition(call=call, to=dst, by=manager)
    call.refresh_from_db()
    assert call.state == src


def test_incomplete_canvas_cannot_be_ready_or_published(city, unit, manager):
    call = _call_in(S.IN_DEFINITION, city, unit, complete=False)
    with pytest.raises(TransitionRefused) as exc:
        services.call_transition(call=call, to=S.READY, by=manager)
    background = fa("Describe the background of the problem.")
    assert fa(
        "The canvas is incomplete: %(label)s — %(message)s",
        label=fa("Background", context="canvas section"),
        message=background,
    ) in (exc.value.reasons)
    Call.objects.filter(pk=call.pk).update(state=S.READY)  # e.g. made incomplete after "ready"
    with pytest.raises(TransitionRefused):
        services.call_transition(call=call, to=S.PUBLISHED, by=manager)


def test_publication_needs_a_future_deadline_and_invitees(city, unit, manager, org):
    call = _call_in(S.READY, city, unit, closes_at=None)
    with pytest.raises(TransitionRefused) as exc:
        services.call_transition(call=call, to=S.PUBLISHED, by=manager)
    assert exc.value.reasons == [fa("Set the closing date.")]
    Call.objects.filter(pk=call.pk).update(closes_at=timezone.now() + datetime.timedelta(days=3), call_type="invited")
    with pytest.raises(TransitionRefused) as exc:
        services.call_transition(call=call, to=S.PUBLISHED, by=manager)
    assert exc.value.reasons[0] == fa("An invited call needs at least one invited organization.")
    call.invited_organizations.add(org)
    member = OrganizationMembershipFactory(organization=org).user
    published = services.call_transition(call=call, to=S.PUBLISHED, by=manager)
    assert published.state == S.PUBLISHED and published.opens_at and published.published_at
    assert [c.weight for c in published.evaluation_criteria.all()] == [60, 40]
    assert Notification.objects.filter(user=member, kind="call_invited").exists()


def test_cancel_requires_reason_and_notifies_followers(
    city, unit, manager, citizen, django_capture_on_commit_callbacks
):
    call = _call_in(S.PUBLISHED, city, unit)
    CallFollow.objects.create(call=call, user=citizen)
    with pytest.raises(ValidationError):
        services.call_transition(call=call, to=S.CANCELLED, by=manager, note="")
    with django_capture_on_commit_callbacks(execute=True):
        services.call_transition(call=call, to=S.CANCELLED, by=manager, note="بودجه حذف شد")
    assert "بودجه حذف شد" in Notification.objects.get(user=citizen, kind="call_cancelled").text
    assert len(mail.outbox) == 1


# ---------------------------------------------------------------------------------- deadlines
def _tehran(*args):
    return datetime.datetime(*args, tzinfo=TEHRAN)


def test_deadline_around_midnight_tehran(city, unit, citizen):
    # Closing "at the end of 1404/09/15" = 23:59:59 Tehran = 20:29:59 UTC.
    closes = _tehran(2025, 12, 6, 23, 59, 59)
    call = _call_in(S.PUBLISHED, city, unit, opens_at=_tehran(2025, 11, 1), closes_at=closes)
    CallFollow.objects.create(call=call, user=citizen)
    just_before = _tehran(2025, 12, 6, 23, 59, 58)
    at_midnight = _tehran(2025, 12, 7, 0, 0, 0)
    assert call.is_open(just_before) and not call.is_due(just_before)
    assert services.call_close_due(now=just_before) == []
    # 00:00 Tehran is still 6 December in UTC (20:30): the deadline is judged in absolute time.
    assert at_midnight.astimezone(datetime.UTC).date() == datetime.date(2025, 12, 6)
    assert not call.is_open(at_midnight)
    closed = services.call_close_due(now=at_midnight)
    assert [c.pk for c in closed] == [call.pk]
    call.refresh_from_db()
    assert call.state == S.CLOSED and call.closed_at == at_midnight
    assert CallTransition.objects.filter(call=call, to_state=S.CLOSED, by=None).exists()
    assert Notification.objects.filter(user=citizen, kind="call_closed").exists()
    assert services.call_close_due(now=at_midnight) == []  # idempotent


def _due_call(city, unit):
    """A published call whose deadline passed a minute ago (not closed yet)."""
    return _call_in(
        S.PUBLISHED,
        city,
        unit,
        opens_at=timezone.now() - datetime.timedelta(days=9),
        closes_at=timezone.now() - datetime.timedelta(minutes=1),
    )


def test_periodic_task_closes_due_calls(city, unit):
    from hamafza.challenges.tasks import close_due_calls

    due = _due_call(city, unit)
    running = _call_in(S.PUBLISHED, city, unit)
    assert close_due_calls.delay().get() == 1
    due.refresh_from_db()
    running.refresh_from_db()
    assert (due.state, running.state) == (S.CLOSED, S.PUBLISHED)


def test_reading_a_due_call_writes_nothing_but_shows_it_closed(city, unit, manager, citizen, client):
    """Reads never write (ADR 0004, amendment): the page, the API and call_get show a due call
    closed, the row stays as it is until the periodic task or the next step closes it."""
    from hamafza.challenges.selectors import call_get

    due = _due_call(city, unit)
    CallFollow.objects.create(call=due, user=citizen)
    assert due.effective_state() == S.CLOSED
    assert call_get(pk=due.pk, user=citizen).state == S.CLOSED
    page = client.get(f"/en/challenges/{due.pk}/")
    api = client.get(f"/api/v1/calls/{due.pk}")
    assert page.status_code == 200 and api.status_code == 200
    assert api.json()["state"] == "closed"
    due.refresh_from_db()
    assert due.state == S.PUBLISHED and due.closed_at is None
    assert not CallTransition.objects.filter(call=due).exists()
    assert not Notification.objects.filter(kind="call_closed").exists()
    # The next step on the call writes the closing first, then takes the step from "closed".
    services.call_transition(call=due, to=S.IN_EVALUATION, by=manager)
    due.refresh_from_db()
    assert due.state == S.IN_EVALUATION
    assert list(CallTransition.objects.filter(call=due).values_list("to_state", "by")) == [
        (S.CLOSED, None),
        (S.IN_EVALUATION, manager.pk),
    ]
    assert Notification.objects.filter(user=citizen, kind="call_closed").exists()


def test_settings_of_a_due_call_are_refused(city, unit, manager):
    due = _due_call(city, unit)
    with pytest.raises(TransitionRefused):
        services.call_update_settings(call=due, by=manager, closes_at=timezone.now() + datetime.timedelta(days=3))
    due.refresh_from_db()
    assert due.closes_at < timezone.now()


def test_system_cannot_close_a_running_call(city, unit):
    with pytest.raises(PermissionDenied):
        services.call_transition(call=_call_in(S.PUBLISHED, city, unit), to=S.CLOSED, by=None)


def test_settings_after_publication_notify_followers(city, unit, manager, citizen):
    call = _call_in(S.PUBLISHED, city, unit)
    CallFollow.objects.create(call=call, user=citizen)
    with pytest.raises(ValidationError) as exc:
        services.call_update_settings(call=call, by=manager, closes_at=timezone.now() - datetime.timedelta(hours=1))
    assert "closes_at" in exc.value.message_dict
    services.call_update_settings(call=call, by=manager, closes_at=call.closes_at + datetime.timedelta(days=7))
    services.call_update_settings(call=call, by=manager, allowed_provinces=["Qom"])
    services.call_update_settings(call=call, by=manager, allowed_provinces=["Qom"])  # no change: no notice
    kinds = list(Notification.objects.filter(user=citizen).values_list("kind", flat=True))
    assert sorted(kinds) == ["call_deadline_changed", "call_eligibility_changed"]
    with pytest.raises(ValidationError):
        services.call_update_settings(call=call, by=manager, call_type="rfp")


def test_other_city_manager_cannot_change_settings(city, unit, other_manager):
    with pytest.raises(PermissionDenied):
        services.call_update_settings(call=_call_in(S.PUBLISHED, city, unit), by=other_manager, allowed_kinds=[])


# ---------------------------------------------------------------------------------- eligibility
def test_eligibility_reasons(city, unit):
    closes = _tehran(2026, 3, 1, 23, 59, 59)
    call = _call_in(
        S.PUBLISHED,
        city,
        unit,
        opens_at=_tehran(2026, 1, 1),
        closes_at=closes,
        allowed_provinces=["Qom", "Tehran"],
        knowledge_based_required=True,
        allowed_kinds=[OrganizationKind.KNOWLEDGE_BASED, OrganizationKind.STARTUP],
    )
    now = _tehran(2026, 2, 1)
    good = OrganizationFactory(
        province="Qom",
        kind=OrganizationKind.KNOWLEDGE_BASED,
        knowledge_based=True,
        certificate_valid_until=datetime.date(2026, 3, 1),
    )
    assert call_eligibility_for(call=call, organization=good, now=now) == (True, [])
    expiring = OrganizationFactory(
        province="Qom", knowledge_based=True, certificate_valid_until=datetime.date(2026, 2, 28)
    )
    ok, reasons = call_eligibility_for(call=call, organization=expiring, now=now)
    assert not ok and reasons == [
        fa("A knowledge-based certificate valid on the closing date (%(date)s) is required.", date="۱۰ اسفند ۱۴۰۴")
    ]
    far = OrganizationFactory(province="Fars", kind=OrganizationKind.UNIVERSITY)
    ok, reasons = call_eligibility_for(call=call, organization=far, now=now)
    assert not ok and len(reasons) == 3
    assert call_eligibility_for(call=call, organization=good, now=closes + datetime.timedelta(seconds=1))[0] is False
    eligible_calls.rebuild(now=now)
    assert set(eligible_calls.open_call_ids(organization_ids=[far.pk, good.pk], now=now)) == {call.pk}
    assert set(eligible_calls.open_call_ids(organization_ids=[far.pk], now=now)) == set()


def test_invited_call_only_for_invited(city, unit, org):
    call = _call_in(S.PUBLISHED, city, unit, call_type="invited", opens_at=timezone.now() - datetime.timedelta(1))
    ok, reasons = call_eligibility_for(call=call, organization=org)
    assert not ok and reasons[0] == fa("This call is by invitation only and your organization is not invited.")
    call.invited_organizations.add(org)
    call = Call.objects.get(pk=call.pk)
    assert call_eligibility_for(call=call, organization=org) == (True, [])


# ---------------------------------------------------------------------------------- Q&A, follow
def test_questions_only_from_org_members_on_open_calls(city, unit, manager, member, citizen):
    call = PublishedCallFactory(city=city, unit=unit)
    with pytest.raises(PermissionDenied):
        services.question_ask(call=call, by=citizen, question="?")
    question = services.question_ask(call=call, by=member, question="مهلت تمدید می‌شود؟")
    assert not question.is_published
    with pytest.raises(PermissionDenied):
        services.question_answer(question=question, by=member, answer="x")
    services.question_answer(question=question, by=manager, answer="خیر")
    question.refresh_from_db()
    assert question.is_published and question.answered_by == manager
    assert Notification.objects.filter(user=member, kind="question_answered").count() == 1
    closed = CallFactory(city=city, unit=unit, state=S.CLOSED)
    with pytest.raises(PermissionDenied):
        services.question_ask(call=closed, by=member, question="?")


def test_follow_only_public_calls(city, unit, citizen):
    with pytest.raises(PermissionDenied):
        services.call_follow(call=CallFactory(city=city, unit=unit), by=citizen)
    call = PublishedCallFactory(city=city, unit=unit)
    services.call_follow(call=call, by=citizen)
    services.call_follow(call=call, by=citizen)
    assert call.follows.count() == 1
    services.call_follow(call=call, by=citizen, follow=False)
    assert call.follows.count() == 0


def test_preferences_switch_off_email(city, unit, manager, staff, django_capture_on_commit_callbacks):
    services.notification_preferences_update(user=staff, preferences={"need_rejected": (True, False)})
    need = NeedFactory(city=city, unit=unit, submitted_by=staff)
    with django_capture_on_commit_callbacks(execute=True):
        services.need_reject(need=need, by=manager, reason="r")
    assert Notification.objects.filter(user=staff).count() == 1 and mail.outbox == []
    services.notification_preferences_update(user=staff, preferences={"need_rejected": (False, False)})
    services.need_reject(need=NeedFactory(city=city, unit=unit, submitted_by=staff), by=manager, reason="r")
    assert Notification.objects.filter(user=staff).count() == 1


def test_email_is_in_the_users_language(city, unit, manager, django_capture_on_commit_callbacks):
    english = UserFactory(preferred_language="en")
    with django_capture_on_commit_callbacks(execute=True):
        services.need_reject(need=NeedFactory(city=city, unit=unit, submitted_by=english), by=manager, reason="dup")
    assert mail.outbox[0].subject.startswith("Hamafza:")
