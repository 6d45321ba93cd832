"""The outbox (STYLE: notifications are rows first): who is told what about which case or
submission, in which language, and how delivery went. Holds ids and a template key, never a
message's personal data; ``notifications.messages`` words each template."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """An outbox row: written in the transaction that causes it, delivered by a task after
    commit. Holds ids and a template key, never the message's personal data."""

    class Channel(models.TextChoices):
        SMS = "sms", _("SMS")
        EMAIL = "email", _("E-mail")
        IN_APP = "in_app", _("In-app")

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    channel = models.CharField(max_length=10, choices=Channel)
    template = models.CharField(max_length=50)
    submission = models.ForeignKey(
        "feedback.Submission", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    case = models.ForeignKey(
        "routing.Case", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # Words the in-app notice quotes (a resident's reason for a dissatisfied rating); never
    # put in an e-mail or SMS, which leave the system.
    note = models.TextField(blank=True, db_default="")
    language = models.CharField(max_length=10, default="zh-hans")
    state = models.CharField(max_length=10, choices=State, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    claimed_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        # The table this model had when it lived in routing (moved without copying a row).
        db_table = "routing_notification"
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [models.Index(fields=["state", "created_at"], name="notification_state_time")]

    def __str__(self):
        return f"{self.template} ({self.channel}, {self.state})"
