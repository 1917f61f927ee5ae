import io

import pytest

from hamafza.consortia import demo
from hamafza.consortia.models import Consortium, ConsortiumInvitation, Mission, MissionRole, ProposalRun

pytestmark = pytest.mark.django_db


def test_demo_builds_a_mission_with_a_consortium_in_progress_and_is_idempotent():
    from hamafza.accounts import demo as accounts_demo
    from hamafza.core import demo as core_demo
    from hamafza.directory import demo as directory_demo

    out = io.StringIO()
    for step in (core_demo, accounts_demo, directory_demo):
        step.load(stdout=out)
    demo.load(stdout=out)
    mission = Mission.objects.get(city__slug="tehran")
    assert MissionRole.objects.filter(mission=mission).count() == len(demo.ROLES)
    run = ProposalRun.objects.get(mission=mission)
    assert run.result["consortia"], run.result["reason"]
    consortium = Consortium.objects.get(mission=mission)
    assert consortium.lead.slug == demo.LEAD
    assert consortium.members.filter(organization=consortium.lead).exists()
    pending = ConsortiumInvitation.objects.filter(consortium=consortium, status="pending")
    proposed = next(c for c in run.result["consortia"] if c["rank"] == consortium.rank)
    expected = sum(len(m["roles"]) for m in proposed["members"] if m["organization"] != str(consortium.lead_id))
    assert pending.count() == expected > 0
    counts = [m.history.count() for m in (Mission, MissionRole, ProposalRun, Consortium, ConsortiumInvitation)]
    demo.load(stdout=out)
    assert [m.history.count() for m in (Mission, MissionRole, ProposalRun, Consortium, ConsortiumInvitation)] == counts
