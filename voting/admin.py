from django.contrib import admin

from .models import Option, Poll


class OptionInline(admin.TabularInline):
    model = Option
    extra = 0


@admin.register(Poll)
class PollAdmin(admin.ModelAdmin):
    """Ballots and participations are not shown: the secret ballot is not browsable."""

    list_display = ["question", "conference", "kind", "majority", "status", "opened_at", "closed_at"]
    list_filter = ["conference", "kind", "status"]
    readonly_fields = ["opened_at", "closed_at", "published_at", "result"]
    inlines = [OptionInline]
