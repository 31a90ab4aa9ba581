from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin.options import InlineModelAdmin
from django.db.models import Model
from django.http import HttpRequest

from conference.admin import Audited

from .models import Amendment, Motion, MotionPart, OutcomeChange, Section, StandingOrders


class MotionPartInline(admin.TabularInline):
    model = MotionPart
    extra = 0


@admin.register(Section)
class SectionAdmin(Audited):
    list_display = ["title", "conference", "session", "order", "minutes"]
    list_filter = ["conference", "session"]
    # The section's clock runs with the agenda (motions.agenda).
    readonly_fields = ["started_at", "seconds_used"]


@admin.register(Motion)
class MotionAdmin(Audited):
    """Wording and place are set up here; how a motion stands changes only by the procedure
    (motions.procedure, from the console), which audits it and tells the hall."""

    list_display = ["number", "title", "section", "category", "proposer", "status", "outcome"]
    list_filter = ["conference", "section", "category", "status", "outcome"]
    search_fields = ["title", "text", "proposer__name"]
    inlines = [MotionPartInline]

    def get_inlines(self, request: HttpRequest, obj: Model | None) -> list[type[InlineModelAdmin[Any, Any]]]:
        return [MotionPartInline, AmendmentInline, OutcomeChangeInline]

    autocomplete_fields = ["proposer"]
    readonly_fields = [
        "status",
        "outcome",
        "decided_at",
        "decided_by",
        "text_as_amended",
        "lead",
        "pulled_from_block",
        "debate_requested_by",
    ]


class AmendmentInline(admin.TabularInline):
    model = Amendment
    extra = 0
    readonly_fields = ["outcome"]


class OutcomeChangeInline(admin.TabularInline):
    """The outcome history is read-only: corrections go through the console with a reason."""

    model = OutcomeChange
    extra = 0
    can_delete = False
    readonly_fields = ["previous", "outcome", "by", "at", "reason"]

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(StandingOrders)
class StandingOrdersAdmin(Audited):
    list_display = ["conference", "closure_majority", "next_business_majority", "speaker_seconds"]
