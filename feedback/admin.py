from django.contrib import admin

from common.admin import ReadOnlyAdmin
from feedback.models import ContactAccess, Rating, Submission, SubmissionPhoto


class PhotoInline(admin.TabularInline):
    model = SubmissionPhoto
    fields = ["image", "width", "height"]
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Submission)
class SubmissionAdmin(ReadOnlyAdmin):
    """Submissions as received; contact details are not shown here (encrypted, masked)."""

    list_display = ["tracking_code", "channel", "request_type", "area", "case", "created_at"]
    list_filter = ["channel", "request_type", "language"]
    search_fields = ["tracking_code"]
    list_select_related = ["area", "case"]
    date_hierarchy = "created_at"
    show_full_result_count = False
    exclude = ["contact_name_encrypted", "contact_phone_encrypted", "secret"]
    inlines = [PhotoInline]


@admin.register(Rating)
class RatingAdmin(ReadOnlyAdmin):
    list_display = ["case", "reply_number", "value", "created_at"]
    list_filter = ["value"]


@admin.register(ContactAccess)
class ContactAccessAdmin(ReadOnlyAdmin):
    """Who saw which resident's contact details, and when (kept for audit)."""

    list_display = ["created_at", "user", "submission"]
    list_select_related = ["user", "submission"]
    search_fields = ["user__username", "submission__tracking_code"]
    date_hierarchy = "created_at"
