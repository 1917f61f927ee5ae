"""Admin for platform staff. A call's state is read-only here: it changes only through
challenges.services.call_transition (permissions, audit, notifications)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from hamafza.challenges import eligible_calls
from hamafza.challenges.models import (
    Call,
    CallQuestion,
    CallResult,
    CallTransition,
    Canvas,
    EvaluationCriterion,
    Need,
    NeedAttachment,
    Notification,
)
from hamafza.core.admin_guards import SAFE_DATETIMES
from hamafza.core.admin_lists import CappedCountAdmin


class NeedAttachmentInline(admin.TabularInline):
    model = NeedAttachment
    extra = 0
    readonly_fields = ["original_name", "content_type", "size", "uploaded_by", "created_at"]
    fields = readonly_fields
    can_delete = False


@admin.register(Need)
class NeedAdmin(SimpleHistoryAdmin):
    list_display = ["title", "city", "unit", "source", "status", "urgency", "submitted_at"]
    list_filter = ["status", "source", "urgency", "city"]
    search_fields = ["title", "description"]
    raw_id_fields = ["submitted_by", "merged_into", "related"]
    readonly_fields = ["status", "submitted_at", "created_at", "updated_at"]
    inlines = [NeedAttachmentInline]


class CriterionInline(admin.TabularInline):
    model = EvaluationCriterion
    extra = 0
    readonly_fields = ["name", "weight", "position"]
    can_delete = False


class TransitionInline(admin.TabularInline):
    model = CallTransition
    extra = 0
    readonly_fields = ["from_state", "to_state", "by", "note", "at"]
    can_delete = False


class ResultInline(admin.TabularInline):
    model = CallResult
    extra = 0
    raw_id_fields = ["organization"]


@admin.register(Call)
class CallAdmin(CappedCountAdmin, SimpleHistoryAdmin):
    list_display = ["title", "city", "unit", "call_type", "state", "closes_at"]
    # A national table (issue 19): latest deadline first, the order of the index call_closes (the
    # model's order plus "-pk" sorted all 50,000 calls), and no second count of every row.
    ordering = ["-closes_at", "-pk"]
    list_filter = ["state", "call_type", "city"]
    search_fields = ["title", "description"]
    raw_id_fields = ["need", "invited_organizations", "facilitators", "created_by"]
    readonly_fields = ["state", "published_at", "closed_at", "results_published_at", "created_at", "updated_at"]
    inlines = [CriterionInline, ResultInline, TransitionInline]
    formfield_overrides = SAFE_DATETIMES

    def save_related(self, request, form, formsets, change):
        """Dates, eligibility and invitations edited here change who may apply: recompute the
        precomputed eligibility (``challenges.eligible_calls``) once the invitations are saved: the
        call's rows go now, a task refills them after the commit."""
        super().save_related(request, form, formsets, change)
        eligible_calls.call_changed(form.instance)


@admin.register(Canvas)
class CanvasAdmin(SimpleHistoryAdmin):
    list_display = ["call", "version", "updated_by", "updated_at"]
    readonly_fields = ["version"]
    raw_id_fields = ["call", "pilot_unit", "updated_by"]


@admin.register(CallQuestion)
class CallQuestionAdmin(SimpleHistoryAdmin):
    list_display = ["call", "is_published", "created_at", "answered_at"]
    list_filter = ["is_published"]
    raw_id_fields = ["call", "asked_by", "organization", "answered_by"]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "created_at", "read_at"]
    list_filter = ["kind"]
    raw_id_fields = ["user"]
