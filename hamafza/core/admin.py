from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from hamafza.core.models import Capability, City, Domain, Unit


class UnitInline(admin.TabularInline):
    model = Unit
    extra = 0


@admin.register(City)
class CityAdmin(SimpleHistoryAdmin):
    list_display = ["name_fa", "name_en", "slug", "province", "is_active"]
    list_filter = ["province", "is_active"]
    search_fields = ["name_fa", "name_en", "slug"]
    prepopulated_fields = {"slug": ["name_en"]}
    inlines = [UnitInline]


@admin.register(Unit)
class UnitAdmin(SimpleHistoryAdmin):
    list_display = ["name_fa", "name_en", "city", "kind"]
    list_filter = ["kind", "city"]
    search_fields = ["name_fa", "name_en", "city__name_fa", "city__name_en"]


class CapabilityInline(admin.TabularInline):
    model = Capability
    extra = 0
    fields = ["code", "name_fa", "name_en"]


@admin.register(Domain)
class DomainAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name_fa", "name_en", "position"]
    search_fields = ["code", "name_fa", "name_en"]
    inlines = [CapabilityInline]


@admin.register(Capability)
class CapabilityAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name_fa", "name_en", "domain"]
    list_filter = ["domain"]
    search_fields = ["code", "name_fa", "name_en", "search_text"]
