from django import forms
from django.contrib import admin
from django.db import models
from simple_history.admin import SimpleHistoryAdmin

from hamafza.directory.models import Organization, OrganizationMembership, Person


class MembershipInline(admin.TabularInline):
    model = OrganizationMembership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Organization)
class OrganizationAdmin(SimpleHistoryAdmin):
    formfield_overrides = {models.URLField: {"form_class": forms.URLField, "assume_scheme": "https"}}
    list_display = ["name", "kind", "province", "city_name", "knowledge_based", "verified"]
    list_filter = ["kind", "province", "knowledge_based", "verified"]
    search_fields = ["name", "name_en", "city_name", "search_text", "certificate_number"]
    filter_horizontal = ["capabilities"]
    autocomplete_fields = ["city"]
    readonly_fields = ["verified_at", "created_at", "updated_at"]
    inlines = [MembershipInline]


@admin.register(OrganizationMembership)
class OrganizationMembershipAdmin(SimpleHistoryAdmin):
    list_display = ["user", "organization", "role"]
    list_filter = ["role"]
    search_fields = ["user__email", "organization__name"]
    autocomplete_fields = ["user", "organization"]


@admin.register(Person)
class PersonAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "province", "affiliation"]
    list_filter = ["kind", "province"]
    search_fields = ["name", "bio", "city_name"]
    filter_horizontal = ["capabilities"]
    autocomplete_fields = ["user", "affiliation"]
