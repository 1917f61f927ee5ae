"""Admin for platform staff: every model of pilots and agreements with its history. Files are
private: the admin shows their metadata (name, type, size, hash), never a link to their content;
they are read only through the permission-checked download views."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from hamafza.pilots.models import (
    Agreement,
    AgreementDocument,
    AgreementMilestone,
    AgreementParty,
    AgreementTransition,
    FinalReport,
    FinalReportKpi,
    Kpi,
    LogEntry,
    Measurement,
    Milestone,
    Obligation,
    Payment,
    Pilot,
    PilotFile,
    PilotParty,
    PilotTransition,
)

FILE_METADATA = ("original_name", "content_kind", "size", "sha256", "uploaded_by", "created_at")


class PilotPartyInline(admin.TabularInline):
    model = PilotParty
    extra = 0
    raw_id_fields = ("organization",)


class KpiInline(admin.TabularInline):
    model = Kpi
    extra = 0
    exclude = ("reminded_at",)


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0
    fields = ("title", "due_date", "status", "return_reason")


class PilotTransitionInline(admin.TabularInline):
    model = PilotTransition
    extra = 0
    can_delete = False
    readonly_fields = ("from_state", "to_state", "reason", "by", "at")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Pilot)
class PilotAdmin(SimpleHistoryAdmin):
    list_display = ("pk", "title", "city", "unit", "state", "start_date", "end_date", "approved_budget_rial")
    list_filter = ("state", "city")
    search_fields = ("title",)
    raw_id_fields = ("call", "proposal", "started_by")
    readonly_fields = ("state", "stop_reason", "running_since", "completed_at", "stopped_at")
    inlines = [PilotPartyInline, KpiInline, MilestoneInline, PilotTransitionInline]


@admin.register(PilotParty)
class PilotPartyAdmin(SimpleHistoryAdmin):
    list_display = ("pilot", "organization", "role", "role_name", "share_percent")
    raw_id_fields = ("pilot", "organization")


@admin.register(PilotTransition)
class PilotTransitionAdmin(SimpleHistoryAdmin):
    list_display = ("pilot", "from_state", "to_state", "by", "at")
    readonly_fields = ("pilot", "from_state", "to_state", "reason", "by", "at")

    def has_add_permission(self, request):
        return False


@admin.register(Kpi)
class KpiAdmin(SimpleHistoryAdmin):
    list_display = ("name", "pilot", "unit", "baseline", "target", "target_date")
    raw_id_fields = ("pilot",)


@admin.register(Measurement)
class MeasurementAdmin(SimpleHistoryAdmin):
    list_display = ("kpi", "value", "measured_on", "recorded_by")
    raw_id_fields = ("kpi", "evidence", "recorded_by")


@admin.register(Milestone)
class MilestoneAdmin(SimpleHistoryAdmin):
    list_display = ("title", "pilot", "due_date", "status")
    list_filter = ("status",)
    raw_id_fields = ("pilot", "decided_by")


@admin.register(Payment)
class PaymentAdmin(SimpleHistoryAdmin):
    list_display = ("pilot", "milestone", "planned_rial", "paid_rial", "paid_on")
    raw_id_fields = ("pilot", "milestone")


@admin.register(PilotFile)
class PilotFileAdmin(SimpleHistoryAdmin):
    list_display = ("original_name", "pilot", "purpose", "content_kind", "size", "created_at")
    fields = ("pilot", "milestone", "purpose", "title", *FILE_METADATA)
    readonly_fields = ("pilot", "milestone", *FILE_METADATA)

    def has_add_permission(self, request):
        return False


@admin.register(LogEntry)
class LogEntryAdmin(SimpleHistoryAdmin):
    list_display = ("title", "pilot", "kind", "severity", "status")
    list_filter = ("kind", "severity", "status")
    raw_id_fields = ("pilot", "created_by")


class FinalReportKpiInline(admin.TabularInline):
    model = FinalReportKpi
    extra = 0
    raw_id_fields = ("kpi",)


@admin.register(FinalReport)
class FinalReportAdmin(SimpleHistoryAdmin):
    list_display = ("pilot", "recommendation", "status", "approved_at")
    list_filter = ("status", "recommendation")
    raw_id_fields = ("pilot", "written_by", "approved_by")
    inlines = [FinalReportKpiInline]


class AgreementPartyInline(admin.TabularInline):
    model = AgreementParty
    extra = 0
    raw_id_fields = ("unit", "organization")


class ObligationInline(admin.TabularInline):
    model = Obligation
    extra = 0


class AgreementMilestoneInline(admin.TabularInline):
    model = AgreementMilestone
    extra = 0


@admin.register(Agreement)
class AgreementAdmin(SimpleHistoryAdmin):
    list_display = ("pk", "title", "city", "kind", "status", "signed_on", "value_rial", "value_public")
    list_filter = ("status", "kind", "city")
    search_fields = ("title",)
    raw_id_fields = ("pilot", "call", "created_by")
    readonly_fields = ("status", "termination_reason")
    inlines = [AgreementPartyInline, ObligationInline, AgreementMilestoneInline]


@admin.register(AgreementTransition)
class AgreementTransitionAdmin(SimpleHistoryAdmin):
    list_display = ("agreement", "from_state", "to_state", "by", "at")
    readonly_fields = ("agreement", "from_state", "to_state", "reason", "by", "at")

    def has_add_permission(self, request):
        return False


@admin.register(AgreementDocument)
class AgreementDocumentAdmin(SimpleHistoryAdmin):
    list_display = ("original_name", "agreement", "content_kind", "size", "created_at")
    fields = ("agreement", "title", *FILE_METADATA)
    readonly_fields = ("agreement", *FILE_METADATA)

    def has_add_permission(self, request):
        return False


admin.site.register(AgreementParty, SimpleHistoryAdmin)
admin.site.register(Obligation, SimpleHistoryAdmin)
admin.site.register(AgreementMilestone, SimpleHistoryAdmin)
admin.site.register(FinalReportKpi, SimpleHistoryAdmin)
