"""Programs and cohorts (stages through one transition service, mentors, milestones, registering a
graduated team) and pitches (line-up, results, invitation to a call, judging by the call's panel)."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from hamafza.accounts.tests.factories import UserFactory
from hamafza.challenges.models import CallType, Notification
from hamafza.challenges.tests.factories import PublishedCallFactory
from hamafza.directory.models import OrganizationMembership
from hamafza.directory.tests.factories import OrganizationFactory, OrganizationMembershipFactory, PersonFactory
from hamafza.programs import services
from hamafza.programs.models import Application, ApplicationTransition, Program
from hamafza.proposals.tests.factories import ProposalFactory

pytestmark = pytest.mark.django_db


def test_program_needs_an_organization_of_that_kind(world):
    with pytest.raises(services.Refused):
        services.program_create(
            organization=world.incubator, kind=Program.Kind.ACCELERATION, name="x", by=world.incubator_admin
        )
    with pytest.raises(PermissionDenied):
        services.program_create(organization=world.incubator, kind="incubation", name="x", by=world.stranger)
    program = services.program_create(
        organization=world.incubator, kind="incubation", name="دوره رشد ۱۴۰۵", by=world.incubator_admin
    )
    assert program.name == "دوره رشد ۱۴۰۵"


def test_individuals_apply_move_through_stages_with_audit_and_register_as_organization(world):
    innovator = UserFactory()
    person = PersonFactory(user=innovator, name="سارا رضایی")
    application = services.application_submit(
        cohort=world.cohort,
        by=innovator,
        team_name="تیم آب‌یار",
        team="سارا رضایی",
        idea="پایش نشت آب",
        stage="idea",
        members=[person],
    )
    admin = world.incubator_admin
    with pytest.raises(PermissionDenied):
        services.application_transition(application=application, to="interview", by=innovator)
    with pytest.raises(services.Refused):
        services.application_transition(application=application, to="admitted", by=admin)
    services.application_transition(application=application, to="interview", by=admin)
    services.application_transition(application=application, to="admitted", by=admin)

    mentor = UserFactory()
    services.mentor_assign(application=application, by=admin, user=mentor)
    milestone = services.milestone_add(
        application=application,
        title="نمونه اولیه",
        due_on=timezone.localdate() + datetime.timedelta(days=30),
        by=admin,
    )
    with pytest.raises(PermissionDenied):
        services.milestone_sign_off(milestone=milestone, by=innovator)
    services.milestone_sign_off(milestone=milestone, by=mentor, note="خوب")
    with pytest.raises(services.Refused):
        services.milestone_sign_off(milestone=milestone, by=mentor)

    services.application_transition(application=application, to="graduated", by=admin)
    org = services.application_register_organization(
        application=application, by=innovator, name="آب‌یار", province="Qom", city_name="قم"
    )
    application.refresh_from_db()
    assert application.registered_organization == org
    assert OrganizationMembership.objects.filter(organization=org, user=innovator, role="admin").exists()
    assert list(ApplicationTransition.objects.filter(application=application).values_list("to_state", flat=True)) == [
        "applied",
        "interview",
        "admitted",
        "graduated",
    ]
    assert Notification.objects.filter(user=innovator, kind="application_state").count() == 3


def test_decline_and_drop_need_a_reason(world):
    application = services.application_submit(
        cohort=world.cohort,
        by=world.founder,
        organization=world.startup,
        team_name="t",
        team="t",
        idea="i",
        stage="mvp",
    )
    with pytest.raises(services.Refused):
        services.application_transition(application=application, to="declined", by=world.incubator_admin)
    services.application_transition(
        application=application, to="declined", by=world.incubator_admin, reason="خارج از حوزه"
    )
    application.refresh_from_db()
    assert application.state == Application.State.DECLINED and application.state_reason == "خارج از حوزه"
    with pytest.raises(services.Refused):  # a declined organization's application is closed; it may apply again
        services.application_transition(application=application, to="interview", by=world.incubator_admin)
    services.application_submit(
        cohort=world.cohort,
        by=world.founder,
        organization=world.startup,
        team_name="t",
        team="t",
        idea="i",
        stage="mvp",
    )
    with pytest.raises(services.Refused):
        services.application_submit(
            cohort=world.cohort,
            by=world.founder,
            organization=world.startup,
            team_name="t",
            team="t",
            idea="i",
            stage="mvp",
        )


def test_pitch_lineup_results_and_invitation_to_a_call(world):
    event = world.event
    event.kind, event.pitches_open = "pitch_day", True
    event.save()
    call = PublishedCallFactory(city=world.city, call_type=CallType.INVITED)
    call.invited_organizations.add(OrganizationFactory())
    event.calls.add(call)
    pitch = services.pitch_apply(event=event, organization=world.startup, by=world.founder, title="پایش هوشمند")
    with pytest.raises(services.Refused):
        services.pitch_apply(event=event, organization=world.startup, by=world.founder, title="again")
    with pytest.raises(PermissionDenied):
        services.pitch_apply(event=event, organization=world.startup, by=world.stranger, title="x")
    with pytest.raises(services.Refused):
        services.pitch_results_publish(event=event, by=world.manager)
    with pytest.raises(PermissionDenied):
        services.pitch_transition(pitch=pitch, to="selected", by=world.founder)
    services.pitch_transition(pitch=pitch, to="selected", by=world.manager)
    pitch.refresh_from_db()
    assert pitch.slot == 1
    services.pitch_invite_to_call(pitch=pitch, call=call, by=world.manager)
    assert call.invited_organizations.filter(pk=world.startup.pk).exists()
    assert Notification.objects.filter(user=world.founder, kind="call_invited").exists()
    services.pitch_results_publish(event=event, by=world.manager)
    with pytest.raises(services.Refused):
        services.pitch_transition(pitch=pitch, to="not_selected", by=world.manager)


def test_invited_only_pitch_days(world):
    event = world.event
    event.pitches_open, event.pitch_invited_only = True, True
    event.save()
    call = PublishedCallFactory(city=world.city, call_type=CallType.INVITED)
    event.calls.add(call)
    with pytest.raises(services.Refused, match="فراخوان پیوسته"):
        services.pitch_apply(event=event, organization=world.startup, by=world.founder, title="x")
    call.invited_organizations.add(world.startup)
    assert services.pitch_apply(event=event, organization=world.startup, by=world.founder, title="x").pk


def test_pitch_is_judged_as_the_submitted_proposal_to_the_linked_call(world):
    event = world.event
    event.pitches_open = True
    event.save()
    call = PublishedCallFactory(city=world.city)
    event.calls.add(call)
    member = UserFactory()
    OrganizationMembershipFactory(organization=world.startup, user=member)
    proposal = ProposalFactory(call=call, organization=world.startup, status="submitted")
    pitch = services.pitch_apply(event=event, organization=world.startup, by=member, title="x")
    assert pitch.proposal == proposal
