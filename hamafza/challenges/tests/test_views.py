"""Real requests per role: intake, triage, canvas, publication, public pages; bad input gives a 4xx
with the form as typed; lists have a bounded number of queries."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from hamafza.challenges import services
from hamafza.challenges.models import Call, CallFollow, Need, Notification
from hamafza.challenges.tests.factories import (
    CallFactory,
    CallQuestionFactory,
    CallResultFactory,
    NeedFactory,
    PublishedCallFactory,
)
from hamafza.challenges.tests.i18n import fa, fa_html
from hamafza.core.formatting import date_input_example
from hamafza.core.tests.factories import CapabilityFactory, UnitFactory

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _client(client, user):
    if user is not None:
        client.force_login(user)
    return client


# ---------------------------------------------------------------------------------- intake
def test_unit_staff_autosave_then_submit(client, city, staff, unit):
    c = _client(client, staff)
    assert c.get(reverse("challenges:need_new", args=[city.slug])).status_code == 200
    r = c.post(reverse("challenges:need_autosave", args=[city.slug]), {"title": "ترافیک", "urgency": "high"})
    assert r.status_code == 200
    need = Need.objects.get()
    assert need.status == "draft" and need.title == "ترافیک"
    assert f'value="{need.pk}"' in r.content.decode()
    # A second autosave updates the same draft.
    c.post(
        reverse("challenges:need_autosave", args=[city.slug]),
        {"need_id": need.pk, "title": "ترافیک میدان", "urgency": "high"},
    )
    assert Need.objects.count() == 1
    # Submitting without a description: 400, the form as typed, a clear message.
    r = c.post(
        reverse("challenges:need_edit", args=[city.slug, need.pk]),
        {
            "title": "ترافیک میدان",
            "description": "",
            "urgency": "high",
            "affected_people": "۱۲٬۰۰۰",
            "action": "submit",
        },
    )
    assert r.status_code == 400
    html = r.content.decode()
    assert fa_html("Describe the need.") in html and "ترافیک میدان" in html and "۱۲٬۰۰۰" in html
    r = c.post(
        reverse("challenges:need_edit", args=[city.slug, need.pk]),
        {
            "title": "ترافیک میدان",
            "description": "صف طولانی",
            "urgency": "high",
            "affected_people": "۱۲٬۰۰۰",
            "action": "submit",
        },
    )
    assert r.status_code == 302
    need.refresh_from_db()
    assert need.status == "submitted" and need.affected_people == 12000


def test_empty_title_is_refused_with_a_message(client, city, staff):
    r = _client(client, staff).post(
        reverse("challenges:need_new", args=[city.slug]),
        {"title": "  ", "description": "متن من", "urgency": "low", "action": "submit"},
    )
    assert r.status_code == 400
    assert fa_html("Give the need a title.") in r.content.decode() and "متن من" in r.content.decode()


@pytest.mark.parametrize("who", ["manager", "other_manager", "citizen", "facilitator"])
def test_only_unit_staff_open_the_need_form(client, city, request, who):
    r = _client(client, request.getfixturevalue(who)).get(reverse("challenges:need_new", args=[city.slug]))
    assert r.status_code == 403


def test_anonymous_is_sent_to_login(client, city):
    r = client.get(reverse("challenges:need_new", args=[city.slug]))
    assert r.status_code == 302 and "login" in r["Location"]


def test_attachments_checked_by_content_and_permission(
    client, city, staff, unit, manager, other_unit_staff, settings, tmp_path
):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    c = _client(client, staff)
    fake = SimpleUploadedFile("virus.pdf", b"MZ\x90\x00not a pdf at all", content_type="application/pdf")
    r = c.post(
        reverse("challenges:need_new", args=[city.slug]),
        {"title": "با پیوست", "urgency": "low", "action": "save", "file": fake},
    )
    assert r.status_code == 400
    allowed = fa("PDF, Word, Excel, PowerPoint, an image (PNG, JPEG, WebP, GIF) or text (TXT, CSV)")
    refusal = fa_html("This type of file is not accepted. Upload a %(allowed)s file.", allowed=allowed)
    assert refusal in r.content.decode()
    need = Need.objects.get()  # the draft text was kept
    r = c.post(
        reverse("challenges:need_edit", args=[city.slug, need.pk]),
        {
            "title": "با پیوست",
            "urgency": "low",
            "action": "save",
            "file": SimpleUploadedFile("گزارش.pdf", PDF, content_type="text/plain"),
        },
    )
    assert r.status_code == 302
    attachment = need.attachments.get()
    assert attachment.content_type == "application/pdf"
    assert str(tmp_path) in attachment.file.path
    url = reverse("challenges:attachment_download", args=[city.slug, need.pk, attachment.pk])
    assert _client(client, other_unit_staff).get(url).status_code == 403
    client.logout()
    assert client.get(url).status_code == 302
    r = _client(client, staff).get(url)
    assert r.status_code == 200 and b"".join(r.streaming_content) == PDF


def test_citizen_report_autosave_and_moderation(client, city, citizen, manager):
    c = _client(client, citizen)
    r = c.post(reverse("challenges:report_autosave"), {"title": "چاله"})
    assert fa_html("Choose a city to save a draft.") in r.content.decode() and not Need.objects.exists()
    c.post(reverse("challenges:report_autosave"), {"title": "چاله", "city": city.pk})
    need = Need.objects.get()
    r = c.post(
        reverse("challenges:report_problem"),
        {"need_id": need.pk, "city": city.pk, "title": "چاله خیابان", "description": "خطرناک است", "action": "submit"},
    )
    assert r.status_code == 302
    need.refresh_from_db()
    assert need.status == "moderation" and need.source == "citizen"
    inbox = _client(client, manager).get(reverse("challenges:triage_inbox", args=[city.slug]) + "?source=citizen")
    assert "چاله خیابان" in inbox.content.decode()


# ---------------------------------------------------------------------------------- triage
@pytest.mark.parametrize(
    ("who", "status"),
    [("manager", 200), ("other_manager", 403), ("staff", 403), ("facilitator", 403), ("citizen", 403)],
)
def test_inbox_permissions(client, city, request, who, status):
    r = _client(client, request.getfixturevalue(who)).get(reverse("challenges:triage_inbox", args=[city.slug]))
    assert r.status_code == status


def test_inbox_query_count(client, city, manager, django_assert_max_num_queries):
    caps = [CapabilityFactory() for _ in range(3)]
    for _i in range(15):
        NeedFactory(city=city, capabilities=caps)
    c = _client(client, manager)
    url = reverse("challenges:triage_inbox", args=[city.slug])
    with django_assert_max_num_queries(14):
        r = c.get(url)
    assert r.content.decode().count('class="inbox-row"') == 15


def test_inbox_bad_filters_are_400(client, city, manager):
    c = _client(client, manager)
    url = reverse("challenges:triage_inbox", args=[city.slug])
    assert c.get(url + "?status=bogus").status_code == 400
    assert c.get(url + "?page=0").status_code == 400
    assert c.get(url + "?page=999").status_code == 404


def test_triage_page_shows_similar_needs_with_reasons(client, city, other_city, manager):
    cap = CapabilityFactory(name_fa="تفکیک از مبدأ")
    need = NeedFactory(city=city, title="تفکیک پسماند خشک", description="ایستگاه بازیافت", capabilities=[cap])
    NeedFactory(city=other_city, title="تفكيك پسماندهاي خشك", description="ايستگاه بازيافت", capabilities=[cap])
    r = _client(client, manager).get(reverse("challenges:need_detail", args=[city.slug, need.pk]))
    html = r.content.decode()
    assert r.status_code == 200
    assert "similar-need" in html and "تفکیک از مبدأ" in html and f"({fa_html('another city', context='text')})" in html


def test_reject_without_reason_keeps_the_page(client, city, manager, staff, unit):
    need = NeedFactory(city=city, unit=unit, submitted_by=staff)
    c = _client(client, manager)
    r = c.post(reverse("challenges:need_triage", args=[city.slug, need.pk, "reject"]), {"reason": ""})
    assert r.status_code == 400
    r = c.post(reverse("challenges:need_triage", args=[city.slug, need.pk, "reject"]), {"reason": "تکراری"})
    assert r.status_code == 302
    assert Notification.objects.filter(user=staff, kind="need_rejected").exists()


def test_accept_via_request_and_other_city_manager_refused(client, city, other_city, manager, other_manager, unit):
    need = NeedFactory(city=city, unit=unit)
    url = reverse("challenges:need_triage", args=[city.slug, need.pk, "accept"])
    assert _client(client, other_manager).post(url).status_code == 403
    wrong_city = reverse("challenges:need_triage", args=[other_city.slug, need.pk, "accept"])
    assert client.post(wrong_city).status_code == 404
    r = _client(client, manager).post(url)
    call = Call.objects.get()
    assert r.status_code == 302 and r["Location"] == reverse("challenges:call_manage", args=[city.slug, call.pk])
    # Accepting twice is a refused transition, not a 500.
    assert client.post(url).status_code == 403
    assert client.post(reverse("challenges:need_triage", args=[city.slug, need.pk, "explode"])).status_code == 404


# ---------------------------------------------------------------------------------- canvas
def _canvas_post(call, **overrides):
    data = {
        "version": call.canvas.version,
        "title": call.title,
        "description": "خلاصه",
        "background": "زمینه " * 20,
        "affected": "ساکنان",
        "kpi_name": "درصد تفکیک",
        "kpi_unit": "٪",
        "baseline_value": "۸",
        "target_value": "25",
        "target_date": "1405/06/31",
        "constraints_text": "قانونی",
        "budget_unit": "toman",
        "budget_min": "۲۰۰٬۰۰۰٬۰۰۰",
        "budget_max": "500,000,000",
        "timeline": "شش ماه",
        "available_data": "آمار",
        "pilot_unit": call.unit.pk,
        "criterion_1_name": "اثر",
        "criterion_1_weight": "۶۰",
        "criterion_2_name": "هزینه",
        "criterion_2_weight": "40",
    }
    data.update(overrides)
    return data


def test_canvas_save_converts_digits_money_and_jalali(client, city, staff, unit):
    call = CallFactory(city=city, unit=unit)
    r = _client(client, staff).post(reverse("challenges:canvas_edit", args=[city.slug, call.pk]), _canvas_post(call))
    assert r.status_code == 302, r.content.decode()[:2000]
    call.canvas.refresh_from_db()
    canvas = call.canvas
    assert canvas.budget_min_rial == 2_000_000_000 and canvas.budget_max_rial == 5_000_000_000
    assert canvas.target_date == datetime.date(2026, 9, 22) and canvas.baseline_value == 8
    assert canvas.criteria == [{"name": "اثر", "weight": 60}, {"name": "هزینه", "weight": 40}]
    assert canvas.version == 2


@pytest.mark.parametrize(
    ("overrides", "message", "params"),
    [
        ({"criterion_2_weight": "30"}, "The weights of the criteria must sum to 100 (now %(total)s).", {"total": 90}),
        ({"budget_min": "900", "budget_max": "100"}, "The maximum budget must not be below the minimum.", {}),
        ({"title": ""}, "The title cannot be empty.", {}),
        ({"target_date": "1405/13/40"}, "This date does not exist in the calendar.", {}),
        ({"budget_min": "دویست"}, "Enter a whole amount using digits, for example 250,000,000.", {}),
    ],
)
def test_canvas_bad_input_keeps_what_was_typed(client, city, staff, unit, overrides, message, params):
    call = CallFactory(city=city, unit=unit)
    data = _canvas_post(call, background="متن نوشته شده که نباید گم شود", **overrides)
    r = _client(client, staff).post(reverse("challenges:canvas_edit", args=[city.slug, call.pk]), data)
    assert r.status_code == 400
    html = r.content.decode()
    assert fa_html(message, **params) in html and "متن نوشته شده که نباید گم شود" in html
    call.canvas.refresh_from_db()
    assert call.canvas.version == 1


def test_concurrent_edit_conflict_keeps_the_second_text(client, city, staff, manager, unit):
    call = CallFactory(city=city, unit=unit)
    url = reverse("challenges:canvas_edit", args=[city.slug, call.pk])
    first = _client(client, staff).post(url, _canvas_post(call, background="نسخه اول " * 10))
    assert first.status_code == 302
    r = _client(client, manager).post(url, _canvas_post(call, version=1, background="نسخه دوم " * 10))
    assert r.status_code == 409
    html = r.content.decode()
    assert 'id="conflict"' in html and "نسخه دوم" in html
    assert 'name="version" value="2"' in html
    call.canvas.refresh_from_db()
    assert "نسخه اول" in call.canvas.background


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("staff", 200),
        ("manager", 200),
        ("facilitator", 404),
        ("other_unit_staff", 404),
        ("other_manager", 404),
        ("citizen", 404),
    ],
)
def test_canvas_access(client, city, unit, request, who, status):
    staff = request.getfixturevalue("staff")  # noqa: F841 - staff of `unit`
    call = CallFactory(city=city, unit=unit)
    r = _client(client, request.getfixturevalue(who)).get(reverse("challenges:canvas_edit", args=[city.slug, call.pk]))
    assert r.status_code == status


def test_assigned_facilitator_edits_and_comments(client, city, unit, manager, facilitator):
    call = CallFactory(city=city, unit=unit)
    c = _client(client, manager)
    r = c.post(reverse("challenges:call_facilitators", args=[city.slug, call.pk]), {"user": facilitator.pk})
    assert r.status_code == 302
    c = _client(client, facilitator)
    assert c.get(reverse("challenges:canvas_edit", args=[city.slug, call.pk])).status_code == 200
    r = c.post(reverse("challenges:canvas_edit", args=[city.slug, call.pk]), _canvas_post(call))
    assert r.status_code == 302
    r = c.post(reverse("challenges:canvas_comment", args=[city.slug, call.pk]), {"body": "شاخص خوب است"})
    assert r.status_code == 302 and call.canvas.comments.count() == 1
    assert c.post(reverse("challenges:canvas_comment", args=[city.slug, call.pk]), {"body": ""}).status_code == 400
    # The facilitator cannot manage the call.
    assert c.get(reverse("challenges:call_settings", args=[city.slug, call.pk])).status_code == 403


def test_completeness_preview(client, city, staff, unit):
    call = CallFactory(city=city, unit=unit)
    url = reverse("challenges:canvas_completeness", args=[city.slug, call.pk])
    c = _client(client, staff)
    r = c.post(url, _canvas_post(call, target_date="", baseline_value=""))
    html = r.content.decode()
    assert r.status_code == 200 and 'id="completeness"' in html
    assert fa_html("The target has no date.") in html
    assert fa_html("The KPI has no number for the current baseline.") in html
    r = c.post(url, _canvas_post(call))
    assert fa_html("Nothing is missing.") in r.content.decode()


def test_history_diff(client, city, staff, unit):
    call = CallFactory(city=city, unit=unit)
    c = _client(client, staff)
    url = reverse("challenges:canvas_edit", args=[city.slug, call.pk])
    c.post(url, _canvas_post(call, background="پسماند خشک در محله"))
    call.canvas.refresh_from_db()
    c.post(url, _canvas_post(call, background="پسماند تر در محله"))
    history = reverse("challenges:canvas_history", args=[city.slug, call.pk])
    r = c.get(history + "?a=2&b=3")
    html = r.content.decode()
    assert r.status_code == 200 and "<del" in html and "خشک" in html and "<ins" in html and "تر</ins>" in html
    assert c.get(history + "?a=2&b=x").status_code == 400
    assert c.get(history + "?a=2&b=99").status_code == 404


# ---------------------------------------------------------------------------------- publication
def test_publishing_an_incomplete_canvas_is_403_with_reasons(client, city, unit, manager):
    call = CallFactory(city=city, unit=unit, state=Call.State.READY, closes_at=timezone.now() + datetime.timedelta(9))
    r = _client(client, manager).post(
        reverse("challenges:call_transition", args=[city.slug, call.pk]), {"to": "published"}
    )
    assert r.status_code == 403 and "refusal-reasons" in r.content.decode()
    call.refresh_from_db()
    assert call.state == Call.State.READY


@pytest.mark.parametrize(
    ("who", "status"), [("staff", 403), ("facilitator", 404), ("other_manager", 404), ("citizen", 404)]
)
def test_publish_by_others_is_refused(client, city, unit, request, who, status):
    request.getfixturevalue("staff")
    call = CallFactory(
        city=city, unit=unit, state=Call.State.READY, complete=True, closes_at=timezone.now() + datetime.timedelta(9)
    )
    r = _client(client, request.getfixturevalue(who)).post(
        reverse("challenges:call_transition", args=[city.slug, call.pk]), {"to": "published"}
    )
    assert r.status_code == status
    call.refresh_from_db()
    assert call.state == Call.State.READY


def test_unknown_state_is_400(client, city, unit, manager):
    call = CallFactory(city=city, unit=unit)
    r = _client(client, manager).post(reverse("challenges:call_transition", args=[city.slug, call.pk]), {"to": "x"})
    assert r.status_code == 400


def test_cancel_without_reason_is_400(client, city, unit, manager):
    call = CallFactory(city=city, unit=unit)
    r = _client(client, manager).post(
        reverse("challenges:call_transition", args=[city.slug, call.pk]), {"to": "cancelled", "note": ""}
    )
    assert r.status_code == 400
    assert fa_html("Give a reason for cancelling; followers will read it.") in r.content.decode()


@pytest.mark.parametrize(
    ("opens", "closes", "message"),
    [
        ("1405/02/10", "1405/02/01", "The closing date must be after the opening date."),
        ("", "1390/01/01", "The closing date is in the past."),
        ("", "31/12/1404", "Enter a date like %(example)s."),
    ],
)
def test_settings_bad_dates(client, city, unit, manager, opens, closes, message):
    with translation.override("fa"):
        example = date_input_example()  # today, Jalali, Persian digits: never an out-of-date example
    call = CallFactory(city=city, unit=unit)
    r = _client(client, manager).post(
        reverse("challenges:call_settings", args=[city.slug, call.pk]),
        {"call_type": "open", "opens_at": opens, "closes_at": closes},
    )
    assert r.status_code == 400
    html = r.content.decode()
    expected = fa_html(message, example=example) if "%(example)s" in message else fa_html(message)
    assert expected in html and closes in html


def test_settings_accept_jalali_persian_digits_and_english_iso(client, city, unit, manager, org):
    call = CallFactory(city=city, unit=unit)
    c = _client(client, manager)
    url = reverse("challenges:call_settings", args=[city.slug, call.pk])
    r = c.post(
        url,
        {
            "call_type": "invited",
            "opens_at": "۱۴۱۰/۰۱/۰۱",
            "closes_at": "۱۴۱۰/۰۲/۱۵ ۱۴:۳۰",
            "allowed_provinces": ["Qom"],
            "invited": "qom-waste-tech",
        },
    )
    assert r.status_code == 302, r.content.decode()[:3000]
    call.refresh_from_db()
    assert call.closes_at == datetime.datetime(2031, 5, 5, 11, 0, tzinfo=datetime.UTC)
    assert list(call.invited_organizations.all()) == [org]
    r = c.post("/en" + url[3:], {"call_type": "open", "opens_at": "2031-03-21", "closes_at": "2031-05-05"})
    assert r.status_code == 302
    call.refresh_from_db()
    assert call.closes_at == datetime.datetime(2031, 5, 5, 20, 29, 59, tzinfo=datetime.UTC)
    r = c.post(url, {"call_type": "invited", "closes_at": "1410/02/15", "invited": "no-such-org"})
    assert r.status_code == 400 and "no-such-org" in r.content.decode()


def test_full_publication_by_requests(client, city, unit, manager, staff):
    call = CallFactory(city=city, unit=unit)
    c = _client(client, staff)
    c.post(reverse("challenges:canvas_edit", args=[city.slug, call.pk]), _canvas_post(call))
    r = c.post(reverse("challenges:call_transition", args=[city.slug, call.pk]), {"to": "ready"})
    assert r.status_code == 302
    c = _client(client, manager)
    c.post(
        reverse("challenges:call_settings", args=[city.slug, call.pk]), {"call_type": "open", "closes_at": "1420/01/01"}
    )
    r = c.post(reverse("challenges:call_transition", args=[city.slug, call.pk]), {"to": "published"})
    assert r.status_code == 302
    call.refresh_from_db()
    assert call.state == Call.State.PUBLISHED
    client.logout()
    r = client.get(reverse("challenges:call_detail", args=[call.pk]))
    assert r.status_code == 200 and "۲٬۰۰۰٬۰۰۰٬۰۰۰" in r.content.decode()


# ---------------------------------------------------------------------------------- public side
def test_unpublished_call_is_hidden_from_the_public(client, city, unit, other_manager):
    call = CallFactory(city=city, unit=unit)
    assert client.get(reverse("challenges:call_detail", args=[call.pk])).status_code == 404
    assert _client(client, other_manager).get(reverse("challenges:call_detail", args=[call.pk])).status_code == 404


def test_public_list_filters_and_query_count(client, city, other_city, django_assert_max_num_queries):
    caps = [CapabilityFactory() for _ in range(3)]
    for _i in range(12):
        PublishedCallFactory(city=city, unit=UnitFactory(city=city), capabilities=caps)
    karaj = PublishedCallFactory(city=other_city, unit=UnitFactory(city=other_city), title="دکل مخابراتی استتار")
    CallFactory(city=city, unit=UnitFactory(city=city), title="پیش‌نویس پنهان")
    url = reverse("challenges:call_list")
    with django_assert_max_num_queries(12):
        r = client.get(url)
    html = r.content.decode()
    assert html.count("call-card") == 13 and "پیش‌نویس پنهان" not in html
    r = client.get(url + f"?city={other_city.slug}")
    assert r.content.decode().count("call-card") == 1
    r = client.get(url + "?q=" + "دكل مخابراتي")  # Arabic kaf and yeh
    assert r.content.decode().count("call-card") == 1 and karaj.title in r.content.decode()
    for bad in ("?city=nowhere", "?page=abc", "?closes_before=13/13/13", "?status=x"):
        assert client.get(url + bad).status_code == 400, bad


def test_open_to_my_organization(client, city, unit, member, org):
    restricted = PublishedCallFactory(city=city, unit=unit, allowed_provinces=["Fars"], title="فقط فارس")
    PublishedCallFactory(city=city, unit=unit, title="برای همه")
    r = _client(client, member).get(reverse("challenges:call_list") + "?mine=on")
    html = r.content.decode()
    assert "برای همه" in html and "فقط فارس" not in html
    r = client.get(reverse("challenges:call_detail", args=[restricted.pk]))
    html = r.content.decode()
    assert f">{fa_html('may not apply')}<" in html and fa_html("Fars", context="option") in html
    restricted_to = "The call is restricted to organizations in %(allowed)s; yours is in %(province)s."
    assert fa_html(restricted_to, allowed=fa("Fars", context="option"), province=fa("Qom", context="option")) in html


def test_question_flow_and_asker_not_shown(client, city, unit, manager, member):
    call = PublishedCallFactory(city=city, unit=unit)
    c = _client(client, member)
    assert c.post(reverse("challenges:question_ask", args=[call.pk]), {"question": ""}).status_code == 400
    r = c.post(reverse("challenges:question_ask", args=[call.pk]), {"question": "آیا داده خام در دسترس است؟"})
    assert r.status_code == 302
    question = call.questions.get()
    c = _client(client, manager)
    r = c.post(
        reverse("challenges:question_answer", args=[city.slug, call.pk, question.pk]),
        {f"q{question.pk}-answer": "بله", f"q{question.pk}-publish": "on"},
    )
    assert r.status_code == 302
    client.logout()
    html = client.get(reverse("challenges:call_detail", args=[call.pk])).content.decode()
    assert "آیا داده خام در دسترس است؟" in html and "بله" in html
    assert member.display_name not in html and member.email not in html


def test_citizen_cannot_ask_but_can_follow(client, city, unit, citizen):
    call = PublishedCallFactory(city=city, unit=unit)
    c = _client(client, citizen)
    assert c.post(reverse("challenges:question_ask", args=[call.pk]), {"question": "?"}).status_code == 403
    assert c.post(reverse("challenges:call_follow", args=[call.pk]), {"follow": "1"}).status_code == 302
    assert CallFollow.objects.filter(call=call, user=citizen).exists()


def test_reading_a_due_call_shows_it_closed_without_writing(client, city, unit):
    """Reads never write (ADR 0004, amendment): the page shows the effective state, the periodic task
    writes the closing."""
    call = PublishedCallFactory(city=city, unit=unit, closes_at=timezone.now() - datetime.timedelta(seconds=5))
    r = client.get(reverse("challenges:call_detail", args=[call.pk]))
    assert r.status_code == 200
    assert r.context["call"].state == Call.State.CLOSED
    call.refresh_from_db()
    assert call.state == Call.State.PUBLISHED
    services.call_close_due()
    call.refresh_from_db()
    assert call.state == Call.State.CLOSED


def test_results_page(client, city, unit):
    call = PublishedCallFactory(city=city, unit=unit, state=Call.State.RESULTS_PUBLISHED)
    CallResultFactory(call=call, applicant_name="تیم برنده", public_reason="بهترین طرح", rank=1)
    CallResultFactory(call=call, applicant_name="تیم دوم", outcome="not_awarded", public_reason="هزینه زیاد")
    html = client.get(reverse("challenges:call_results", args=[call.pk])).content.decode()
    assert "تیم برنده" in html and "بهترین طرح" in html and "هزینه زیاد" in html
    draft = CallFactory(city=city, unit=unit)
    assert client.get(reverse("challenges:call_results", args=[draft.pk])).status_code == 404


def test_city_calls_page(client, city, unit, manager, staff, other_manager, django_assert_max_num_queries):
    for state in ("in_definition", "ready", "published", "closed"):
        CallFactory.create_batch(3, city=city, unit=unit, state=state)
    c = _client(client, manager)
    # the counts per state, then the calls' ids (one union on PostgreSQL, one query per state shown
    # on SQLite) and the calls with their capabilities (two queries; not per call)
    with django_assert_max_num_queries(14):
        r = c.get(reverse("challenges:city_calls", args=[city.slug]))
    assert r.status_code == 200 and r.content.decode().count('class="list-group-item') == 12
    assert _client(client, staff).get(reverse("challenges:city_calls", args=[city.slug])).status_code == 200
    assert _client(client, other_manager).get(reverse("challenges:city_calls", args=[city.slug])).status_code == 403


def test_notifications_and_preferences(client, city, unit, manager, staff):
    NeedFactory(city=city, unit=unit, submitted_by=staff)
    c = _client(client, staff)
    Notification.objects.create(user=staff, kind="need_rejected", params={"title": "ت", "reason": "دلیل"})
    html = c.get(reverse("challenges:notifications")).content.decode()
    assert "دلیل" in html
    assert c.post(reverse("challenges:notifications_read")).status_code == 302
    assert not Notification.objects.filter(read_at__isnull=True).exists()
    r = c.post(reverse("challenges:notification_preferences"), {"need_rejected__in_app": "on"})
    assert r.status_code == 302
    pref = staff.notification_preferences.get(kind="need_rejected")
    assert pref.in_app and not pref.email


def test_question_from_factory_not_public_until_answered(client, city, unit):
    q = CallQuestionFactory(call=PublishedCallFactory(city=city, unit=unit), question="سوال بی‌پاسخ")
    assert "سوال بی‌پاسخ" not in client.get(reverse("challenges:call_detail", args=[q.call.pk])).content.decode()


def test_english_ui_of_the_list(client, city):
    PublishedCallFactory(city=city, unit=UnitFactory(city=city))
    r = client.get("/en/challenges/")
    assert r.status_code == 200 and "Challenges and calls" in r.content.decode()


def test_call_detail_query_count_and_tehran_time(client, city, unit, django_assert_max_num_queries):
    from hamafza.directory.tests.factories import OrganizationFactory, OrganizationMembershipFactory

    closes = datetime.datetime(2031, 5, 5, 20, 29, 59, tzinfo=datetime.UTC)  # 23:59 Tehran, 15 Ordibehesht
    call = PublishedCallFactory(city=city, unit=unit, closes_at=closes, allowed_provinces=["Qom"])
    for i in range(8):
        CallQuestionFactory(call=call, question=f"سوال {i}", answer="پاسخ", is_published=True)
    member = OrganizationMembershipFactory(organization=OrganizationFactory(province="Fars")).user
    for _i in range(4):
        OrganizationMembershipFactory(user=member, organization=OrganizationFactory(province="Qom"))
    c = _client(client, member)
    with django_assert_max_num_queries(20):
        r = c.get(reverse("challenges:call_detail", args=[call.pk]))
    html = r.content.decode()
    assert (
        html.count(f">{fa_html('may apply', context='text')}<") == 4
        and html.count(f">{fa_html('may not apply')}<") == 1
    )
    assert "۱۵ اردیبهشت ۱۴۱۰، ۲۳:۵۹" in html
    r = c.get("/en" + reverse("challenges:call_detail", args=[call.pk])[3:])
    assert "5 May 2031, 23:59" in r.content.decode()
