"""The proposals app's panels of the role workspaces (ADR 0022), registered in apps.py: panels with
their scoring progress (innovation managers), the scoring queue (judges and invited experts), the
organization's own proposals (organization members). Each panel is one bounded query whose
figures are counted in the database (subqueries), so the page costs the same with any number of
proposals, judges or sheets. Both evaluation panels show each panel's scoring deadline with how
far it is, nearest deadline first (panels without one last)."""

from django.db.models import Count, F, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hamafza.accounts.models import CityRole
from hamafza.accounts.workspace import role_city_ids
from hamafza.core.formatting import digits
from hamafza.core.workspace import Item, Panel, capped
from hamafza.directory.selectors import member_organization_ids
from hamafza.proposals.models import ConflictDeclaration, PanelMember, Proposal, ScoreSheet
from hamafza.proposals.models import Panel as JudgingPanel


def _count(qs, group: str):
    """A correlated COUNT subquery (0 when no row)."""
    return Coalesce(
        Subquery(qs.order_by().values(group).annotate(n=Count("pk")).values("n")[:1], output_field=IntegerField()),
        Value(0),
    )


def _percent(done: int, total: int) -> int:
    return 0 if total <= 0 else max(0, min(100, round(100 * done / total)))


def workspace_context(ws) -> None:
    """``hooks.workspace_context``: members of a panel (invited experts too) are the "judge" audience."""
    if PanelMember.objects.filter(user_id=ws.user.pk).exists():
        ws.audiences.add("judge")


def scoring_progress_panel(ws) -> Panel:
    city_ids = role_city_ids(ws, CityRole.Role.INNOVATION_MANAGER)
    submitted = Proposal.objects.filter(call_id=OuterRef("call_id"), status=Proposal.Status.SUBMITTED)
    panels, more = capped(
        JudgingPanel.objects.filter(
            city_id__in=city_ids, status__in=(JudgingPanel.Status.SETUP, JudgingPanel.Status.SCORING)
        )
        .annotate(
            n_members=_count(PanelMember.objects.filter(panel_id=OuterRef("pk")), "panel_id"),
            n_proposals=_count(submitted, "call_id"),
            n_sheets=_count(
                ScoreSheet.objects.filter(member__panel_id=OuterRef("pk"), completed_at__isnull=False),
                "member__panel_id",
            ),
            n_conflicts=_count(
                ConflictDeclaration.objects.filter(member__panel_id=OuterRef("pk"), has_conflict=True),
                "member__panel_id",
            ),
        )
        .select_related("call")
        .order_by(F("scoring_deadline").asc(nulls_last=True), "-scoring_started_at", "-created_at", "-pk")
    )
    items = []
    for p in panels:
        expected = p.n_members * p.n_proposals
        scoring = p.status == JudgingPanel.Status.SCORING
        items.append(
            Item(
                label=p.call.title,
                url=reverse("proposals:evaluation", args=[p.call_id]),
                detail=_("%(judges)s judges · %(proposals)s proposals")
                % {"judges": digits(p.n_members), "proposals": digits(p.n_proposals)},
                badge=str(JudgingPanel.Status(p.status).label),
                tone="primary" if scoring else "secondary",
                progress=_percent(p.n_sheets + p.n_conflicts, expected) if scoring else None,
                progress_label=pgettext_lazy("text", "Scoring progress"),
                due=p.scoring_deadline,
                due_label=pgettext_lazy("text", "scoring deadline"),
            )
        )
    return Panel(
        key="scoring",
        title=_("Panels and their scoring"),
        items=items,
        empty=_("No panel is being set up or scoring. A panel is set up on a closed call's evaluation page."),
        has_more=more,
    )


def judge_queue_panel(ws) -> Panel:
    submitted = Proposal.objects.filter(call_id=OuterRef("panel__call_id"), status=Proposal.Status.SUBMITTED)
    members, more = capped(
        PanelMember.objects.filter(user_id=ws.user.pk, panel__status=JudgingPanel.Status.SCORING)
        .annotate(
            n_proposals=_count(submitted, "call_id"),
            n_done=_count(ScoreSheet.objects.filter(member_id=OuterRef("pk"), completed_at__isnull=False), "member_id"),
            n_conflicts=_count(
                ConflictDeclaration.objects.filter(member_id=OuterRef("pk"), has_conflict=True), "member_id"
            ),
        )
        .select_related("panel__call__city")
        # Nearest deadline first; panels without one last.
        .order_by(F("panel__scoring_deadline").asc(nulls_last=True), "panel__scoring_started_at", "pk")
    )
    items = []
    for m in members:
        left = max(0, m.n_proposals - m.n_done - m.n_conflicts)
        items.append(
            Item(
                label=m.panel.call.title,
                url=reverse("proposals:judging"),
                detail=m.panel.call.city.name,
                badge=_("%(n)s to score") % {"n": digits(left)} if left else pgettext_lazy("text", "All scored"),
                tone="warning" if left else "success",
                when=m.panel.scoring_started_at,
                when_label=pgettext_lazy("text", "scoring since"),
                progress=_percent(m.n_proposals - left, m.n_proposals),
                progress_label=_("Your scoring progress"),
                due=m.panel.scoring_deadline,
                due_label=pgettext_lazy("text", "scoring deadline"),
            )
        )
    return Panel(
        key="judging",
        title=_("Your scoring queue"),
        items=items,
        empty=_(
            "No panel is scoring now. When the innovation manager starts scoring on a panel you sit on, "
            "its proposals appear here."
        ),
        more={"label": pgettext_lazy("menu", "Judging"), "url": reverse("proposals:judging")},
        has_more=more,
    )


def own_proposals_panel(ws) -> Panel:
    orgs = member_organization_ids(ws.user)
    proposals, more = capped(
        Proposal.objects.filter(organization_id__in=orgs)
        .exclude(status=Proposal.Status.WITHDRAWN)
        .select_related("call", "organization")
        .order_by("-updated_at", "-pk")
    )
    items = []
    for p in proposals:
        draft = p.status == Proposal.Status.DRAFT
        items.append(
            Item(
                label=p.call.title,
                url=reverse("proposals:proposal_detail", args=[p.pk]),
                detail=p.organization.name if p.organization_id else "",
                badge=str(Proposal.Status(p.status).label),
                tone="warning" if draft else "success",
                when=p.call.closes_at if draft else p.submitted_at,
                when_label=pgettext_lazy("text", "call closes") if draft else pgettext_lazy("text", "sent"),
            )
        )
    return Panel(
        key="proposals",
        title=pgettext_lazy("heading", "Your proposals"),
        items=items,
        empty=_("Your organization has no proposal yet. Find an open challenge that fits and apply."),
        actions=[] if items else [{"label": _("Browse the open challenges"), "url": reverse("challenges:call_list")}],
        more={"label": pgettext_lazy("menu", "All proposals"), "url": reverse("proposals:proposal_list")},
        has_more=more,
    )
