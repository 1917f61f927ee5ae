from django import forms
from django.contrib import admin
from django.db import models
from simple_history.admin import SimpleHistoryAdmin

from hamafza.core.admin_lists import CappedCountAdmin
from hamafza.directory import services
from hamafza.directory.models import Organization, OrganizationMembership, Person

MEMBERSHIP_FIELDS = ("organization", "user", "role")


class MembershipInline(admin.TabularInline):
    model = OrganizationMembership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Organization)
class OrganizationAdmin(CappedCountAdmin, SimpleHistoryAdmin):
    formfield_overrides = {models.URLField: {"form_class": forms.URLField, "assume_scheme": "https"}}
    list_display = ["name", "kind", "province", "city_name", "knowledge_based", "verified"]
    # A national table (issue 19): the directory's order, which its index organization_directory_order
    # serves (the model's "name" plus the admin's "-pk" sorted all 100,000 rows), and no second
    # count of every row.
    ordering = ["-verified", "sort_name", "pk"]
    list_filter = ["kind", "province", "knowledge_based", "verified"]
    search_fields = ["name", "name_en", "city_name", "search_text", "certificate_number"]
    filter_horizontal = ["capabilities"]
    autocomplete_fields = ["city"]
    readonly_fields = ["verified_at", "created_at", "updated_at"]
    inlines = [MembershipInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        services.organization_changed_in_admin(form.instance)

    def save_formset(self, request, form, formset, change):
        """Memberships edited inline are audited and announced like those of the membership admin."""
        if formset.model is not OrganizationMembership:
            return super().save_formset(request, form, formset, change)
        instances = formset.save(commit=False)
        for membership in formset.deleted_objects:
            services.membership_change_by_platform_admin(membership=membership, by=request.user, action="removed")
            membership.delete()
        changed = {f.instance.pk for f in formset.initial_forms if f.has_changed()}
        for membership in instances:
            action = "added" if membership.pk is None else "changed"
            if action == "added" or membership.pk in changed:
                services.membership_change_by_platform_admin(membership=membership, by=request.user, action=action)
            membership.save()
        formset.save_m2m()


@admin.register(OrganizationMembership)
class OrganizationMembershipAdmin(SimpleHistoryAdmin):
    list_display = ["user", "organization", "role"]
    list_filter = ["role"]
    search_fields = ["user__email", "organization__name"]
    autocomplete_fields = ["user", "organization"]

    def save_model(self, request, obj, form, change):
        if not change or set(form.changed_data) & set(MEMBERSHIP_FIELDS):
            action = "changed" if change else "added"
            services.membership_change_by_platform_admin(membership=obj, by=request.user, action=action)
        super().save_model(request, obj, form, change)

    def delete_model(self, request, obj):
        services.membership_change_by_platform_admin(membership=obj, by=request.user, action="removed")
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for membership in queryset.select_related("organization", "user"):
            self.delete_model(request, membership)


@admin.register(Person)
class PersonAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "province", "affiliation"]
    list_filter = ["kind", "province"]
    search_fields = ["name", "bio", "city_name"]
    filter_horizontal = ["capabilities"]
    autocomplete_fields = ["user", "affiliation"]
