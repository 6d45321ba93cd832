"""A partner channel's key to the Open311 API (docs/api.md)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ApiKey(models.Model):
    """One partner channel's key: stored as its SHA-256 (a key is 256 random bits, so a
    plain hash is enough; it is never shown again), told apart by its first characters."""

    channel = models.CharField(
        _("channel"), max_length=60, help_text=_("Who sends through it: 12345热线, a mini-program…")
    )
    prefix = models.CharField(_("begins with"), max_length=8, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
        ordering = ["channel", "-created_at"]

    def __str__(self):
        return f"{self.channel} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
