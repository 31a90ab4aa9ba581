from __future__ import annotations

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

from .models import Deputisation, Job, ResultRevision


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ["kind", "conference", "status", "done", "total", "created_at"]
    list_filter = ["conference", "kind", "status"]
    exclude = ["content"]


@admin.register(ResultRevision)
class ResultRevisionAdmin(admin.ModelAdmin):
    """Read-only: a revision is made by desk.actions and stays as it was."""

    list_display = ["poll", "kind", "by", "at"]
    list_filter = ["kind"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(Deputisation)
class DeputisationAdmin(admin.ModelAdmin):
    list_display = ["deputy", "absent", "lmc", "started_at", "ended_at"]
    list_filter = ["conference"]
