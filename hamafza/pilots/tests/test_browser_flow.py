"""The whole path in a real browser, in Persian (Debian's Chromium through Playwright), offline:
the manager awards a proposal and starts a pilot from it, plans it with Jalali dates and runs it;
the host unit's staff record KPI measurements and accept the milestone the company submitted; the
final report is written and approved, the pilot completed and scaled up into an agreement that is
signed; the organization's public profile then shows the track record. Every request must stay on
127.0.0.1; screenshots go to var/screenshots/."""

import datetime
import os

import pytest

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # the factories touch the database from this thread

import jdatetime  # noqa: E402
from django.utils import timezone  # noqa: E402

from hamafza.accounts.models import CityRole  # noqa: E402
from hamafza.accounts.tests.factories import user_with_role  # noqa: E402
from hamafza.challenges.tests.factories import CallFactory  # noqa: E402
from hamafza.directory.tests.factories import OrganizationFactory, OrganizationMembershipFactory  # noqa: E402
from hamafza.pilots.models import Agreement, Milestone, Pilot  # noqa: E402
from hamafza.proposals.models import Panel, Proposal  # noqa: E402
from hamafza.proposals.tests.factories import PanelFactory, ProposalFactory  # noqa: E402

pytestmark = pytest.mark.browser


def _jalali(day: datetime.date) -> str:
    j = jdatetime.date.fromgregorian(date=day)
    return f"{j.year}/{j.month:02d}/{j.day:02d}"


def _type_date(page, selector, day):
    page.fill(selector, _jalali(day))
    page.keyboard.press("Escape")  # close the date picker


def _post(page, form_selector):
    with page.expect_navigation():
        page.locator(f"{form_selector} button").first.click()


def test_award_to_pilot_to_agreement_to_track_record(page, transactional_db, city, tmp_path, settings):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.MATCHING_INDEX_DIR = tmp_path / "index"
    today = timezone.localdate()
    manager = user_with_role(CityRole.Role.INNOVATION_MANAGER, city)
    call = CallFactory(city=city, state="in_evaluation", complete=True, title="فراخوان تفکیک پسماند")
    staff = user_with_role(CityRole.Role.UNIT_STAFF, city, unit=call.unit)
    org = OrganizationFactory(name="بازیار", name_en="Baziar", slug="baziar")
    company = OrganizationMembershipFactory(organization=org, role="admin").user
    proposal = ProposalFactory(call=call, organization=org, title="ایستگاه تحویل پسماند خشک")
    PanelFactory(call=call, status=Panel.Status.CLOSED)

    # Award: the manager records the decision on the proposal.
    page.sign_in(manager)
    page.goto(f"{page.base}/fa/proposals/{proposal.pk}/")
    form = f"form[action$='/proposals/{proposal.pk}/decide/']"
    page.select_option(f"{form} select[name=decision]", "awarded")
    page.fill(f"{form} textarea[name=reason]", "بهترین طرح بومی")
    _post(page, form)
    assert Proposal.objects.get(pk=proposal.pk).decision == "awarded"

    # Pilot: started from the award, planned with Jalali dates, then running.
    page.goto(f"{page.base}/fa/pilots/")
    assert "شروع پایلوت" in page.content() or f"/pilots/start/{proposal.pk}/" in page.content()
    page.click(f"a[href$='/pilots/start/{proposal.pk}/']")
    page.wait_for_load_state()
    _post(page, "main form")
    pilot = Pilot.objects.get(proposal=proposal)
    assert page.url.endswith(f"/fa/pilots/{pilot.pk}/")
    page.goto(f"{page.base}/fa/pilots/{pilot.pk}/plan/")
    _type_date(page, "#id_start_date", today - datetime.timedelta(days=30))
    _type_date(page, "#id_end_date", today + datetime.timedelta(days=90))
    page.fill("#id_approved_budget_rial", "۵۰۰۰۰۰۰۰۰۰")
    _post(page, "main form.card")
    page.fill("#milestones form input[name=title]", "نصب ایستگاه‌ها")
    _type_date(page, "#milestones form input[name=due_date]", today)
    _post(page, "#milestones form.card")
    page.select_option("#to_state", "running")
    _post(page, "#actions form")
    assert Pilot.objects.get(pk=pilot.pk).state == "running"
    assert "در حال اجرا" in page.inner_text("#pilot-state")
    milestone = Milestone.objects.get(pilot=pilot)

    # The company submits the milestone.
    page.sign_in(company)
    page.goto(f"{page.base}/fa/pilots/{pilot.pk}/")
    _post(page, f"#milestone-{milestone.pk} form[action$='/submit/']")

    # Measurements by the host unit's staff (shown as a chart and as a table in Persian digits),
    # and the milestone accepted.
    page.sign_in(staff)
    page.goto(f"{page.base}/fa/pilots/{pilot.pk}/")
    kpi = pilot.kpis.get()
    for days_ago, value in ((20, "۱۲"), (10, "۱۸"), (0, "۲۶")):
        page.fill(f"#value-{kpi.pk}", value)
        _type_date(page, f"#measured-{kpi.pk}", today - datetime.timedelta(days=days_ago))
        _post(page, f"#kpi-{kpi.pk} form")
    assert kpi.measurements.count() == 3
    assert "۲۶" in page.inner_text(f"#kpi-table-{kpi.pk}")
    assert page.evaluate(f"!!Chart.getChart(document.getElementById('kpi-chart-{kpi.pk}'))")
    page.shot("pilots-1-running")
    _post(page, f"#milestone-{milestone.pk} form[action$='/review/']")  # the first button: accept
    assert Milestone.objects.get(pk=milestone.pk).status == "accepted"

    # Final report by the staff, approved by the manager; the pilot completed and scaled up.
    page.goto(f"{page.base}/fa/pilots/{pilot.pk}/report/")
    page.fill("#id_outcome", "سهم پسماند تفکیک‌شده به ۲۶ درصد رسید.")
    page.select_option("#id_recommendation", "scale_up")
    _post(page, "main form")
    page.sign_in(manager)
    page.goto(f"{page.base}/fa/pilots/{pilot.pk}/")
    _post(page, "form[action$='/report/approve/']")
    page.select_option("#to_state", "completed")
    _post(page, "#actions form")
    assert Pilot.objects.get(pk=pilot.pk).state == "completed"
    _post(page, "form[action$='/scale-up/']")
    agreement = Agreement.objects.get(pilot=pilot)
    assert page.url.endswith(f"/fa/agreements/{agreement.pk}/")
    page.goto(f"{page.base}/fa/agreements/{agreement.pk}/edit/")
    _type_date(page, "#id_signed_on", today)
    page.fill("#id_duration_months", "12")
    _post(page, "main form")
    page.select_option("#to_state", "signed")
    _post(page, "form[action$='/transition/']")
    assert Agreement.objects.get(pk=agreement.pk).status == "signed"
    assert "امضاشده" in page.inner_text("#agreement-status")
    page.shot("pilots-2-agreement")

    # The public summary and the register, for anyone.
    page.context.clear_cookies()
    page.goto(f"{page.base}/fa/pilots/{pilot.pk}/summary/")
    assert "۲۶" in page.inner_text("#outcome")
    page.goto(f"{page.base}/fa/c/{city.slug}/agreements/")
    assert agreement.title in page.inner_text("#register")

    # The organization's public profile shows the track record.
    page.goto(f"{page.base}/fa/organizations/{org.slug}/")
    track = page.inner_text("#track-record")
    assert pilot.title in track and agreement.title in track
    page.shot("pilots-3-profile")
