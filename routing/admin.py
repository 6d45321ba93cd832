from django.contrib import admin

from routing.models import HandlingUnit


@admin.register(HandlingUnit)
class HandlingUnitAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "area", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "area__name"]
    autocomplete_fields = ["area"]
    list_select_related = ["area"]
