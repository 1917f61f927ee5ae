"""A panel's scoring deadline (issue 18, ADR 0025): set on the evaluation page (a Jalali date typed
with Persian, Arabic or Latin digits) and in the API; a new deadline in the past is refused in the
reader's language; the judge's queue and the manager's panels show it in Jalali with how far it is,
nearest first and panels without one last, at a fixed number of queries; judges with work missing
are reminded once a few days before it."""

import datetime

import jdatetime
import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from hamafza.accounts.models import CityRole
from hamafza.accounts.tests.factories import user_with_role
from hamafza.core.formatting import time_left
from hamafza.core.text import persian_digits
from hamafza.proposals import services
from hamafza.proposals.models import Panel, PanelMember
from hamafza.proposals.tests.factories import (
    DeclarationFactory,
    PanelFactory,
    PanelMemberFactory,
    ProposalFactory,
)
from hamafza.proposals.tests.test_api import call_api

pytestmark = pytest.mark.django_db
WORKSPACE = reverse("core:workspace")
DAY = datetime.timedelta(days=1)


def _workspace(client, user, language="fa"):
    client.force_login(user)
    with translation.override(language), CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("core:workspace"))
    assert response.status_code == 200
    return response.content.decode(), len(ctx.captured_queries)


def _jalali(value: datetime.datetime) -> str:
    local = timezone.localtime(value)
    j = jdatetime.date.fromgregorian(date=local.date())
    return persian_digits(str(j.day))


# --------------------------------------------------------------------------------------------
# How far a deadline is
# --------------------------------------------------------------------------------------------
def test_time_left_in_days_in_the_readers_language():
    at = timezone.make_aware(datetime.datetime(2026, 12, 7, 10, 0))
    with translation.override("en"):
        assert time_left(at + 3 * DAY, at=at) == ("3 days left", False)
        assert time_left(at + DAY, at=at) == ("1 day left", False)
        assert time_left(at + datetime.timedelta(hours=2), at=at) == ("due today", False)
        assert time_left(at - datetime.timedelta(hours=2), at=at) == ("overdue", True)
        assert time_left(at - 2 * DAY, at=at) == ("overdue by 2 days", True)
    with translation.override("fa"):
        text, overdue = time_left(at + 3 * DAY, at=at)
        assert text == "۳ روز مانده" and not overdue
        text, overdue = time_left(at - 2 * DAY, at=at)
        assert text == "۲ روز از مهلت گذشته" and overdue


# --------------------------------------------------------------------------------------------
# The judge's queue and the manager's panels
# --------------------------------------------------------------------------------------------
def test_judge_queue_shows_deadlines_in_jalali_nearest_first(client, city):
    judge = user_with_role(CityRole.Role.JUDGE, city)
    now = timezone.now()
    for title, deadline in (
        ("No deadline call", None),
        ("Later deadline call", now + 10 * DAY),
        ("Overdue call", now - 2 * DAY),
        ("Soon deadline call", now + 3 * DAY),
    ):
        panel = PanelFactory(call__city=city, call__title=title, scoring_deadline=deadline)
        PanelMemberFactory(panel=panel, user=judge)
        ProposalFactory(call=panel.call)
    html, _ = _workspace(client, judge)
    order = [html.index(t) for t in ("Overdue call", "Soon deadline call", "Later deadline call", "No deadline call")]
    assert order == sorted(order)
    assert "مهلت داوری" in html
    assert "۳ روز مانده" in html and "۱۰ روز مانده" in html
    assert "۲ روز از مهلت گذشته" in html and html.count("data-overdue") == 1
    later = timezone.localtime(now + 10 * DAY)
    j = jdatetime.date.fromgregorian(date=later.date())
    assert persian_digits(f"{j.year}") in html
    assert html.count("data-due=") == 3  # no line for the panel without a deadline

    html, _ = _workspace(client, judge, "en")
    assert "3 days left" in html and "overdue by 2 days" in html and "scoring deadline" in html


def test_judge_queue_queries_do_not_grow_with_deadlines(client, city):
    judge = user_with_role(CityRole.Role.JUDGE, city)

    def panels(n, offset):
        for i in range(n):
            panel = PanelFactory(call__city=city, scoring_deadline=timezone.now() + (offset + i) * DAY)
            PanelMemberFactory(panel=panel, user=judge)
            ProposalFactory(call=panel.call)

    panels(1, 1)
    _, before = _workspace(client, judge)
    panels(8, 2)
    html, after = _workspace(client, judge)
    assert after == before
    assert html.count("data-due=") == 5  # capped at the workspace's limit


def test_manager_panels_show_the_deadline_nearest_first(client, city, other_city):
    manager = user_with_role(CityRole.Role.INNOVATION_MANAGER, city)
    now = timezone.now()
    PanelFactory(call__city=city, call__title="Undated panel call")
    PanelFactory(call__city=city, call__title="Dated panel call", scoring_deadline=now + 5 * DAY)
    PanelFactory(call__city=other_city, call__title="Karaj dated call", scoring_deadline=now + DAY)
    html, before = _workspace(client, manager)
    assert html.index("Dated panel call") < html.index("Undated panel call")
    assert "Karaj dated call" not in html
    assert "۵ روز مانده" in html
    for i in range(6):
        PanelFactory(call__city=city, scoring_deadline=now + (i + 1) * DAY)
    _, after = _workspace(client, manager)
    assert after == before


def test_other_roles_see_no_scoring_deadline(client, city):
    """Organization members and unit staff do not see the panels (nor their deadlines)."""
    PanelFactory(call__city=city, call__title="Secret panel call", scoring_deadline=timezone.now() + DAY)
    staff = user_with_role(CityRole.Role.UNIT_STAFF, city)
    html, _ = _workspace(client, staff)
    assert "Secret panel call" not in html and "data-due=" not in html


# --------------------------------------------------------------------------------------------
# Setting it on the evaluation page
# --------------------------------------------------------------------------------------------
def _settings_post(client, panel, deadline_text):
    data = {
        "version": panel.version,
        "method": panel.method,
        "trim": "0.2",
        "disagreement_threshold": "15",
        "scoring_deadline": deadline_text,
    }
    with translation.override("fa"):
        return client.post(reverse("proposals:panel_settings", args=[panel.pk]), data)


@pytest.mark.parametrize(
    "digits",
    [str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"), str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"), None],
    ids=["persian", "arabic", "latin"],
)
def test_manager_sets_the_deadline_with_any_digits(client, city, digits):
    manager = user_with_role(CityRole.Role.INNOVATION_MANAGER, city)
    panel = PanelFactory(call__city=city)
    target = timezone.localtime(timezone.now() + 20 * DAY)
    j = jdatetime.date.fromgregorian(date=target.date())
    text = f"{j.year:04d}/{j.month:02d}/{j.day:02d} 16:30"
    client.force_login(manager)
    response = _settings_post(client, panel, text.translate(digits) if digits else text)
    assert response.status_code == 302, response.content.decode()[:2000]
    panel.refresh_from_db()
    local = timezone.localtime(panel.scoring_deadline)
    assert (local.date(), local.hour, local.minute) == (target.date(), 16, 30)
    assert panel.history.first().scoring_deadline == panel.scoring_deadline  # audited
    # The form shows it back in Jalali with Persian digits.
    with translation.override("fa"):
        page = client.get(reverse("proposals:evaluation", args=[panel.call_id])).content.decode()
    assert persian_digits(f"{j.year:04d}/{j.month:02d}/{j.day:02d}") in page


def test_a_past_deadline_is_a_form_error_in_persian(client, city):
    manager = user_with_role(CityRole.Role.INNOVATION_MANAGER, city)
    panel = PanelFactory(call__city=city)
    past = timezone.localtime(timezone.now() - 3 * DAY)
    j = jdatetime.date.fromgregorian(date=past.date())
    client.force_login(manager)
    response = _settings_post(client, panel, persian_digits(f"{j.year}/{j.month:02d}/{j.day:02d}"))
    assert response.status_code == 400
    assert "مهلت داوری باید در آینده باشد." in response.content.decode()
    panel.refresh_from_db()
    assert panel.scoring_deadline is None and panel.version == 1


def test_an_unchanged_passed_deadline_does_not_block_other_settings(city):
    manager = user_with_role(CityRole.Role.INNOVATION_MANAGER, city)
    passed = timezone.now() - DAY
    panel = PanelFactory(call__city=city, scoring_deadline=passed)
    services.panel_update_settings(panel=panel, by=manager, publish_scores=True, scoring_deadline=passed)
    panel.refresh_from_db()
    assert panel.publish_scores and panel.scoring_deadline == passed
    services.panel_update_settings(panel=panel, by=manager, scoring_deadline=None)  # removing it is fine
    panel.refresh_from_db()
    assert panel.scoring_deadline is None


def test_only_the_citys_manager_sets_the_deadline(client, city):
    judge = user_with_role(CityRole.Role.JUDGE, city)
    panel = PanelFactory(call__city=city)
    PanelMemberFactory(panel=panel, user=judge)
    client.force_login(judge)
    response = _settings_post(client, panel, "1499/01/01")
    assert response.status_code in (403, 404)
    panel.refresh_from_db()
    assert panel.scoring_deadline is None


# --------------------------------------------------------------------------------------------
# The API
# --------------------------------------------------------------------------------------------
def test_api_sets_reads_and_clears_the_deadline(client, city):
    manager = user_with_role(CityRole.Role.INNOVATION_MANAGER, city)
    panel = PanelFactory(call__city=city)
    deadline = (timezone.now() + 7 * DAY).replace(microsecond=0)
    path = f"/calls/{panel.call_id}/panel"
    response = call_api(client, "patch", path, manager, {"version": 1, "scoring_deadline": deadline.isoformat()})
    assert response.status_code == 200, response.content
    body = response.json()
    assert datetime.datetime.fromisoformat(body["scoring_deadline"]) == deadline and body["version"] == 2
    assert call_api(client, "get", path, manager).json()["scoring_deadline"] == body["scoring_deadline"]
    # Another setting alone keeps the deadline; null clears it.
    response = call_api(client, "patch", path, manager, {"version": 2, "publish_scores": True})
    assert response.json()["scoring_deadline"] == body["scoring_deadline"] and response.json()["publish_scores"]
    response = call_api(client, "patch", path, manager, {"version": 3, "scoring_deadline": None})
    assert response.status_code == 200 and response.json()["scoring_deadline"] is None


def test_api_refuses_a_past_deadline_and_a_stale_version(client, city):
    manager = user_with_role(CityRole.Role.INNOVATION_MANAGER, city)
    panel = PanelFactory(call__city=city)
    path = f"/calls/{panel.call_id}/panel"
    past = (timezone.now() - DAY).isoformat()
    response = call_api(client, "patch", path, manager, {"version": 1, "scoring_deadline": past})
    assert response.status_code == 400
    assert response.json()["errors"][0]["name"] == "body.scoring_deadline"
    assert response.json()["errors"][0]["message"] == "مهلت داوری باید در آینده باشد."
    future = (timezone.now() + DAY).isoformat()
    response = call_api(client, "patch", path, manager, {"version": 9, "scoring_deadline": future})
    assert response.status_code == 409 and response.json()["current_version"] == 1
    response = call_api(client, "patch", path, manager, {"version": 1, "method": None})
    assert response.status_code == 400 and response.json()["errors"][0]["name"] == "body.method"
    panel.refresh_from_db()
    assert panel.scoring_deadline is None and panel.version == 1


def test_api_deadline_is_the_managers_only(client, city):
    judge = user_with_role(CityRole.Role.JUDGE, city)
    panel = PanelFactory(call__city=city)
    PanelMemberFactory(panel=panel, user=judge)
    future = (timezone.now() + DAY).isoformat()
    path = f"/calls/{panel.call_id}/panel"
    assert call_api(client, "patch", path, judge, {"version": 1, "scoring_deadline": future}).status_code == 403
    assert call_api(client, "patch", path, None, {"version": 1}).status_code == 401


# --------------------------------------------------------------------------------------------
# Reminders before the deadline
# --------------------------------------------------------------------------------------------
def test_judges_with_work_missing_are_reminded_once_before_the_deadline(city, django_capture_on_commit_callbacks):
    now = timezone.now()
    soon = PanelFactory(call__city=city, scoring_deadline=now + 2 * DAY)
    later = PanelFactory(call__city=city, scoring_deadline=now + 10 * DAY)
    closed = PanelFactory(call__city=city, scoring_deadline=now + DAY, status=Panel.Status.CLOSED)
    busy = PanelMemberFactory(panel=soon)
    done = PanelMemberFactory(panel=soon)
    proposal = ProposalFactory(call=soon.call)
    DeclarationFactory(member=done, proposal=proposal, has_conflict=True)  # nothing left for this judge
    for panel in (later, closed):
        PanelMemberFactory(panel=panel)
        ProposalFactory(call=panel.call)
    busy.user.preferred_language = "fa"
    busy.user.save()

    with django_capture_on_commit_callbacks(execute=True):
        assert services.judges_remind_before_deadline(at=now) == 1
    assert [m.to[0] for m in mail.outbox] == [busy.user.email]
    assert "مهلت داوری" in mail.outbox[0].body and _jalali(soon.scoring_deadline) in mail.outbox[0].body
    busy.refresh_from_db()
    assert busy.last_reminded_at == now
    assert PanelMember.objects.filter(last_reminded_at__isnull=False).count() == 1

    # A second run (the hourly beat) sends nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        assert services.judges_remind_before_deadline(at=now + datetime.timedelta(hours=1)) == 0
    assert len(mail.outbox) == 1


def test_a_reminder_before_the_window_does_not_count(city, django_capture_on_commit_callbacks):
    now = timezone.now()
    panel = PanelFactory(call__city=city, scoring_deadline=now + 2 * DAY)
    member = PanelMemberFactory(panel=panel, last_reminded_at=now - 5 * DAY)
    ProposalFactory(call=panel.call)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.judges_remind_before_deadline(at=now) == 1
    member.refresh_from_db()
    assert member.last_reminded_at == now
