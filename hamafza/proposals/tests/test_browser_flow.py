"""An applicant submits a proposal with an attachment, and a judge declares no conflict and scores,
in a real browser (Debian's Chromium through Playwright), offline: every request must stay on
127.0.0.1. Screenshots go to var/screenshots/."""

import os
import re

import pytest

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # the factories touch the database from this thread

from hamafza.accounts.models import CityRole  # noqa: E402
from hamafza.accounts.tests.factories import user_with_role  # noqa: E402
from hamafza.challenges.models import Call  # noqa: E402
from hamafza.directory.tests.factories import OrganizationFactory, OrganizationMembershipFactory  # noqa: E402
from hamafza.proposals.models import Proposal, ScoreSheet  # noqa: E402
from hamafza.proposals.tests import factories as f  # noqa: E402

pytestmark = pytest.mark.browser


def test_applicant_submits_and_judge_scores(page, transactional_db, city, tmp_path, settings):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    # An open call for the applicant.
    open_call = f.CallFactory(city=city, title="فراخوان سطل هوشمند")
    org = OrganizationFactory(name="بازیار")
    applicant = OrganizationMembershipFactory(organization=org).user

    page.sign_in(applicant)
    page.goto(f"{page.base}/fa/calls/{open_call.pk}/apply/")
    page.fill("#id_title", "سطل‌های هوشمند با حسگر پر شدن")
    page.fill("#id_summary", "حسگر در سطل‌ها و مسیریابی خودروها")
    page.fill("#id_approach", "شبکه LoRa و داشبورد برای واحد پسماند")
    page.fill("#id_budget_rial", "12000000000")
    page.shot("proposals-1-apply")
    page.locator("#proposal-form button.btn-primary").click()
    page.wait_for_load_state()
    proposal = Proposal.objects.get(call=open_call, organization=org)
    assert page.url.endswith(f"/proposals/{proposal.pk}/")

    pdf = tmp_path / "طرح فنی.pdf"
    pdf.write_bytes(f.pdf_bytes())
    page.set_input_files("input[type=file]", str(pdf))
    page.locator("#attach-file").click()
    page.wait_for_load_state()
    assert "طرح فنی.pdf" in page.locator("#attachments").inner_text()
    page.locator("#submit-proposal").click()
    page.wait_for_load_state()
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.SUBMITTED
    # A short receipt code in Persian digits; the full hash is one click away.
    assert re.search(r"[۰-۹]{4}-[۰-۹]{4}-[۰-۹]{4}", page.locator("#receipt").inner_text())
    page.locator("#receipt summary").first.click()
    assert proposal.receipt_hash in page.locator("#receipt").inner_text()
    page.shot("proposals-2-submitted")
    page.context.clear_cookies()

    # A call in evaluation with its panel scoring: the judge declares, then scores.
    panel = f.PanelFactory(call=f.CallFactory(city=city, state=Call.State.IN_EVALUATION, title="فراخوان ارزیابی"))
    c1 = f.RubricCriterionFactory(panel=panel, name="اثرگذاری", weight=60)
    c2 = f.RubricCriterionFactory(panel=panel, name="امکان‌پذیری", weight=40)
    judged = f.ProposalFactory(call=panel.call, title="مسیریابی هوشمند خودروهای پسماند", approach="بهینه‌سازی مسیر")
    judge = user_with_role(CityRole.Role.JUDGE, city)
    f.PanelMemberFactory(panel=panel, user=judge)

    page.sign_in(judge)
    page.goto(f"{page.base}/fa/judging/")
    page.locator("#queue a.btn").first.click()
    page.wait_for_load_state()
    assert "بهینه‌سازی مسیر" not in page.content()  # nothing of the proposal before the declaration
    page.check("input[name=conflict][value=no]")
    page.shot("proposals-3-declare")
    page.locator("main form button.btn-primary").click()
    page.wait_for_load_state()
    assert "بهینه‌سازی مسیر" in page.content()
    page.fill(f"#id_c{c1.pk}", "11")  # outside the scale: refused with a message, typed text kept
    page.fill(f"#id_c{c2.pk}", "6")
    page.fill(f"#id_comment_{c2.pk}", "برنامه زمانی روشن است")
    page.locator("#score-form button").click()
    page.wait_for_load_state()
    assert page.locator(".invalid-feedback").count() >= 1
    assert page.input_value(f"#id_comment_{c2.pk}") == "برنامه زمانی روشن است"
    page.fill(f"#id_c{c1.pk}", "8")
    page.check("#id_complete")
    page.locator("#score-form button").click()
    page.wait_for_load_state()
    page.shot("proposals-4-scored")
    sheet = ScoreSheet.objects.get(proposal=judged, member__user=judge)
    assert sheet.completed_at is not None
    assert sorted(sheet.scores.values_list("value", flat=True)) == [6, 8]
