"""The admin of polls: a draft's question and options are set up here; opening, closing
and publishing are the admin actions below, which call voting's own functions (so they
are audited and the hall is told), and a poll's state and result are only shown."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import admin, messages
from django.db.models import Model, QuerySet
from django.http import HttpRequest

from conference.admin import Audited, actor
from conference.errors import Refused

from . import actions, closing, results
from .models import Option, Poll


class OptionInline(admin.TabularInline):
    """A poll's choices can change only while it is a draft: after that ballots name them."""

    model = Option
    extra = 0

    def _draft(self, obj: Model | None) -> bool:
        return obj is None or (isinstance(obj, Poll) and obj.status == Poll.Status.DRAFT)

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self._draft(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self._draft(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self._draft(obj) and super().has_delete_permission(request, obj)


STATE_FIELDS = ["status", "opened_at", "closes_at", "closed_at", "published_at", "result"]


@admin.register(Poll)
class PollAdmin(Audited):
    """Ballots and participations are not shown: the secret ballot is not browsable."""

    list_display = ["question", "conference", "kind", "majority", "status", "opened_at", "closed_at"]
    list_filter = ["conference", "kind", "status"]
    readonly_fields = STATE_FIELDS
    inlines = [OptionInline]
    actions = ["open_polls", "close_polls", "publish_results"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        if obj is not None and obj.status != Poll.Status.DRAFT:
            # Once open, what the poll asks and how it counts is what people voted on.
            return [f.name for f in Poll._meta.fields if f.name != "id"] + [f.name for f in Poll._meta.many_to_many]
        return STATE_FIELDS

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        # A vote once opened is part of the record: it is annulled at the desk, with a reason, never deleted.
        if isinstance(obj, Poll) and obj.status != Poll.Status.DRAFT:
            return False
        return super().has_delete_permission(request, obj)

    def _each(self, request: HttpRequest, queryset: QuerySet[Poll], do: Callable[[Poll, Any], object]) -> None:
        done = 0
        for poll in queryset:
            try:
                do(poll, actor(request, poll.conference_id))
                done += 1
            except Refused as refused:
                self.message_user(request, f"{poll}: {refused.message}", messages.ERROR)
        if done:
            self.message_user(request, f"Done for {done} of {queryset.count()}.", messages.SUCCESS)

    @admin.action(description="Open the vote")
    def open_polls(self, request: HttpRequest, queryset: QuerySet[Poll]) -> None:
        self._each(request, queryset, actions.open_poll)

    @admin.action(description="Close the vote")
    def close_polls(self, request: HttpRequest, queryset: QuerySet[Poll]) -> None:
        self._each(request, queryset, lambda poll, by: closing.close_poll(poll.pk, by))

    @admin.action(description="Publish the result")
    def publish_results(self, request: HttpRequest, queryset: QuerySet[Poll]) -> None:
        self._each(request, queryset, results.publish_result)
