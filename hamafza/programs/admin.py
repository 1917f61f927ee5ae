"""Admin for platform staff: every model of events and programs with its history."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from hamafza.programs.models import (
    Application,
    ApplicationTransition,
    Cohort,
    Event,
    EventSession,
    MentorAssignment,
    Pitch,
    Program,
    Registration,
    RegistrationQuestion,
    TeamMilestone,
)


class SessionInline(admin.TabularInline):
    model = EventSession
    extra = 0
    raw_id_fields = ("speaker_people", "speaker_organizations")


class QuestionInline(admin.TabularInline):
    model = RegistrationQuestion
    extra = 0


@admin.register(Event)
class EventAdmin(SimpleHistoryAdmin):
    list_display = ("title", "kind", "city", "status", "starts_at", "capacity")
    list_filter = ("kind", "status", "city")
    search_fields = ("title",)
    raw_id_fields = ("organiser_organization", "calls", "created_by")
    # The room's booking follows the event through its services (the edit page, the API); the jury's
    # hidden call is created by `event_jury_setup` (ADR 0030).
    readonly_fields = ("venue_booking", "jury_call")
    inlines = [SessionInline, QuestionInline]


@admin.register(Registration)
class RegistrationAdmin(SimpleHistoryAdmin):
    list_display = ("event", "user", "status", "requested_at", "checked_in_at")
    list_filter = ("status",)
    raw_id_fields = ("event", "user")


@admin.register(Pitch)
class PitchAdmin(SimpleHistoryAdmin):
    list_display = ("title", "event", "organization", "status", "slot")
    list_filter = ("status",)
    raw_id_fields = ("event", "organization", "proposal", "invited_to_call", "created_by")
    # Written when the pitch results are published, from the jury's aggregation (ADR 0030).
    readonly_fields = ("jury_rank", "jury_score")


class CohortInline(admin.TabularInline):
    model = Cohort
    extra = 0
    raw_id_fields = ("demo_day",)


@admin.register(Program)
class ProgramAdmin(SimpleHistoryAdmin):
    list_display = ("name", "kind", "organization", "city")
    list_filter = ("kind",)
    raw_id_fields = ("organization",)
    inlines = [CohortInline]


@admin.register(Cohort)
class CohortAdmin(SimpleHistoryAdmin):
    list_display = ("name", "program", "starts_on", "ends_on", "applications_open")
    raw_id_fields = ("program", "demo_day")


class MentorInline(admin.TabularInline):
    model = MentorAssignment
    extra = 0
    raw_id_fields = ("user", "person", "assigned_by")


class MilestoneInline(admin.TabularInline):
    model = TeamMilestone
    extra = 0
    raw_id_fields = ("signed_off_by",)


@admin.register(Application)
class ApplicationAdmin(SimpleHistoryAdmin):
    list_display = ("team_name", "cohort", "organization", "state")
    list_filter = ("state",)
    raw_id_fields = ("cohort", "organization", "members", "registered_organization", "applicant", "capabilities")
    # A state changes only through programs.services.application_transition (with its audit row).
    readonly_fields = ("state", "state_reason")
    inlines = [MentorInline, MilestoneInline]


@admin.register(ApplicationTransition)
class ApplicationTransitionAdmin(SimpleHistoryAdmin):
    list_display = ("application", "from_state", "to_state", "by", "at")
    raw_id_fields = ("application", "by")


admin.site.register(EventSession, SimpleHistoryAdmin)
admin.site.register(RegistrationQuestion, SimpleHistoryAdmin)
admin.site.register(MentorAssignment, SimpleHistoryAdmin)
admin.site.register(TeamMilestone, SimpleHistoryAdmin)
