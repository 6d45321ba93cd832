from django.contrib import admin
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from common.admin import ReadOnlyAdmin
from routing.models import (
    CalendarDay,
    Case,
    CaseEvent,
    Category,
    ClassificationDecision,
    ClassifierModel,
    DeadlineRule,
    ExtensionRequest,
    HandlingUnit,
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


@admin.register(ClassificationDecision)
class ClassificationDecisionAdmin(ReadOnlyAdmin):
    list_display = [
        "case",
        "suggested_route",
        "suggested_supervise",
        "route",
        "supervise",
        "suggested_category",
        "category",
        "changed",
        "model_version",
    ]
    list_filter = ["changed", "route", "supervise", "suggested_route", "model_version"]
    list_select_related = ["category"]
    show_full_result_count = False


CODES = ("direct", "assign", "transfer", "report", "supervise")


@admin.register(ClassifierModel)
class ClassifierModelAdmin(ReadOnlyAdmin):
    """Each trained version of the classifier's model with its cross-validated accuracy, per
    route too (``manage.py train_classifier``; the nightly task). The newest is in use."""

    list_display = [
        "version_label",
        "created_at",
        "examples",
        "decisions",
        "route_accuracy_cv",
        "recall_per_route",
        "report_precision",
        "category_accuracy_cv",
        "seconds",
    ]
    fields = [
        "version_label",
        "created_at",
        "examples",
        "decisions",
        "route_accuracy_cv",
        "category_accuracy_cv",
        "per_route",
        "confusion",
        "library",
        "seconds",
    ]
    readonly_fields = fields
    # The model itself (several MB) stays out of the list's query.
    list_display_links = ["version_label"]

    def get_queryset(self, request):
        return super().get_queryset(request).defer("blob")

    @admin.display(description=_("version"), ordering="pk")
    def version_label(self, obj):
        return f"v{obj.pk}"

    @admin.display(description=_("recall per route"))
    def recall_per_route(self, obj):
        rows = obj.report.get("per_route", {})
        return " · ".join(f"{code} {rows.get(code, {}).get('recall')}" for code in CODES)

    @admin.display(description=_("report precision"))
    def report_precision(self, obj):
        return obj.report.get("per_route", {}).get("report", {}).get("precision")

    @admin.display(description=_("per route (cross-validated)"))
    def per_route(self, obj):
        rows = obj.report.get("per_route", {})
        return format_html(
            "<table><thead><tr><th></th><th>{}</th><th>{}</th><th>{}</th></tr></thead>"
            "<tbody>{}</tbody></table>",
            _("precision"),
            _("recall"),
            _("texts"),
            format_html_join(
                "",
                "<tr><th>{}</th><td>{}</td><td>{}</td><td>{}</td></tr>",
                (
                    (code, r.get("precision"), r.get("recall"), r.get("support"))
                    for code, r in rows.items()
                ),
            ),
        )

    @admin.display(description=_("confusion (rows: staff's answer)"))
    def confusion(self, obj):
        table = obj.report.get("confusion", {})
        return format_html(
            "<table><thead><tr><th></th>{}</tr></thead><tbody>{}</tbody></table>",
            format_html_join("", "<th>{}</th>", ((c,) for c in CODES)),
            format_html_join(
                "",
                "<tr><th>{}</th>{}</tr>",
                (
                    (
                        row,
                        format_html_join(
                            "", "<td>{}</td>", ((table.get(row, {}).get(c, 0),) for c in CODES)
                        ),
                    )
                    for row in CODES
                ),
            ),
        )


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
