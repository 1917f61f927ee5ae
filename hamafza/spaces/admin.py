"""Admin for platform staff: spaces with their opening hours and resources, and bookings, each with
its history. Bookings are written through the services (the overlap guarantee lives there and in
the database); the admin may cancel one by changing its state."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from hamafza.core.admin_guards import AllowListedLookups
from hamafza.spaces.models import Booking, OpeningHours, Resource, Space


class OpeningHoursInline(admin.TabularInline):
    model = OpeningHours
    extra = 0


class ResourceInline(admin.TabularInline):
    model = Resource
    extra = 0
    fields = ("kind", "name_fa", "name_en", "capacity", "slot_minutes", "max_booking_minutes", "is_active")


@admin.register(Space)
class SpaceAdmin(SimpleHistoryAdmin):
    list_display = ("name_fa", "name_en", "city", "unit", "organization", "is_active")
    list_filter = ("city", "is_active")
    search_fields = ("name_fa", "name_en", "slug")
    raw_id_fields = ("organization",)
    prepopulated_fields = {"slug": ("name_en",)}
    inlines = [OpeningHoursInline, ResourceInline]


@admin.register(Resource)
class ResourceAdmin(SimpleHistoryAdmin):
    list_display = ("name_fa", "space", "kind", "capacity", "slot_minutes", "max_booking_minutes", "is_active")
    list_filter = ("kind", "is_active", "space")


@admin.register(OpeningHours)
class OpeningHoursAdmin(SimpleHistoryAdmin):
    list_display = ("space", "weekday", "opens", "closes")
    list_filter = ("space",)


@admin.register(Booking)
class BookingAdmin(AllowListedLookups, SimpleHistoryAdmin):
    list_display = ("resource", "starts_at", "ends_at", "booked_by", "state", "held_for")
    list_filter = ("state", "resource__space")
    raw_id_fields = ("booked_by", "cancelled_by")
    readonly_fields = ("resource", "starts_at", "ends_at", "booked_by", "created_at", "held_for")
    date_hierarchy = "starts_at"

    def has_add_permission(self, request):
        return False
