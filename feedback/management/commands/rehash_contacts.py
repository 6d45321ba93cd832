"""Recompute the keyed hashes that find a resident's cases by phone number or name."""

from django.core.management.base import BaseCommand

from feedback.services.contact import contact_hashes_recompute


class Command(BaseCommand):
    help = "Recompute the phone and name look-up hashes (after CONTACT_LOOKUP_KEY changed)."

    def handle(self, *args, **options):
        self.stdout.write(f"rehashed {contact_hashes_recompute()} submissions")
