"""Admin for platform staff. Proposals are confidential: the admin shows their metadata (call,
applicant, status, dates, receipt hash), never their content, attachments or scores, and its
change list accepts only the lookups of its filters (no oracle on hidden fields, ADR 0012).
Attachments, receipts, declarations, score sheets and scores are not registered at all."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from hamafza.core.admin_guards import AllowListedLookups, ConfidentialModelAdmin
from hamafza.core.admin_lists import CappedCountAdmin
from hamafza.proposals.models import Panel, PanelInvitation, PanelMember, Proposal, RubricCriterion

PROPOSAL_METADATA = (
    "call",
    "city",
    "organization",
    "status",
    "submitted_at",
    "withdrawn_at",
    "receipt_hash",
    "decision",
    "decided_at",
    "created_at",
)


@admin.register(Proposal)
class ProposalAdmin(CappedCountAdmin, ConfidentialModelAdmin):
    list_display = ("pk", "call", "organization", "status", "submitted_at", "decision")
    list_filter = ("status", "decision", "city")
    list_select_related = ("call", "organization")
    fields = PROPOSAL_METADATA
    readonly_fields = PROPOSAL_METADATA


class RubricInline(admin.TabularInline):
    model = RubricCriterion
    extra = 0


class MemberInline(admin.TabularInline):
    model = PanelMember
    extra = 0
    raw_id_fields = ("user",)


@admin.register(Panel)
class PanelAdmin(AllowListedLookups, SimpleHistoryAdmin):
    list_display = ("call", "city", "status", "method", "normalise", "blind_review")
    list_filter = ("status", "city")
    raw_id_fields = ("call",)
    inlines = [RubricInline, MemberInline]


@admin.register(PanelInvitation)
class PanelInvitationAdmin(AllowListedLookups, admin.ModelAdmin):  # no lookup on the secret token
    list_display = ("email", "panel", "status", "created_at")
    list_filter = ("status",)
    exclude = ("token",)
    raw_id_fields = ("panel", "invited_by")
