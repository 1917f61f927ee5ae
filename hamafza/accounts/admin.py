from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.admin import SimpleHistoryAdmin

from hamafza.accounts.models import ApiToken, CityRole, SecurityEvent, User
from hamafza.accounts.services import api_token_create, api_token_revoke
from hamafza.core.admin_guards import AllowListedLookups
from hamafza.core.admin_lists import CappedCountAdmin


class CityRoleInline(admin.TabularInline):
    model = CityRole
    extra = 0
    autocomplete_fields = ["city", "unit"]


@admin.register(User)
class UserAdmin(CappedCountAdmin, SimpleHistoryAdmin, BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "display_name_fa", "display_name_en", "preferred_language", "is_staff", "is_active"]
    list_filter = ["is_staff", "is_superuser", "is_active", "preferred_language"]
    search_fields = ["email", "display_name_fa", "display_name_en"]
    inlines = [CityRoleInline]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (pgettext_lazy("text", "Profile"), {"fields": ("display_name_fa", "display_name_en", "preferred_language")}),
        (
            pgettext_lazy("text", "Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (pgettext_lazy("text", "Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)
    actions = ["lift_login_lock", "reset_two_factor"]

    @admin.action(description=_("Lift the sign-in lock of the selected users"))
    def lift_login_lock(self, request, queryset):
        from hamafza.accounts.services import login_lock_lift

        for user in queryset:
            login_lock_lift(user=user, request=request, reason=f"admin {request.user.email}")
        self.message_user(request, _("The sign-in lock was lifted for %(count)s users.") % {"count": len(queryset)})

    @admin.action(description=_("Reset two-factor authentication of the selected users (lost phone)"))
    def reset_two_factor(self, request, queryset):
        from hamafza.accounts.services import two_factor_disable

        for user in queryset:
            two_factor_disable(user=user, by=request.user, request=request, force=True)
        self.message_user(
            request,
            _("Two-factor authentication was reset for %(count)s users; those who must use it set it up again.")
            % {"count": len(queryset)},
        )


@admin.register(CityRole)
class CityRoleAdmin(SimpleHistoryAdmin):
    list_display = ["user", "city", "role", "unit", "source"]
    list_filter = ["role", "source", "city"]
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


@admin.register(SecurityEvent)
class SecurityEventAdmin(admin.ModelAdmin):
    """The audit of sign-ins, lock-outs, two-factor changes and token creation: read-only."""

    list_display = ["created_at", "kind", "user", "username", "ip_address", "path", "detail"]
    list_filter = ["kind", ("created_at", admin.DateFieldListFilter)]
    search_fields = ["username", "user__email", "ip_address"]
    date_hierarchy = "created_at"
    list_select_related = ["user"]
    readonly_fields = ["kind", "user", "username", "ip_address", "user_agent", "path", "detail", "created_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
