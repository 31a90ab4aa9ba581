from django.contrib import admin

from .models import Motion, MotionPart, Section


class MotionPartInline(admin.TabularInline):
    model = MotionPart
    extra = 0


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["title", "conference", "order", "minutes"]
    list_filter = ["conference"]


@admin.register(Motion)
class MotionAdmin(admin.ModelAdmin):
    list_display = ["number", "title", "section", "category", "proposer", "status", "outcome"]
    list_filter = ["conference", "section", "category", "status", "outcome"]
    search_fields = ["title", "text", "proposer__name"]
    inlines = [MotionPartInline]
    autocomplete_fields = ["proposer"]
