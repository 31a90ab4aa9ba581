"""The admin of the agenda: a motion's wording and place are set up here while it waits on
the agenda; once it is called or decided it is only shown (the procedure, from the console,
changes how it stands and the desk's import its wording, both audited and told to the hall),
and nothing decided can be deleted here."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.options import InlineModelAdmin
from django.db.models import Model
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from conference.admin import Audited, ConferenceAdmin, LMCAdmin
from conference.models import LMC, Conference

from .models import Amendment, Motion, MotionPart, Outcome, OutcomeChange, Section, StandingOrders


def settled(motion: Model | None) -> bool:
    """Called to the floor or decided: what the hall debates or decided stays as it is."""
    return isinstance(motion, Motion) and (motion.status != Motion.Status.PENDING or bool(motion.outcome))


class WhileOnTheAgenda(admin.TabularInline):
    """A motion's parts and amendments are edited with it, only while it waits on the agenda."""

    extra = 0

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return not settled(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return not settled(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return not settled(obj) and super().has_delete_permission(request, obj)


class MotionPartInline(WhileOnTheAgenda):
    model = MotionPart
    readonly_fields = ["outcome", "text_as_amended"]


@admin.register(Section)
class SectionAdmin(Audited):
    list_display = ["title", "conference", "session", "order", "minutes"]
    list_filter = ["conference", "session"]
    # The section's clock runs with the agenda (motions.agenda).
    readonly_fields = ["started_at", "seconds_used"]


MOTION_STATE = [
    "status",
    "outcome",
    "decided_at",
    "decided_by",
    "text_as_amended",
    "referred_to",
    "awaiting_reply",
    "lead",
    "pulled_from_block",
    "debate_requested_by",
]


@admin.register(Motion)
class MotionAdmin(Audited):
    """Wording and place are set up here; how a motion stands changes only by the procedure
    (motions.procedure, from the console), which audits it and tells the hall."""

    list_display = ["number", "title", "section", "category", "proposer", "status", "outcome"]
    list_filter = ["conference", "section", "category", "status", "outcome"]
    search_fields = ["title", "text", "proposer__name"]
    inlines = [MotionPartInline]
    autocomplete_fields = ["proposer"]
    readonly_fields = MOTION_STATE

    def get_inlines(self, request: HttpRequest, obj: Model | None) -> list[type[InlineModelAdmin[Any, Any]]]:
        return [MotionPartInline, AmendmentInline, OutcomeChangeInline]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        if settled(obj):
            return [f.name for f in Motion._meta.fields if f.name != "id"]
        return MOTION_STATE

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return not settled(obj) and super().has_delete_permission(request, obj)


class AmendmentInline(WhileOnTheAgenda):
    model = Amendment
    readonly_fields = ["outcome"]


class OutcomeChangeInline(admin.TabularInline):
    """The outcome history is read-only: corrections go through the console with a reason."""

    model = OutcomeChange
    extra = 0
    can_delete = False
    readonly_fields = ["previous", "outcome", "by", "at", "reason"]

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


class StandingOrdersInline(admin.StackedInline):
    """A conference's standing orders, edited with it (the row is made with the conference)."""

    model = StandingOrders
    min_num = 1
    max_num = 1
    can_delete = False


class NewConferenceForm(forms.ModelForm):
    """A conference made in the admin names its negotiating body, as the desk's form asks."""

    negotiating_body = forms.CharField(
        max_length=100,
        label=_("Negotiating body"),
        help_text=_("The body its motions are referred to, for example GPC Wales or GPC UK."),
    )

    class Meta:
        model = Conference
        exclude: list[str] = []


@admin.register(StandingOrders)
class StandingOrdersAdmin(Audited):
    list_display = ["conference", "refer_to", "closure_majority", "next_business_majority", "speaker_seconds"]

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False  # every conference has its own


class ConferenceWithRulesAdmin(ConferenceAdmin):
    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        if obj is None:
            kwargs["form"] = NewConferenceForm
        return super().get_form(request, obj, change, **kwargs)

    def get_inlines(self, request: HttpRequest, obj: Model | None) -> list[type[InlineModelAdmin[Any, Any]]]:
        return [StandingOrdersInline] if obj is not None else []

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if not change:  # its standing orders were made with it (motions.apps): name the body
            StandingOrders.objects.filter(conference=obj).update(refer_to=form.cleaned_data["negotiating_body"])


class AgendaLMCAdmin(LMCAdmin):
    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        if isinstance(obj, LMC) and (
            obj.motions.exclude(outcome=Outcome.NONE).exists() or obj.amendments.exclude(outcome=Outcome.NONE).exists()
        ):
            return False  # the record names it as the proposer of a decided motion
        return super().has_delete_permission(request, obj)


admin.site.unregister(Conference)
admin.site.register(Conference, ConferenceWithRulesAdmin)
admin.site.unregister(LMC)
admin.site.register(LMC, AgendaLMCAdmin)
