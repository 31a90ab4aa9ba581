from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html

from conference import links
from conference.admin import RepresentativeAdmin, actor
from conference.errors import Refused
from conference.models import Conference, Representative
from voting.models import Participation

from . import actions
from .models import Deputisation, Job, ResultRevision


class ReadOnly(admin.ModelAdmin):
    """Made by desk.actions (audited, with its checks) and only shown here."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(Job)
class JobAdmin(ReadOnly):
    list_display = ["kind", "conference", "status", "done", "total", "created_at"]
    list_filter = ["conference", "kind", "status"]
    exclude = ["content"]


class DeskRepresentativeAdmin(RepresentativeAdmin):
    """The conference's representatives, with the desk's check-in as actions."""

    actions = [*RepresentativeAdmin.actions, "issue_cards", "check_in", "check_out"]

    @admin.action(description="Issue new codes and make their login cards (their old cards stop working)")
    def issue_cards(self, request: HttpRequest, queryset: QuerySet[Representative]) -> None:
        by_conference: dict[int, list[int]] = {}
        for rep in queryset.filter(role=Representative.Role.REPRESENTATIVE):
            by_conference.setdefault(rep.conference_id, []).append(rep.pk)
        for conference_id, rep_ids in by_conference.items():
            conference = Conference.objects.get(pk=conference_id)
            try:
                job = actions.request_cards(
                    conference,
                    Job.Kind.LOGIN_CARDS,
                    actor(request, conference_id),
                    actions.CardScope.CHOSEN,
                    base_url=links.base_url(),
                    rep_ids=rep_ids,
                )
            except Refused as refused:
                self.message_user(request, f"{conference}: {refused.message}", messages.ERROR)
                continue
            url = reverse("desk-job", kwargs={"slug": conference.slug, "job_id": job.pk})
            message = format_html(
                '{}: {} cards, to download once at <a href="{}">the desk</a>.', conference, len(rep_ids), url
            )
            self.message_user(request, message, messages.SUCCESS)

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        # Who voted stays on the roll (take them off it instead): the turnout of every vote is theirs too.
        if isinstance(obj, Representative) and Participation.objects.filter(representative=obj).exists():
            return False
        return super().has_delete_permission(request, obj)

    def _checked(self, request: HttpRequest, queryset: QuerySet[Representative], present: bool) -> None:
        for rep in queryset:
            try:
                actions.set_checked_in(rep, present, actor(request, rep.conference_id))
            except Refused as refused:
                self.message_user(request, f"{rep}: {refused.message}", messages.ERROR)

    @admin.action(description="Check in at the desk")
    def check_in(self, request: HttpRequest, queryset: QuerySet[Representative]) -> None:
        self._checked(request, queryset, True)

    @admin.action(description="Check out")
    def check_out(self, request: HttpRequest, queryset: QuerySet[Representative]) -> None:
        self._checked(request, queryset, False)


admin.site.unregister(Representative)
admin.site.register(Representative, DeskRepresentativeAdmin)


@admin.register(ResultRevision)
class ResultRevisionAdmin(ReadOnly):
    """A revision is made by desk.actions and stays as it was."""

    list_display = ["poll", "kind", "by", "at"]
    list_filter = ["kind"]


@admin.register(Deputisation)
class DeputisationAdmin(ReadOnly):
    """A deputy is seated and stood down at the desk (desk.actions), never edited here."""

    list_display = ["deputy", "absent", "lmc", "started_at", "ended_at"]
    list_filter = ["conference"]
