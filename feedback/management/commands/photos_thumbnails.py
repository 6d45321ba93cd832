"""Make the thumbnails and view sizes of photos stored before they were made on saving."""

from django.core.management.base import BaseCommand

from common.thumbnails import renditions_backfill
from feedback.models import SubmissionPhoto
from routing.models import CaseAttachment


class Command(BaseCommand):
    help = (
        "Make the missing thumbnails and view sizes of residents' photos and case attachments "
        "(batched; safe to run again: done rows are skipped, failed ones retried)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=200)

    def handle(self, *args, batch_size, **options):
        for model in (SubmissionPhoto, CaseAttachment):
            made, failed = renditions_backfill(model, batch_size=batch_size)
            label = model._meta.label
            self.stdout.write(f"{label}: {made} made, {failed} without (original unreadable)")
