from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from hamafza.accounts.models import CityRole, User


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
