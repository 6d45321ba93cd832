"""Re-encrypt residents' contact details under the newest key in CONTACT_ENCRYPTION_KEYS."""

from django.core.management.base import BaseCommand
from django.db import transaction

from common import crypto
from feedback.models import Submission


class Command(BaseCommand):
    help = "Re-encrypt contact details under the first key of CONTACT_ENCRYPTION_KEYS."

    def handle(self, *args, **options):
        rotated = 0
        rows = Submission.objects.exclude(contact_phone_encrypted="", contact_name_encrypted="")
        for pk in rows.values_list("pk", flat=True).iterator(chunk_size=1000):
            with transaction.atomic():
                s = (
                    Submission.objects.select_for_update()
                    .only("contact_name_encrypted", "contact_phone_encrypted")
                    .get(pk=pk)
                )
                Submission.objects.filter(pk=pk).update(
                    contact_name_encrypted=crypto.rotate(s.contact_name_encrypted),
                    contact_phone_encrypted=crypto.rotate(s.contact_phone_encrypted),
                )
            rotated += 1
        self.stdout.write(f"re-encrypted {rotated} submissions")
