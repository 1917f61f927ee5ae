"""Demo proposals and evaluations, on the calls the challenges demo created.

* Every demo call past its deadline (closed, in evaluation, results published) gets proposals
  from eligible organizations (the Qom startup of the demo accounts applies in Qom, the Tabriz
  company in Tabriz); they were submitted before the deadline, so they are written as submitted
  rows with their receipt (the submission services refuse anything after a deadline).
* A closed call is taken through the evaluation services: a panel from the call's criteria, the
  city's demo judge and an invited outside expert, conflict declarations (one conflict), and
  scores from both judges on most proposals: the call is left *in evaluation*, with work missing.
* A call in evaluation gets the same, scored completely, its panel closed, decisions recorded and
  its results published through ``results_publish`` (so its public results page lists winners).
* A call whose results the challenges demo already published gets the evaluation that led to
  them (panel closed, scores, decisions matching the published outcomes), written as rows.

Idempotent: proposals are keyed by (call, organization), panels by call; a second run writes
nothing. Deterministic: scores come from a fixed table.
"""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext as _

from hamafza.accounts.demo import DEMO_PASSWORD
from hamafza.accounts.models import CityRole
from hamafza.accounts.services import user_register
from hamafza.challenges.eligibility import call_eligibility_for, invited_ids_of
from hamafza.challenges.models import Call
from hamafza.challenges.notifications import emails_off
from hamafza.directory.models import Organization
from hamafza.proposals import services
from hamafza.proposals.models import (
    ConflictDeclaration,
    Panel,
    PanelMember,
    Proposal,
    ProposalReceipt,
    RubricCriterion,
    Score,
    ScoreSheet,
)
from hamafza.proposals.selectors import panel_results

EXPERT_EMAIL = "expert@demo.hamafza.ir"
ANCHORS = {"qom": "baziar", "tabriz": "azarpouya-smart-systems"}
PROPOSALS_PER_CALL = 4
# Deterministic per-criterion fractions of the maximum, per (judge index, proposal index).
SCORE_TABLE = [
    [0.9, 0.7, 0.6, 0.4, 0.8],
    [0.8, 0.8, 0.5, 0.3, 0.6],
]
TEXTS = [
    {
        "title": "سامانه یکپارچه با حسگرهای بومی و داشبورد مدیریتی",
        "summary": "حسگرهای ساخت داخل، شبکه ارتباطی کم‌مصرف و داشبورد برای واحد مسئول شهرداری.",
        "approach": "پایلوت سه‌ماهه در دو منطقه، سپس توسعه مرحله‌ای با پایش شاخص‌ها.",
        "team": "۸ نفر: سخت‌افزار، نرم‌افزار، تحلیل داده و پشتیبانی میدانی.",
        "timeline": "ماه ۱ تا ۳ پایلوت؛ ماه ۴ تا ۹ توسعه.",
        "kpis": "بهبود ۲۰ درصدی شاخص اصلی فراخوان در منطقه پایلوت.",
    },
    {
        "title": "راهکار مبتنی بر اپلیکیشن شهروندی و مشارکت محله‌ها",
        "summary": "اپلیکیشن شهروندی، آموزش در سراهای محله و انگیزه‌های اعتباری.",
        "approach": "طراحی با مشارکت شهروندان و آزمون در یک محله نمونه.",
        "team": "۵ نفر: محصول، طراحی تجربه کاربری، توسعه و ارتباطات.",
        "timeline": "شش ماه.",
        "kpis": "۵۰۰۰ کاربر فعال و بهبود ۱۵ درصدی شاخص.",
    },
    {
        "title": "Data platform with open APIs for the city's units",
        "summary": "An open data platform that connects existing systems of the units.",
        "approach": "Integrate the existing data sources first, then add analytics.",
        "team": "Six engineers with experience in two other cities.",
        "timeline": "Nine months in three phases.",
        "kpis": "Three units connected; weekly reports automated.",
    },
    {
        "title": "طرح کم‌هزینه با تجهیزات موجود شهرداری",
        "summary": "بهره‌گیری از زیرساخت موجود با کمترین هزینه خرید تجهیزات.",
        "approach": "بازطراحی فرایند و افزودن ماژول نرم‌افزاری.",
        "team": "۳ نفر.",
        "timeline": "چهار ماه.",
        "kpis": "کاهش ۱۰ درصدی هزینه‌های جاری.",
    },
]


def _manager(city):
    role = CityRole.objects.filter(city=city, role=CityRole.Role.INNOVATION_MANAGER).select_related("user")
    role = role.order_by("pk").first()
    return role.user if role else None


def _city_judge(city):
    role = CityRole.objects.filter(city=city, role=CityRole.Role.JUDGE).select_related("user").order_by("pk").first()
    return role.user if role else None


def _expert():
    User = get_user_model()
    user = User.objects.filter(email=EXPERT_EMAIL).first()
    if user is None:
        user = user_register(
            email=EXPERT_EMAIL,
            password=DEMO_PASSWORD,
            display_name_fa="دکتر لیلا کاظمی",
            display_name_en="Dr Leila Kazemi",
        )
    return user


def _applicants(call) -> list[Organization]:
    chosen = [r.organization for r in call.results.select_related("organization") if r.organization_id]
    anchor = Organization.objects.filter(slug=ANCHORS.get(call.city.slug, "")).first()
    candidates = (
        ([anchor] if anchor else [])
        + list(Organization.objects.filter(province=call.city.province).order_by("-verified", "name")[:40])
        + list(Organization.objects.order_by("-verified", "name")[:40])
    )
    invited = invited_ids_of(call)
    for org in candidates:
        if len(chosen) >= PROPOSALS_PER_CALL:
            break
        if org in chosen:
            continue
        ok, _reasons = call_eligibility_for(call=call, organization=org, invited_ids=invited, check_open=False)
        if ok:
            chosen.append(org)
    return chosen


def _proposals(call, by) -> list[Proposal]:
    submitted_at = (call.closes_at or timezone.now()) - datetime.timedelta(days=3)
    proposals = []
    for i, org in enumerate(_applicants(call)):
        proposal = Proposal.objects.filter(call=call, organization=org).first()
        if proposal is None:
            text = TEXTS[i % len(TEXTS)]
            proposal = Proposal(
                call=call,
                city_id=call.city_id,
                organization=org,
                status=Proposal.Status.SUBMITTED,
                budget_rial=(i + 2) * 1_500_000_000,
                created_by=by,
                submitted_at=submitted_at,
                **text,
            )
            proposal._history_user = by
            proposal.save()
            proposal.receipt_hash = services.content_hash(proposal)
            proposal.save(update_fields=["receipt_hash", "search_text"])
            ProposalReceipt.objects.create(
                proposal=proposal,
                submitted_at=submitted_at,
                sha256=proposal.receipt_hash,
                content_version=proposal.version,
                submitted_by=by,
            )
        proposals.append(proposal)
    return proposals


def _values(panel, j: int, p: int) -> dict:
    fraction = SCORE_TABLE[j % 2][p % 5]
    return {
        c.pk: max(0, min(c.scale_max, round(c.scale_max * (fraction - 0.1 * (k % 2)))))
        for k, c in enumerate(panel.criteria.order_by("position"))
    }


def _panel_with_judges(call, manager, judge, expert) -> Panel:
    panel = services.panel_create(call=call, by=manager)
    if not panel.criteria.exists():
        services.rubric_criterion_save(panel=panel, by=manager, name="اثرگذاری", weight=60)
        services.rubric_criterion_save(panel=panel, by=manager, name="امکان‌پذیری", weight=40)
    if judge is not None:
        services.panel_add_city_judge(panel=panel, user=judge, by=manager)
    invitation = services.panel_invite(panel=panel, email=expert.email, by=manager)
    services.invitation_accept(invitation=invitation, user=expert)
    return panel


def _judge(panel, proposals, judges, *, complete: bool) -> None:
    for j, user in enumerate(judges):
        for p, proposal in enumerate(proposals):
            conflict = j == 1 and p == 0  # the expert advised the first applicant
            services.conflict_declare(
                proposal=proposal, by=user, has_conflict=conflict, note="مشاور این شرکت بوده‌ام" if conflict else ""
            )
            if conflict or (not complete and j == 1 and p == len(proposals) - 1):
                continue  # left to do: the manager's progress view shows it missing
            services.sheet_save(
                proposal=proposal,
                by=user,
                values=_values(panel, j, p),
                expected_version=0,
                complete=True,
                comment="ارزیابی نمونه",
            )


def _evaluate(call, *, publish: bool) -> str:
    manager = _manager(call.city)
    if manager is None or Panel.objects.filter(call=call).exists():
        return ""
    proposals = _proposals(call, manager)
    if not proposals:
        return ""
    judge, expert = _city_judge(call.city), _expert()
    panel = _panel_with_judges(call, manager, judge, expert)
    services.panel_start_scoring(panel=panel, by=manager)
    judges = [u for u in (judge, expert) if u is not None]
    _judge(panel, proposals, judges, complete=publish)
    if not publish:
        return "in evaluation"
    services.panel_update_settings(panel=panel, by=manager, normalise=True, publish_scores=True)
    services.panel_close(panel=panel, by=manager)

    for row in panel_results(panel=panel):
        awarded = row["result"].rank == 1
        services.proposal_decide(
            proposal=row["proposal"],
            by=manager,
            decision=Proposal.Decision.AWARDED if awarded else Proposal.Decision.NOT_AWARDED,
            reason="بالاترین امتیاز و پایلوت قابل اجرا در شش ماه" if awarded else "امتیاز کمتر از طرح برگزیده",
        )
    services.results_publish(call=call, by=manager)
    return "results published"


def _backfill_published(call) -> str:
    """The evaluation behind results the challenges demo published (rows: the state machine is past)."""
    manager = _manager(call.city)
    if manager is None or Panel.objects.filter(call=call).exists():
        return ""
    proposals = _proposals(call, manager)
    judge, expert = _city_judge(call.city), _expert()
    panel = Panel(call=call, city_id=call.city_id, status=Panel.Status.CLOSED, publish_scores=True)
    panel._history_user = manager
    panel.save()
    for position, c in enumerate(call.criteria or [{"name": "اثرگذاری", "weight": 100}]):
        RubricCriterion.objects.create(panel=panel, name=c["name"], weight=max(1, int(c["weight"])), position=position)
    outcomes = {r.organization_id: r for r in call.results.all()}
    for j, user in enumerate(u for u in (judge, expert) if u is not None):
        member = PanelMember.objects.create(
            panel=panel,
            user=user,
            source=PanelMember.Source.CITY_JUDGE if user == judge else PanelMember.Source.OUTSIDE_EXPERT,
        )
        for p, proposal in enumerate(proposals):
            ConflictDeclaration.objects.create(member=member, proposal=proposal, has_conflict=False)
            sheet = ScoreSheet.objects.create(
                member=member, proposal=proposal, version=1, completed_at=call.closes_at + datetime.timedelta(days=3)
            )
            awarded = outcomes.get(proposal.organization_id)
            bonus = 1.0 if awarded is not None and awarded.outcome == "awarded" else 0.8
            for c_pk, value in _values(panel, j, p + (0 if bonus == 1.0 else 2)).items():
                Score.objects.create(sheet=sheet, criterion_id=c_pk, value=value)
    for proposal in proposals:
        result = outcomes.get(proposal.organization_id)
        awarded = result is not None and result.outcome == "awarded"
        proposal.decision = Proposal.Decision.AWARDED if awarded else Proposal.Decision.NOT_AWARDED
        proposal.decision_reason = (
            result.public_reason
            if result and result.public_reason
            else ("طرح برگزیده" if awarded else "امتیاز کمتر از طرح‌های برگزیده")
        )
        proposal.decided_by = manager
        proposal.decided_at = call.results_published_at or timezone.now()
        proposal._history_user = manager
        proposal.save()
    return "results published (evaluation backfilled)"


def load(*, stdout) -> None:
    done = []
    with emails_off():
        calls = (
            Call.objects.select_related("city")
            .filter(state__in=[Call.State.CLOSED, Call.State.IN_EVALUATION, Call.State.RESULTS_PUBLISHED])
            .order_by("city__slug", "pk")
        )
        for call in calls:
            if call.state == Call.State.RESULTS_PUBLISHED:
                outcome = _backfill_published(call)
            else:
                # A closed call is left in evaluation; a call already in evaluation is finished.
                outcome = _evaluate(call, publish=call.state == Call.State.IN_EVALUATION)
            if outcome:
                done.append(f"{call.city.slug}: {outcome}")
    n = Proposal.objects.count()
    if done:
        stdout.write(_("Proposals: %(n)s proposals; evaluations: %(done)s") % {"n": n, "done": "; ".join(done)})
    else:
        stdout.write(_("Proposals: %(n)s proposals; the evaluations were already there") % {"n": n})
