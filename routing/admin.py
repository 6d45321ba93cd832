from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from routing.models import (
    CalendarDay,
    Case,
    CaseEvent,
    Category,
    ClassificationDecision,
    DeadlineRule,
    ExtensionRequest,
    HandlingUnit,
    Notification,
    ProgressMeeting,
    ReplyTemplate,
    UpwardReport,
)


@admin.register(HandlingUnit)
class HandlingUnitAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "area", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "area__name"]
    autocomplete_fields = ["area"]
    list_select_related = ["area"]


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "default_route", "unit_type", "position"]
    list_filter = ["default_route"]
    search_fields = ["name", "slug", "examples"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Workflow records change only through the services; the admin shows them."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class CaseEventInline(admin.TabularInline):
    model = CaseEvent
    fields = ["created_at", "kind", "from_status", "to_status", "public_actor", "is_public", "note"]
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin):
    list_display = ["pk", "status", "route", "category", "area", "unit", "created_at"]
    list_filter = ["status", "route", "category"]
    list_select_related = ["category", "area", "unit"]
    date_hierarchy = "created_at"
    show_full_result_count = False
    inlines = [CaseEventInline]


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = [
        "pk",
        "channel",
        "template",
        "state",
        "attempts",
        "last_error",
        "created_at",
        "sent_at",
    ]
    list_filter = ["state", "channel", "template"]
    date_hierarchy = "created_at"
    show_full_result_count = False
    actions = ["send_again"]

    @admin.action(description=_("Send the failed notifications again"))
    def send_again(self, request, queryset):
        from routing.services.notify import notifications_send_again

        count = notifications_send_again(list(queryset.values_list("pk", flat=True)))
        self.message_user(
            request,
            ngettext(
                "%(count)d failed notification was queued again.",
                "%(count)d failed notifications were queued again.",
                count,
            )
            % {"count": count},
        )


@admin.register(ClassificationDecision)
class ClassificationDecisionAdmin(ReadOnlyAdmin):
    list_display = ["case", "suggested_route", "route", "suggested_category", "category", "changed"]
    list_filter = ["changed", "route", "suggested_route"]
    list_select_related = ["category"]
    show_full_result_count = False


@admin.register(ExtensionRequest)
class ExtensionRequestAdmin(ReadOnlyAdmin):
    list_display = ["case", "unit", "new_resolve_by", "state", "created_at"]
    list_filter = ["state"]
    list_select_related = ["unit"]


@admin.register(UpwardReport)
class UpwardReportAdmin(ReadOnlyAdmin):
    list_display = ["case", "body", "reference_number", "reported_on", "replied_on"]


@admin.register(ProgressMeeting)
class ProgressMeetingAdmin(ReadOnlyAdmin):
    list_display = ["title", "held_on", "area"]


@admin.register(ReplyTemplate)
class ReplyTemplateAdmin(admin.ModelAdmin):
    """Reply templates are content: staff edit them here."""

    list_display = ["title", "category"]
    search_fields = ["title", "text"]


@admin.register(DeadlineRule)
class DeadlineRuleAdmin(admin.ModelAdmin):
    """How long each deadline level allows; a change applies to deadlines set from then on
    (within a minute in other processes)."""

    list_display = [
        "level",
        "acknowledge_within",
        "acknowledge_unit",
        "resolve_within",
        "resolve_unit",
        "basis",
    ]
    list_editable = ["acknowledge_within", "acknowledge_unit", "resolve_within", "resolve_unit"]


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    """Corrections of the official holiday calendar (e.g. next year's, before the package
    update): a day off, or a make-up working day."""

    list_display = ["day", "is_working_day", "note"]
    list_filter = ["is_working_day"]
    date_hierarchy = "day"
