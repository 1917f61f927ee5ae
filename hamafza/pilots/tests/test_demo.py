import io

import pytest

from hamafza.pilots import demo
from hamafza.pilots.models import Agreement, FinalReport, Measurement, Milestone, Pilot

pytestmark = pytest.mark.django_db


@pytest.fixture
def base_demo(settings, tmp_path):
    from hamafza.accounts import demo as accounts_demo
    from hamafza.challenges import demo as challenges_demo
    from hamafza.core import demo as core_demo
    from hamafza.directory import demo as directory_demo
    from hamafza.proposals import demo as proposals_demo

    settings.MATCHING_INDEX_DIR = tmp_path / "index"
    out = io.StringIO()
    for step in (core_demo, accounts_demo, directory_demo, challenges_demo, proposals_demo):
        step.load(stdout=out)
    return out


def test_demo_has_pilots_and_agreements_in_every_state_and_is_idempotent(base_demo):
    demo.load(stdout=base_demo)
    assert set(Pilot.objects.values_list("state", flat=True)) == set(Pilot.State.values)
    assert set(Agreement.objects.values_list("status", flat=True)) == set(Agreement.Status.values)
    assert set(Pilot.objects.values_list("city__slug", flat=True)) == {"qom", "karaj", "tabriz", "tehran"}
    completed = Pilot.objects.filter(state="completed", city__slug="qom").get()
    assert completed.final_report.status == FinalReport.Status.APPROVED
    assert completed.agreements.get().status == Agreement.Status.ACTIVE
    running = Pilot.objects.get(state="running")
    assert Measurement.objects.filter(kpi__pilot=running).count() >= 3
    assert any(m.is_overdue(demo._today()) for m in Milestone.objects.filter(pilot=running))
    assert Pilot.objects.get(state="stopped").stop_reason
    assert Agreement.objects.get(status="terminated").termination_reason
    models = (Pilot, Agreement, Milestone, Measurement)
    counts = [m.history.count() for m in models]
    demo.load(stdout=base_demo)
    assert [m.history.count() for m in models] == counts
