"""A call in evaluation with two applicants, a panel (one judge cleared for both proposals, one
with a conflict on A), an attachment and a score: the world of the confidentiality grid."""

from types import SimpleNamespace

import pytest

from hamafza.accounts.models import CityRole
from hamafza.accounts.tests.factories import UserFactory, user_with_role
from hamafza.challenges.models import Call
from hamafza.directory.tests.factories import OrganizationFactory, OrganizationMembershipFactory
from hamafza.proposals.tests.factories import (
    AttachmentFactory,
    CallFactory,
    DeclarationFactory,
    PanelFactory,
    PanelMemberFactory,
    ProposalFactory,
    RubricCriterionFactory,
    ScoreFactory,
    ScoreSheetFactory,
)


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = settings.PRIVATE_MEDIA_ROOT


@pytest.fixture
def world(city, other_city):
    call = CallFactory(city=city, state=Call.State.IN_EVALUATION, title="Smart bins call")
    org_a = OrganizationFactory(name="Alpha Waste", name_en="Alpha Waste")
    org_b = OrganizationFactory(name="Beta Bins", name_en="Beta Bins")
    applicant_a = OrganizationMembershipFactory(organization=org_a).user
    applicant_b = OrganizationMembershipFactory(organization=org_b).user
    proposal_a = ProposalFactory(call=call, organization=org_a, title="Zephyrsecret sensors", summary="alpha plan")
    proposal_b = ProposalFactory(call=call, organization=org_b, title="Quokkahidden routing", summary="beta plan")
    panel = PanelFactory(call=call)
    c1 = RubricCriterionFactory(panel=panel, name="Impact", weight=60)
    c2 = RubricCriterionFactory(panel=panel, name="Feasibility", weight=40)

    judge = user_with_role(CityRole.Role.JUDGE, city)
    judge_member = PanelMemberFactory(panel=panel, user=judge)
    DeclarationFactory(member=judge_member, proposal=proposal_a, has_conflict=False)
    DeclarationFactory(member=judge_member, proposal=proposal_b, has_conflict=False)

    conflicted = user_with_role(CityRole.Role.JUDGE, city)
    conflicted_member = PanelMemberFactory(panel=panel, user=conflicted)
    DeclarationFactory(member=conflicted_member, proposal=proposal_a, has_conflict=True)
    DeclarationFactory(member=conflicted_member, proposal=proposal_b, has_conflict=False)

    sheet = ScoreSheetFactory(member=judge_member, proposal=proposal_a)
    score = ScoreFactory(sheet=sheet, criterion=c1, value=8, comment="Wombatcomment")
    ScoreFactory(sheet=sheet, criterion=c2, value=6)
    attachment = AttachmentFactory(proposal=proposal_a, original_name="alpha-plan.pdf", uploaded_by=applicant_a)

    users = {
        "applicant_a": applicant_a,
        "applicant_b": applicant_b,
        "judge": judge,
        "judge_conflict": conflicted,
        "judge_unassigned": user_with_role(CityRole.Role.JUDGE, city),
        "manager": user_with_role(CityRole.Role.INNOVATION_MANAGER, city),
        "manager_other_city": user_with_role(CityRole.Role.INNOVATION_MANAGER, other_city),
        "unit_staff": user_with_role(CityRole.Role.UNIT_STAFF, city),
        "visitor": None,
        "platform_admin": UserFactory(is_superuser=True, is_staff=True),
    }
    return SimpleNamespace(
        call=call,
        panel=panel,
        org_a=org_a,
        org_b=org_b,
        proposal_a=proposal_a,
        proposal_b=proposal_b,
        criteria=[c1, c2],
        judge_member=judge_member,
        conflicted_member=conflicted_member,
        sheet=sheet,
        score=score,
        attachment=attachment,
        users=users,
    )
