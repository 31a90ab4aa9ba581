"""The admin: bodies and their lapse rule are set here; entries are read-only.

An entry's status changes through ``policy.actions`` (its page, for the secretariat),
so that every change has its history line and its audit entry.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import PolicyBody, PolicyEntry, StatusChange


@admin.register(PolicyBody)
class PolicyBodyAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "lapse_years")
    filter_horizontal = ("conferences",)


class StatusChangeInline(admin.TabularInline):
    model = StatusChange
    fk_name = "entry"
    extra = 0
    can_delete = False
    readonly_fields = ("at", "previous", "status", "link", "actor_label", "reason")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(PolicyEntry)
class PolicyEntryAdmin(admin.ModelAdmin):
    list_display = ("reference", "title", "status", "year", "proposer")
    list_filter = ("body", "status", "year")
    search_fields = ("reference", "title", "proposer")
    inlines = [StatusChangeInline]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in PolicyEntry._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
