from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from hamafza.consortia.models import (
    Consortium,
    ConsortiumInvitation,
    ConsortiumMember,
    Mission,
    MissionRole,
    ProposalRun,
)
from hamafza.core.admin_guards import AllowListedLookups


class MissionRoleInline(admin.TabularInline):
    model = MissionRole
    fk_name = "mission"
    extra = 0
    fields = ("position", "code", "name", "min_members", "max_members", "capabilities")
    autocomplete_fields = ("capabilities",)


@admin.register(Mission)
class MissionAdmin(SimpleHistoryAdmin):
    list_display = ("title_fa", "title_en", "city", "call", "created_at")
    list_filter = ("city",)
    search_fields = ("title_fa", "title_en")
    raw_id_fields = ("call", "created_by")
    inlines = [MissionRoleInline]


@admin.register(MissionRole)
class MissionRoleAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "mission", "call", "min_members", "max_members")
    search_fields = ("code", "name")
    raw_id_fields = ("mission", "call")
    autocomplete_fields = ("capabilities",)


@admin.register(ProposalRun)
class ProposalRunAdmin(SimpleHistoryAdmin):
    list_display = ("id", "mission", "call", "top", "max_members", "created_by", "created_at")
    raw_id_fields = ("mission", "call", "created_by")
    readonly_fields = ("result", "member_ids")


class MemberInline(admin.TabularInline):
    model = ConsortiumMember
    extra = 0
    raw_id_fields = ("organization", "role")


class InvitationInline(admin.TabularInline):
    model = ConsortiumInvitation
    extra = 0
    raw_id_fields = ("organization", "role", "invited_by", "responded_by")


@admin.register(Consortium)
class ConsortiumAdmin(AllowListedLookups, SimpleHistoryAdmin):  # links a proposal: no lookup through it
    list_display = ("id", "lead", "mission", "call", "proposal", "created_at")
    raw_id_fields = ("lead", "mission", "call", "run", "proposal", "created_by")
    inlines = [MemberInline, InvitationInline]


@admin.register(ConsortiumInvitation)
class ConsortiumInvitationAdmin(SimpleHistoryAdmin):
    list_display = ("organization", "role", "consortium", "status", "created_at", "responded_at")
    list_filter = ("status",)
    raw_id_fields = ("consortium", "organization", "role", "invited_by", "responded_by")
