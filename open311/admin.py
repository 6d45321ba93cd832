from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from open311.models import ApiKey
from open311.services import api_key_create, api_keys_revoke


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    """Keys are created here or with ``manage.py open311_key``; the key itself is shown once,
    in the message after saving, and stored only hashed."""

    list_display = ["channel", "prefix", "created_at", "revoked_at"]
    list_filter = ["revoked_at"]
    fields = ["channel"]
    actions = ["revoke"]

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        key, raw = api_key_create(channel=obj.channel)
        obj.pk, obj.prefix, obj.key_hash = key.pk, key.prefix, key.key_hash
        obj._state.adding = False
        messages.warning(
            request,
            _("The key for %(channel)s, shown only now: %(key)s")
            % {"channel": key.channel, "key": raw},
        )

    @admin.action(description=_("Revoke the selected keys"))
    def revoke(self, request, queryset):
        done = api_keys_revoke(queryset.values("pk"))
        messages.success(request, _("%(n)s key(s) revoked.") % {"n": done})
