from django.contrib import admin

from .models import LMC, AuditEntry, Conference, Representative, Session


class LMCInline(admin.TabularInline):
    model = LMC
    extra = 0


@admin.register(Conference)
class ConferenceAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "starts_on", "venue"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["event_seq"]


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = ["title", "conference", "order", "starts_at", "ends_at"]
    list_filter = ["conference"]


@admin.register(LMC)
class LMCAdmin(admin.ModelAdmin):
    list_display = ["name", "conference", "seats"]
    list_filter = ["conference"]
    search_fields = ["name"]


@admin.register(Representative)
class RepresentativeAdmin(admin.ModelAdmin):
    list_display = ["name", "lmc", "role", "conference", "is_active", "checked_in"]
    list_filter = ["conference", "role", "is_active", "checked_in"]
    search_fields = ["name", "email", "lmc__name"]
    autocomplete_fields = ["lmc"]
    raw_id_fields = ["user"]


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: the log is append-only."""

    list_display = ["at", "actor_label", "action", "target", "conference"]
    list_filter = ["conference", "action"]
    search_fields = ["actor_label", "target", "action"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
