"""The pages of the workflow with real requests: starting a pilot from an award, bad input kept
with a 400, refused steps with a 409, the public summary once completed, agreements."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from hamafza.pilots.models import Agreement, Milestone, Pilot
from hamafza.pilots.tests.factories import AwardedProposalFactory
from hamafza.proposals.tests.factories import pdf_bytes

pytestmark = pytest.mark.django_db


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def jalali(date: datetime.date) -> str:
    import jdatetime

    j = jdatetime.date.fromgregorian(date=date)
    return f"{j.year}/{j.month:02d}/{j.day:02d}"


def test_manager_starts_a_pilot_from_an_award(world):
    proposal = AwardedProposalFactory(call=world.proposal.call, title="Second winner")
    manager = login(world.manager)
    listing = manager.get("/fa/pilots/").content.decode()
    assert "Second winner" in listing and f"/fa/pilots/start/{proposal.pk}/" in listing
    assert login(world.company).get(f"/fa/pilots/start/{proposal.pk}/").status_code == 404
    form = manager.get(f"/fa/pilots/start/{proposal.pk}/")
    assert form.status_code == 200
    response = manager.post(f"/fa/pilots/start/{proposal.pk}/", {"unit": proposal.call.unit_id, "title": "آزمایش دوم"})
    pilot = Pilot.objects.get(proposal=proposal)
    assert response.status_code == 302 and response.url == f"/fa/pilots/{pilot.pk}/"
    assert pilot.title == "آزمایش دوم" and pilot.state == "planned"
    again = manager.post(f"/fa/pilots/start/{proposal.pk}/", {"unit": proposal.call.unit_id})
    assert again.status_code == 409


def test_plan_with_jalali_dates_and_bad_input_kept(world):
    manager = login(world.manager)
    url = f"/fa/pilots/{world.pilot.pk}/plan/"
    bad = manager.post(url, {"title": "x", "unit": world.pilot.unit_id, "start_date": "1404/13/40"})
    assert bad.status_code == 400 and "1404/13/40" in bad.content.decode()
    start = timezone.localdate()
    ok = manager.post(
        url,
        {
            "title": "Plan",
            "unit": world.pilot.unit_id,
            "start_date": jalali(start),
            "end_date": jalali(start + datetime.timedelta(days=90)),
            "approved_budget_rial": "۶٬۰۰۰٬۰۰۰٬۰۰۰",
        },
    )
    assert ok.status_code == 302
    world.pilot.refresh_from_db()
    assert world.pilot.start_date == start and world.pilot.approved_budget_rial == 6_000_000_000
    assert login(world.host_staff).get(url).status_code == 403


def test_measurement_form_and_chart_data(world):
    staff = login(world.host_staff)
    url = f"/fa/pilots/{world.pilot.pk}/kpis/{world.kpi.pk}/measurements/"
    bad = staff.post(url, {"value": "abc", "measured_on": jalali(timezone.localdate())})
    assert bad.status_code == 400
    future = staff.post(url, {"value": "12", "measured_on": jalali(timezone.localdate() + datetime.timedelta(days=3))})
    assert future.status_code == 409
    ok = staff.post(url, {"value": "۱۴٫۵", "measured_on": jalali(timezone.localdate()), "note": "هفته دوم"})
    assert ok.status_code == 302
    page = staff.get(f"/fa/pilots/{world.pilot.pk}/").content.decode()
    assert 'id="kpi-chart-data"' in page and "14.5" in page  # the chart's JSON
    assert "۱۴٫۵۰" in page  # the accessible table, Persian digits
    assert "vendor/chartjs/chart.umd.min.js" in page
    competitor = login(world.competitor)
    assert competitor.post(url, {"value": "1", "measured_on": jalali(timezone.localdate())}).status_code == 404


def test_milestone_review_through_pages(world):
    login(world.company).post(f"/fa/pilots/{world.pilot.pk}/milestones/{world.milestone.pk}/submit/")
    staff = login(world.host_staff)
    url = f"/fa/pilots/{world.pilot.pk}/milestones/{world.milestone.pk}/review/"
    assert staff.post(url, {"decision": "return"}).status_code == 409  # a reason is required
    assert staff.post(url, {"decision": "accept"}).status_code == 302
    world.milestone.refresh_from_db()
    assert world.milestone.status == Milestone.Status.ACCEPTED


def test_file_upload_page_refuses_wrong_content(world):
    company = login(world.company)
    url = f"/fa/pilots/{world.pilot.pk}/files/"
    bad = company.post(url, {"purpose": "evidence", "file": SimpleUploadedFile("a.pdf", b"MZ not a pdf")})
    assert bad.status_code == 400
    upload = SimpleUploadedFile("r.pdf", pdf_bytes())
    ok = company.post(url, {"purpose": "deliverable", "title": "گزارش", "file": upload})
    assert ok.status_code == 302
    assert world.pilot.files.filter(purpose="deliverable").exists()


def test_report_complete_summary_and_scale_up(world):
    manager = login(world.manager)
    staff = login(world.host_staff)
    report_url = f"/fa/pilots/{world.pilot.pk}/report/"
    assert staff.get(report_url).status_code == 200
    response = staff.post(
        report_url,
        {"outcome": "نرخ تفکیک بالا رفت", "recommendation": "scale_up", f"achieved_{world.kpi.pk}": "۲۶"},
    )
    assert response.status_code == 302
    assert staff.post(f"/fa/pilots/{world.pilot.pk}/report/approve/").status_code == 403
    assert manager.post(f"/fa/pilots/{world.pilot.pk}/report/approve/").status_code == 302
    assert manager.post(f"/fa/pilots/{world.pilot.pk}/transition/", {"to_state": "completed"}).status_code == 302
    summary = Client().get(f"/fa/pilots/{world.pilot.pk}/summary/")
    text = summary.content.decode()
    assert summary.status_code == 200 and "نرخ تفکیک بالا رفت" in text and "۲۶" in text
    assert "weights-secret.pdf" not in text and "۱٬۲۳۴٬۵۶۷٬۰۰۰" not in text and "۵٬۰۰۰٬۰۰۰٬۰۰۰" not in text
    response = manager.post(f"/fa/pilots/{world.pilot.pk}/scale-up/", {"kind": "cooperation"})
    agreement = Agreement.objects.get(pilot=world.pilot)
    assert response.status_code == 302 and response.url == f"/fa/agreements/{agreement.pk}/"
    assert agreement.parties.filter(organization=world.org).exists()


def test_stop_needs_a_reason_on_the_page(world):
    manager = login(world.manager)
    url = f"/fa/pilots/{world.pilot.pk}/transition/"
    refused = manager.post(url, {"to_state": "stopped"})
    assert refused.status_code == 409
    assert manager.post(url, {"to_state": "bogus"}).status_code == 400
    assert manager.post(url, {"to_state": "stopped", "reason": "بودجه قطع شد"}).status_code == 302
    world.pilot.refresh_from_db()
    assert world.pilot.state == "stopped" and world.pilot.stop_reason == "بودجه قطع شد"


def test_agreement_pages_standalone_mou(world):
    manager = login(world.manager)
    response = manager.post(
        f"/fa/c/{world.city.slug}/agreements/new/",
        {"title": "تفاهم‌نامه با دانشگاه", "kind": "mou", "signed_on": jalali(timezone.localdate()), "value_rial": ""},
    )
    agreement = Agreement.objects.get(title="تفاهم‌نامه با دانشگاه")
    assert response.status_code == 302
    url = f"/fa/agreements/{agreement.pk}/"
    assert manager.post(url + "parties/", {"kind": "organization", "organization": "no-such-slug"}).status_code == 400
    assert manager.post(url + "parties/", {"kind": "university", "name": "دانشگاه قم"}).status_code == 302
    assert manager.post(url + "transition/", {"to_state": "signed"}).status_code == 302
    agreement.refresh_from_db()
    assert agreement.status == "signed"
    doc = manager.post(url + "documents/", {"file": SimpleUploadedFile("s.pdf", pdf_bytes())})
    assert doc.status_code == 302
    register = Client().get(f"/fa/c/{world.city.slug}/agreements/").content.decode()
    assert "تفاهم‌نامه با دانشگاه" in register and "دانشگاه قم" in register
    assert login(world.company).post(url + "transition/", {"to_state": "active"}).status_code == 403


def test_bad_query_parameters_are_400(world):
    manager = login(world.manager)
    assert manager.get("/fa/pilots/?state=bogus").status_code == 400
    assert manager.get("/fa/pilots/?page=abc").status_code == 400
    assert manager.get("/fa/pilots/?page=99").status_code == 404
    assert Client().get(f"/fa/c/{world.city.slug}/agreements/?kind=x").status_code == 400
