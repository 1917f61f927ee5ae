import io

import pytest

from hamafza.programs import demo
from hamafza.programs.models import Application, Event, Registration

pytestmark = pytest.mark.django_db


@pytest.fixture
def base_demo(settings, tmp_path):
    from hamafza.accounts import demo as accounts_demo
    from hamafza.challenges import demo as challenges_demo
    from hamafza.core import demo as core_demo
    from hamafza.directory import demo as directory_demo

    settings.MATCHING_INDEX_DIR = tmp_path / "index"
    out = io.StringIO()
    for step in (core_demo, accounts_demo, directory_demo, challenges_demo):
        step.load(stdout=out)
    return out


def test_demo_events_and_cohort_are_grounded_and_idempotent(base_demo):
    demo.load(stdout=base_demo)
    kinds = dict(Event.objects.values_list("title", "kind"))
    assert kinds["روز ارائه شرکت‌های دانش‌بنیان به شهرداری تهران"] == Event.Kind.PITCH_DAY
    assert kinds["نمایشگاه رویداد ملی صنعت دانش‌بنیان"] == Event.Kind.EXHIBITION
    qom_event = Event.objects.get(title="رویداد فناورانه مدیریت شهری و فرهنگ شهروندی")
    assert qom_event.registrations.filter(status=Registration.Status.WAITLISTED).exists()
    states = set(Application.objects.values_list("state", flat=True))
    assert states == {"admitted", "interview", "declined"}
    admitted = Application.objects.get(state="admitted")
    assert admitted.organization is None and admitted.mentors.exists()
    assert admitted.milestones.filter(signed_off_at__isnull=False).exists()
    assert admitted.cohort.demo_day.kind == Event.Kind.PITCH_DAY
    counts = (Event.objects.count(), Registration.objects.count(), Application.objects.count())
    demo.load(stdout=base_demo)
    assert (Event.objects.count(), Registration.objects.count(), Application.objects.count()) == counts
