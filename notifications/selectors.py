"""What the inbox reads."""

from django.db.models import QuerySet

from notifications.models import Notification


def notification_list_for_user(user) -> QuerySet:
    """The user's in-app notices, newest first."""
    return (
        Notification.objects.filter(user=user, channel=Notification.Channel.IN_APP)
        .select_related("case")
        .only("pk", "template", "note", "created_at", "case_id", "case__summary")
        .order_by("-created_at", "-pk")
    )
