"""Write paths for intake codes: create, place, revoke and replace.

Every function here is for administrators and committee staff (the admin and management
commands call them); each runs in one transaction and locks the row it retires, so that two
people replacing the same leaked poster at once produce one replacement, not two.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from representatives.models import LiaisonSite, QRCode, QRPlacement, Representative, TokenStatus
from representatives.selectors import forget_token


def qr_code_create(
    *, site: LiaisonSite | None = None, representative: Representative | None = None
) -> QRCode:
    """Give a site or a representative its active code, or return the one it already has."""
    if (site is None) == (representative is None):
        raise ValueError("Pass exactly one of site or representative.")
    target = {"site": site} if site else {"representative": representative}
    code, _created = QRCode.objects.get_or_create(status=TokenStatus.ACTIVE, **target)
    return code


def qr_placement_create(*, code: QRCode, name: str, location: str = "") -> QRPlacement:
    """Register one printed copy of ``code`` at a named place, with a token of its own."""
    if not code.is_active:
        raise ValidationError(_("This code has been revoked; place its replacement instead."))
    return QRPlacement.objects.create(code=code, name=name, location=location)


@transaction.atomic
def qr_code_revoke_and_replace(*, code: QRCode, reason: str) -> QRCode:
    """Retire a leaked or defaced code and issue a new token for the same site/representative.

    Placements keep their own tokens and move to the new code, so posters that were not
    affected keep working. Returns the replacement.
    """
    code = QRCode.objects.select_for_update().get(pk=code.pk)
    if not code.is_active:
        raise ValidationError(_("This code has already been revoked."))
    code.status = TokenStatus.REVOKED
    code.revoked_at = timezone.now()
    code.revoked_reason = reason
    code.save(update_fields=["status", "revoked_at", "revoked_reason"])
    new = QRCode.objects.create(site_id=code.site_id, representative_id=code.representative_id)
    code.replaced_by = new
    code.save(update_fields=["replaced_by"])
    code.placements.filter(status=TokenStatus.ACTIVE).update(code=new)
    forget_token(code.token)
    return new


@transaction.atomic
def qr_placement_revoke_and_replace(*, placement: QRPlacement, reason: str) -> QRPlacement:
    """Retire one placement's token and issue a new one for the same place; others unchanged."""
    placement = QRPlacement.objects.select_for_update().get(pk=placement.pk)
    if not placement.is_active:
        raise ValidationError(_("This placement has already been revoked."))
    placement.status = TokenStatus.REVOKED
    placement.revoked_at = timezone.now()
    placement.revoked_reason = reason
    placement.save(update_fields=["status", "revoked_at", "revoked_reason"])
    new = QRPlacement.objects.create(
        code_id=placement.code_id, name=placement.name, location=placement.location
    )
    placement.replaced_by = new
    placement.save(update_fields=["replaced_by"])
    forget_token(placement.token)
    return new
