from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from common.admin import ReadOnlyAdmin
from notifications.models import Notification
from notifications.services import notifications_send_again


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
