"""Housekeeping of intake data that nobody else owns."""

from datetime import timedelta

from django.utils import timezone

from feedback.models import PendingPhoto


def pending_photos_purge(*, older_than=timedelta(days=1)) -> int:
    """Delete kept photos (rows and files) of forms abandoned for more than ``older_than``.

    Called by the hourly beat task; returns how many were removed.
    """
    stale = list(PendingPhoto.objects.filter(created_at__lt=timezone.now() - older_than))
    for photo in stale:
        photo.image.delete(save=False)
    PendingPhoto.objects.filter(pk__in=[p.pk for p in stale]).delete()
    return len(stale)


def pending_photos_keep(*, form_key, photos) -> None:
    """Keep already-cleaned photos of a form that failed for another reason, under its key,
    so the resident does not have to attach them again. Called by the intake views."""
    PendingPhoto.objects.bulk_create(PendingPhoto(form_key=form_key, image=p) for p in photos)


def pending_photos_rekey(*, old, new) -> None:
    """Move kept photos to a form's new one-time key (the old key was spent)."""
    PendingPhoto.objects.filter(form_key=old).update(form_key=new)
