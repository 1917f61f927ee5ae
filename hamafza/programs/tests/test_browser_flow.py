"""In a real browser, in Persian (Debian's Chromium through Playwright), offline: people register
for an event until it is full and the next joins the waitlist; a team applies to a cohort and the
incubator's admin moves it through the stages. Every request must stay on 127.0.0.1; screenshots
go to var/screenshots/."""

import os

import pytest

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # the factories touch the database from this thread

from hamafza.accounts.tests.factories import UserFactory  # noqa: E402
from hamafza.directory.tests.factories import OrganizationFactory, OrganizationMembershipFactory  # noqa: E402
from hamafza.programs.models import Application, Registration  # noqa: E402
from hamafza.programs.tests.factories import CohortFactory, EventFactory, ProgramFactory  # noqa: E402

pytestmark = pytest.mark.browser


def _submit(page, selector):
    with page.expect_navigation():
        page.locator(selector).first.click()


def test_register_until_full_then_waitlist(page, transactional_db, city):
    event = EventFactory(city=city, title="رویداد فناورانه مدیریت شهری", capacity=2)
    people = [UserFactory() for _ in range(3)]
    for person in people[:2]:
        page.sign_in(person)
        page.goto(f"{page.base}/fa/events/{event.pk}/")
        assert page.locator("html").get_attribute("dir") == "rtl"
        _submit(page, "#registration form button")
        assert "ثبت‌نام شما قطعی است" in page.locator("#reg-status").inner_text()
    page.sign_in(people[2])
    page.goto(f"{page.base}/fa/events/{event.pk}/")
    assert "۲ / ۲" in page.locator("#seats").inner_text()
    assert page.locator("#registration form button").inner_text().strip() == "پیوستن به فهرست انتظار"
    _submit(page, "#registration form button")
    assert "فهرست انتظار هستید (نوبت ۱)" in page.locator("#reg-status").inner_text()
    page.shot("programs-waitlist")
    assert list(Registration.objects.order_by("pk").values_list("status", flat=True)) == [
        "confirmed",
        "confirmed",
        "waitlisted",
    ]
    # A seat frees: the first on the waitlist takes it.
    page.sign_in(people[0])
    page.goto(f"{page.base}/fa/events/{event.pk}/")
    _submit(page, "#registration form button")
    page.sign_in(people[2])
    page.goto(f"{page.base}/fa/events/{event.pk}/")
    assert "ثبت‌نام شما قطعی است" in page.locator("#reg-status").inner_text()


def test_apply_to_a_cohort_and_move_through_the_stages(page, transactional_db, city):
    incubator = OrganizationFactory(kind="incubator", name="مرکز رشد واحدهای فناور دانشگاه قم")
    admin = UserFactory()
    OrganizationMembershipFactory(organization=incubator, user=admin, role="admin")
    cohort = CohortFactory(program=ProgramFactory(organization=incubator, city=city), name="دورهٔ نخست")
    innovator = UserFactory()
    page.sign_in(innovator)
    page.goto(f"{page.base}/fa/cohorts/{cohort.pk}/")
    with page.expect_navigation():
        page.get_by_role("link", name="درخواست برای این دوره").click()
    page.fill("#id_team_name", "تیم آب‌یار")
    page.fill("#id_team", "سه دانشجوی دانشگاه قم")
    page.fill("#id_idea", "پایش نشت آب با حسگرهای ارزان")
    page.select_option("#id_stage", "prototype")
    _submit(page, "main form button")
    assert page.locator("#app-state").inner_text() == "درخواست داده"
    application = Application.objects.get(team_name="تیم آب‌یار")

    page.sign_in(admin)
    url = f"{page.base}/fa/programs/applications/{application.pk}/"
    for state, label in (("interview", "مصاحبه"), ("admitted", "پذیرفته")):
        page.goto(url)
        page.select_option("#to", state)
        _submit(page, "form[action$='/transition/'] button")
        assert page.locator("#app-state").inner_text() == label
    page.fill("#id_email", admin.email)
    _submit(page, "form[action$='/mentors/'] button")
    page.fill("#id_title", "نمونهٔ آزمایشی در یک محله")
    page.fill("#id_due_on", "1410/01/15")
    page.keyboard.press("Escape")
    _submit(page, "form[action$='/milestones/'] button")
    _submit(page, "#milestones form button")
    assert "تأیید" in page.locator("#milestones").inner_text() or page.locator("#milestones form").count() == 0
    page.select_option("#to", "graduated")
    _submit(page, "form[action$='/transition/'] button")
    assert page.locator("#app-state").inner_text() == "دانش‌آموخته"
    page.shot("programs-cohort-graduated")
    application.refresh_from_db()
    assert application.state == "graduated"
    assert list(application.transitions.values_list("to_state", flat=True)) == [
        "applied",
        "interview",
        "admitted",
        "graduated",
    ]
    assert application.milestones.get().signed_off_by == admin
