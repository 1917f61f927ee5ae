"""The pilot and agreement workflows through their services: start, plan, run, measure, review,
pay, report, complete; agreements through their statuses; every state change audited."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from hamafza.challenges.models import Notification
from hamafza.consortia.tests.factories import ConsortiumFactory, ConsortiumMemberFactory
from hamafza.matching.models import IndexChange
from hamafza.pilots import selectors, services
from hamafza.pilots.models import Agreement, AgreementParty, Milestone, Pilot, PilotParty
from hamafza.pilots.tests.factories import AwardedProposalFactory
from hamafza.proposals.models import Proposal
from hamafza.proposals.tests.factories import pdf_bytes

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


@pytest.fixture(autouse=True)
def _english():
    """The refusals are matched on their English text."""
    from django.utils import translation

    with translation.override("en"):
        yield


def test_start_copies_applicant_kpi_and_unit_and_audits(world):
    pilot = world.pilot
    assert pilot.unit == world.proposal.call.canvas.pilot_unit
    assert [(p.organization, p.role) for p in pilot.parties.all()] == [(world.org, PilotParty.Role.LEAD)]
    kpi = world.kpi
    canvas = world.proposal.call.canvas
    assert (kpi.name, kpi.unit, kpi.baseline, kpi.target) == (
        canvas.kpi_name,
        canvas.kpi_unit,
        canvas.baseline_value,
        canvas.target_value,
    )
    assert [(t.from_state, t.to_state) for t in pilot.transitions.all()] == [("", "planned"), ("planned", "running")]
    assert pilot.transitions.last().by == world.manager
    assert Notification.objects.filter(user=world.company, kind="pilot_started").exists()


def test_only_awarded_proposals_and_only_once(world):
    with pytest.raises(services.Refused):
        services.pilot_start(proposal=world.proposal, by=world.manager)
    pending = AwardedProposalFactory(call=world.proposal.call, decision=Proposal.Decision.PENDING)
    with pytest.raises(services.Refused, match="awarded"):
        services.pilot_start(proposal=pending, by=world.manager)
    other = AwardedProposalFactory(call=world.proposal.call)
    with pytest.raises(PermissionDenied):
        services.pilot_start(proposal=other, by=world.other_manager)
    with pytest.raises(PermissionDenied):
        services.pilot_start(proposal=other, by=world.company)


def test_consortium_members_become_parties_with_roles(world):
    proposal = AwardedProposalFactory(call=world.proposal.call)
    consortium = ConsortiumFactory(call=proposal.call, lead=proposal.organization, proposal=proposal)
    member = ConsortiumMemberFactory(consortium=consortium)
    ConsortiumMemberFactory(consortium=consortium, organization=proposal.organization)
    pilot = services.pilot_start(proposal=proposal, by=world.manager)
    parties = {p.organization_id: p for p in pilot.parties.all()}
    assert parties[proposal.organization_id].role == PilotParty.Role.LEAD
    assert parties[member.organization_id].role == PilotParty.Role.MEMBER
    assert parties[member.organization_id].role_name == member.role.name
    services.party_update(party=parties[member.organization_id], by=world.manager, share_percent=Decimal(40))
    with pytest.raises(Exception, match="100"):
        services.party_update(party=parties[proposal.organization_id], by=world.manager, share_percent=Decimal(70))


def test_running_needs_dates_and_kpis(world):
    proposal = AwardedProposalFactory(call=world.proposal.call)
    pilot = services.pilot_start(proposal=proposal, by=world.manager)
    with pytest.raises(services.Refused, match="start and end dates"):
        services.pilot_transition(pilot=pilot, to_state="running", by=world.manager)


def test_illegal_transitions_and_stop_needs_reason(world):
    with pytest.raises(services.Refused):
        services.pilot_transition(pilot=world.pilot, to_state="planned", by=world.manager)
    with pytest.raises(services.Refused, match="reason"):
        services.pilot_transition(pilot=world.pilot, to_state="stopped", by=world.manager)
    with pytest.raises(services.Refused, match="final report"):
        services.pilot_transition(pilot=world.pilot, to_state="completed", by=world.manager)
    with pytest.raises(PermissionDenied):
        services.pilot_transition(pilot=world.pilot, to_state="paused", by=world.host_staff)
    pilot = services.pilot_transition(pilot=world.pilot, to_state="stopped", by=world.manager, reason="No sensors")
    assert pilot.stop_reason == "No sensors" and pilot.stopped_at
    assert pilot.transitions.last().reason == "No sensors"


def test_measurements_rules(world):
    with pytest.raises(services.Refused, match="future"):
        services.measurement_record(
            kpi=world.kpi, by=world.company, value=3, measured_on=TODAY() + datetime.timedelta(days=1)
        )
    with pytest.raises(PermissionDenied):
        services.measurement_record(kpi=world.kpi, by=world.competitor, value=3, measured_on=TODAY())
    with pytest.raises(PermissionDenied):
        services.measurement_record(kpi=world.kpi, by=world.colleague_staff, value=3, measured_on=TODAY())
    m = services.measurement_record(kpi=world.kpi, by=world.company, value=Decimal("12.5"), measured_on=TODAY())
    assert m.history.count() == 1


def test_milestone_submit_return_accept(world):
    ms = services.milestone_submit(milestone=world.milestone, by=world.company)
    assert ms.status == Milestone.Status.SUBMITTED
    assert Notification.objects.filter(user=world.host_staff, kind="milestone_submitted").exists()
    with pytest.raises(services.Refused, match="reason"):
        services.milestone_review(milestone=ms, by=world.host_staff, accept=False)
    with pytest.raises(PermissionDenied):
        services.milestone_review(milestone=ms, by=world.company, accept=True)
    ms = services.milestone_review(milestone=ms, by=world.host_staff, accept=False, reason="Photos missing")
    assert ms.status == Milestone.Status.RETURNED
    assert Notification.objects.filter(user=world.company, kind="milestone_returned").exists()
    ms = services.milestone_submit(milestone=ms, by=world.company)
    ms = services.milestone_review(milestone=ms, by=world.host_staff, accept=True)
    assert ms.status == Milestone.Status.ACCEPTED and ms.decided_by == world.host_staff


def test_payments_planned_within_budget_and_paid_after_acceptance(world):
    with pytest.raises(services.Refused, match="exceed"):
        services.payment_save(pilot=world.pilot, by=world.manager, planned_rial=4_000_000_000)
    with pytest.raises(services.Refused, match="accepted"):
        services.payment_save(
            pilot=world.pilot,
            by=world.manager,
            payment=world.payment,
            planned_rial=world.payment.planned_rial,
            milestone=world.milestone,
            paid_rial=1_000_000_000,
            paid_on=TODAY(),
        )
    services.milestone_review(milestone=world.milestone, by=world.host_staff, accept=True)
    payment = services.payment_save(
        pilot=world.pilot,
        by=world.manager,
        payment=world.payment,
        planned_rial=world.payment.planned_rial,
        milestone=world.milestone,
        paid_rial=1_000_000_000,
        paid_on=TODAY(),
    )
    assert selectors.payment_totals([payment]) == {"planned": 1_234_567_000, "paid": 1_000_000_000}


def test_file_upload_is_content_checked(world):
    from django.core.exceptions import ValidationError
    from django.core.files.uploadedfile import SimpleUploadedFile

    f = services.pilot_file_add(
        pilot=world.pilot, by=world.company, upload=SimpleUploadedFile("report.pdf.exe", pdf_bytes()), title="Report"
    )
    assert (f.original_name, f.content_kind) == ("report.pdf", "pdf")
    with pytest.raises(ValidationError):
        services.pilot_file_add(
            pilot=world.pilot, by=world.company, upload=SimpleUploadedFile("x.pdf", b"MZ\x90\x00evil")
        )


def complete(world):
    services.measurement_record(kpi=world.kpi, by=world.host_staff, value=27, measured_on=TODAY())
    report = services.final_report_save(
        pilot=world.pilot, by=world.host_staff, outcome="Sorting rose.", recommendation="scale_up", lessons="Lessons"
    )
    services.final_report_approve(pilot=world.pilot, by=world.manager)
    return report, services.pilot_transition(pilot=world.pilot, to_state="completed", by=world.manager)


def test_final_report_then_completion_logs_track_record(world):
    before = IndexChange.objects.filter(organization_id=world.org.pk).count()
    report, pilot = complete(world)
    line = report.lines.get()
    assert (line.baseline, line.target, line.achieved) == (Decimal("8"), Decimal("25"), Decimal("27"))
    assert line.target_met is True
    assert pilot.state == Pilot.State.COMPLETED and pilot.completed_at
    assert IndexChange.objects.filter(organization_id=world.org.pk).count() == before + 1
    with pytest.raises(services.Refused):
        services.final_report_save(pilot=pilot, by=world.manager, outcome="x", recommendation="stop")
    assert selectors.track_record_counts([world.org.pk])[world.org.pk]["pilots"] == 1
    assert selectors.pilot_outcome(selectors.pilot_public_get(pk=pilot.pk))[0]["met"] is True


def test_scale_up_agreement_and_its_statuses(world):
    _report, pilot = complete(world)
    agreement = services.agreement_from_pilot(pilot=pilot, by=world.manager)
    kinds = sorted(p.kind for p in agreement.parties.all())
    assert kinds == ["city", "organization", "unit"]
    assert agreement.pilot == pilot and agreement.call == pilot.call and agreement.status == "draft"
    with pytest.raises(services.Refused, match="signing date"):
        services.agreement_transition(agreement=agreement, to_state="signed", by=world.manager)
    services.agreement_update(
        agreement=agreement, by=world.manager, signed_on=TODAY(), value_rial=10, value_public=True
    )
    services.agreement_transition(agreement=agreement, to_state="signed", by=world.manager)
    services.agreement_transition(agreement=agreement, to_state="active", by=world.manager)
    with pytest.raises(services.Refused, match="reason"):
        services.agreement_transition(agreement=agreement, to_state="terminated", by=world.manager)
    agreement = services.agreement_transition(agreement=agreement, to_state="completed", by=world.manager)
    assert [t.to_state for t in agreement.transitions.all()] == ["draft", "signed", "active", "completed"]
    assert selectors.track_record_counts([world.org.pk])[world.org.pk] == {"pilots": 1, "agreements": 1}
    assert Notification.objects.filter(user=world.company, kind="agreement_state").exists()


def test_standalone_mou_with_a_university_and_other_body(world):
    agreement = services.agreement_create(
        city=world.city,
        by=world.manager,
        title="MoU at the technology event",
        kind=Agreement.Kind.MOU,
        parties=[
            {"kind": AgreementParty.Kind.UNIVERSITY, "name": "University of Qom"},
            {"kind": AgreementParty.Kind.OTHER, "name": "Science park", "body_kind": "science park"},
        ],
    )
    assert agreement.parties.count() == 3
    party = agreement.parties.get(kind="university")
    services.obligation_save(agreement=agreement, by=world.manager, party=party, description="Host two interns")
    with pytest.raises(PermissionDenied):
        services.agreement_create(city=world.city, by=world.company, title="x", kind="mou")


def test_reminders_once_each(world):
    Milestone.objects.create(pilot=world.pilot, title="Late", due_date=TODAY() - datetime.timedelta(days=2))
    sent = services.send_reminders()
    assert sent["due_soon"] == 1 and sent["overdue"] == 1
    assert services.send_reminders() == {"due_soon": 0, "overdue": 0, "kpi": 0}
    assert Notification.objects.filter(user=world.company, kind="milestone_overdue").count() == 1
    assert Notification.objects.filter(user=world.host_staff, kind="milestone_due_soon").count() == 1


def test_kpi_measurement_due_reminder(world):
    world.kpi.measure_every_days = 3
    world.kpi.save()
    assert services.send_reminders()["kpi"] == 1
    assert services.send_reminders()["kpi"] == 0
    services.measurement_record(kpi=world.kpi, by=world.company, value=1, measured_on=TODAY())
    assert services.send_reminders()["kpi"] == 0
