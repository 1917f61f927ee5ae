from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from hamafza.accounts.models import ApiToken, CityRole, User
from hamafza.accounts.services import api_token_create, api_token_revoke
from hamafza.core.admin_guards import AllowListedLookups


class CityRoleInline(admin.TabularInline):
    model = CityRole
    extra = 0
    autocomplete_fields = ["city", "unit"]


@admin.register(User)
class UserAdmin(SimpleHistoryAdmin, BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "display_name_fa", "display_name_en", "preferred_language", "is_staff", "is_active"]
    list_filter = ["is_staff", "is_superuser", "is_active", "preferred_language"]
    search_fields = ["email", "display_name_fa", "display_name_en"]
    inlines = [CityRoleInline]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Profile"), {"fields": ("display_name_fa", "display_name_en", "preferred_language")}),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)


@admin.register(CityRole)
class CityRoleAdmin(SimpleHistoryAdmin):
    list_display = ["user", "city", "role", "unit"]
    list_filter = ["role", "city"]
    search_fields = ["user__email", "city__name_fa", "city__name_en"]
    autocomplete_fields = ["user", "city", "unit"]


@admin.register(ApiToken)
class ApiTokenAdmin(AllowListedLookups, SimpleHistoryAdmin):  # no lookup on key_hash
    """Personal API tokens. Adding one here creates it through the service and shows its secret
    once (for an integration's account); the list shows only the prefix."""

    list_display = ["name", "user", "key_prefix", "created_at", "expires_at", "revoked_at", "last_used_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter), ("expires_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "user__email", "key_prefix"]
    autocomplete_fields = ["user"]
    actions = ["revoke"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["user", "name", "expires_at"]
        return ["user", "name", "key_prefix", "created_at", "expires_at", "revoked_at", "last_used_at"]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else ["user", "key_prefix", "created_at", "last_used_at"]

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        from django.contrib import messages

        token, key = api_token_create(user=obj.user, name=obj.name, expires_at=obj.expires_at)
        for field in ("pk", "key_prefix", "key_hash", "created_at"):
            setattr(obj, field, getattr(token, field))
        obj._state.adding = False
        obj._state.db = token._state.db
        messages.warning(request, _("The token's secret, shown only now: %(key)s") % {"key": key})

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request, queryset):
        for token in queryset:
            api_token_revoke(token=token, by=request.user)
