from django.contrib import admin

from common.admin import ReadOnlyAdmin
from reports.models import Briefing, BriefingVersion, Instruction, StopWord


@admin.register(StopWord)
class StopWordAdmin(admin.ModelAdmin):
    """The committee's list of words hot topics leave out."""

    list_display = ["word"]
    search_fields = ["word"]


@admin.register(Briefing)
class BriefingAdmin(ReadOnlyAdmin):
    list_display = ["title", "period", "area", "compiled_at"]
    list_select_related = ["area"]


@admin.register(BriefingVersion)
class BriefingVersionAdmin(ReadOnlyAdmin):
    list_display = ["title", "number", "issued_at"]
    exclude = ["figures"]


@admin.register(Instruction)
class InstructionAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "text", "version", "case", "supervise", "followed_up_at"]
    list_select_related = ["version", "case"]
