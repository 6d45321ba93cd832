from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from representatives.models import (
    Area,
    Expertise,
    LiaisonSite,
    Official,
    QRCode,
    QRPlacement,
    ReceptionDay,
    Representative,
)
from representatives.services.qr import qr_code_revoke_and_replace, qr_placement_revoke_and_replace


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "level", "parent", "is_demo"]
    list_filter = ["level", "is_demo", "district"]
    search_fields = ["name", "code"]
    autocomplete_fields = ["parent"]
    list_select_related = ["parent"]
    show_full_result_count = False

    def get_readonly_fields(self, request, obj=None):
        # Code and parent define the materialised path of every area below; moving an area
        # would leave its subtree's path, district and street stale, so they are fixed once set.
        return ["code", "parent", "level"] if obj else []


@admin.register(LiaisonSite)
class LiaisonSiteAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "area", "reception_rule", "is_active"]
    list_filter = ["kind", "is_active", "area__district"]
    search_fields = ["name", "address", "area__name"]
    autocomplete_fields = ["area"]
    list_select_related = ["area"]
    show_full_result_count = False


@admin.register(Expertise)
class ExpertiseAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]


@admin.register(Representative)
class RepresentativeAdmin(admin.ModelAdmin):
    list_display = ["name", "level", "delegation", "is_active", "is_demo"]
    list_filter = ["level", "is_active", "is_demo", "expertise"]
    search_fields = ["name", "delegation"]
    autocomplete_fields = ["sites", "user"]
    filter_horizontal = ["expertise"]
    show_full_result_count = False


class QRPlacementInline(admin.TabularInline):
    model = QRPlacement
    fields = ["name", "location", "token", "status", "created_at"]
    readonly_fields = ["token", "status", "created_at"]
    extra = 0
    show_change_link = True


@admin.action(description=_("Revoke and replace the selected codes"))
def revoke_and_replace_codes(modeladmin, request, queryset):
    for code in queryset.filter(status="active"):
        qr_code_revoke_and_replace(code=code, reason=str(_("Replaced by an administrator")))
    messages.success(request, _("The selected codes were replaced; old posters now show a notice."))


@admin.register(QRCode)
class QRCodeAdmin(admin.ModelAdmin):
    list_display = ["__str__", "token", "status", "created_at"]
    list_filter = ["status"]
    search_fields = ["token", "site__name", "representative__name"]
    readonly_fields = [
        "token",
        "status",
        "created_at",
        "revoked_at",
        "revoked_reason",
        "replaced_by",
    ]
    autocomplete_fields = ["site", "representative"]
    list_select_related = ["site", "representative"]
    inlines = [QRPlacementInline]
    actions = [revoke_and_replace_codes]
    show_full_result_count = False


@admin.action(description=_("Revoke and replace the selected placements"))
def revoke_and_replace_placements(modeladmin, request, queryset):
    for placement in queryset.filter(status="active"):
        qr_placement_revoke_and_replace(
            placement=placement, reason=str(_("Replaced by an administrator"))
        )
    messages.success(request, _("The selected placements were replaced."))


@admin.register(QRPlacement)
class QRPlacementAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "token", "status", "created_at"]
    list_filter = ["status"]
    search_fields = ["name", "token", "code__site__name", "code__representative__name"]
    readonly_fields = [
        "token",
        "status",
        "created_at",
        "revoked_at",
        "revoked_reason",
        "replaced_by",
    ]
    autocomplete_fields = ["code"]
    list_select_related = ["code__site", "code__representative"]
    actions = [revoke_and_replace_placements]
    show_full_result_count = False


@admin.register(Official)
class OfficialAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "area", "site", "unit"]
    list_filter = ["role"]
    search_fields = ["user__username", "area__name", "unit__name", "site__name"]
    autocomplete_fields = ["user", "area", "site", "unit"]
    list_select_related = ["user", "area", "site", "unit"]


@admin.register(ReceptionDay)
class ReceptionDayAdmin(admin.ModelAdmin):
    list_display = ["site", "date", "visitors"]
    list_filter = ["date"]
    search_fields = ["site__name", "notes"]
    autocomplete_fields = ["site", "representatives"]
    list_select_related = ["site"]
    date_hierarchy = "date"
