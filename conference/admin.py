"""The Django admin: set-up data is edited here; state is only shown.

State (the current item, the event sequence, access codes, check-in) changes through the
domain's own functions, which audit it and tell the clients; the admin's actions call
those functions. Every save in the admin is written to the audit log too (``Audited``).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import Model, QuerySet
from django.forms import ModelForm
from django.http import HttpRequest

from .actions import audit, revoke_codes
from .models import LMC, AuditEntry, Conference, Representative, Session


def actor(request: HttpRequest, conference_id: int) -> Representative | None:
    """The person at the admin, as the conference knows them (the chair or the secretariat)."""
    if not request.user.is_authenticated:
        return None
    return Representative.objects.filter(user_id=request.user.pk, conference_id=conference_id).first()


class Audited(admin.ModelAdmin):
    """A save in the admin is audited like any other change: who, what, which fields."""

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm[Any], change: bool) -> None:
        super().save_model(request, obj, form, change)
        conference_id = obj.pk if isinstance(obj, Conference) else obj.conference_id
        action = f"admin.{obj._meta.model_name}.{'changed' if change else 'added'}"
        audit(
            conference_id,
            actor(request, conference_id),
            action,
            obj,
            fields=sorted(form.changed_data),
            admin_user=request.user.get_username(),
        )


class LMCInline(admin.TabularInline):
    model = LMC
    extra = 0


@admin.register(Conference)
class ConferenceAdmin(Audited):
    list_display = ["name", "slug", "starts_on", "venue"]
    prepopulated_fields = {"slug": ["name"]}
    # The item on the floor is called from the console (motions.agenda.call_motion).
    readonly_fields = ["current_motion", "event_seq", "record_published_at"]

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        if isinstance(obj, Conference) and obj.record_published_at is not None:
            return False  # its record is published: it stays
        return super().has_delete_permission(request, obj)


@admin.register(Session)
class SessionAdmin(Audited):
    list_display = ["title", "conference", "order", "starts_at", "ends_at"]
    list_filter = ["conference"]


@admin.register(LMC)
class LMCAdmin(Audited):
    list_display = ["name", "conference", "seats"]
    list_filter = ["conference"]
    search_fields = ["name"]


@admin.register(Representative)
class RepresentativeAdmin(Audited):
    """Access codes are issued with their login cards at the desk (only their hash is kept, so
    there is nothing to show here); the admin can revoke one. Check-in is the desk's."""

    list_display = ["name", "lmc", "role", "conference", "is_active", "checked_in"]
    list_filter = ["conference", "role", "is_active", "checked_in"]
    search_fields = ["name", "email", "lmc__name"]
    autocomplete_fields = ["lmc"]
    raw_id_fields = ["user"]
    readonly_fields = ["has_code", "checked_in"]
    actions = ["revoke_codes"]

    @admin.display(boolean=True, description="Has an access code")
    def has_code(self, rep: Representative) -> bool:
        return rep.has_code

    @admin.action(description="Revoke the access code (the card stops working; issue a new one at the desk)")
    def revoke_codes(self, request: HttpRequest, queryset: QuerySet[Representative]) -> None:
        reps = list(queryset)
        for rep in reps:
            revoke_codes([rep], actor(request, rep.conference_id))
        self.message_user(request, f"Revoked {len(reps)} access codes.", messages.SUCCESS)


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: the log is append-only."""

    list_display = ["at", "actor_label", "action", "target", "conference"]
    list_filter = ["conference", "action"]
    search_fields = ["actor_label", "target", "action"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False
