from django.shortcuts import render
from django.views.decorators.http import require_GET

from representatives.selectors import TokenRevoked, qr_token_resolve


@require_GET
def intake(request, token):
    """Where a scanned code lands: says to whom the opinion will go."""
    try:
        resolved = qr_token_resolve(token)
    except TokenRevoked:
        return render(request, "representatives/token_revoked.html", status=410)
    return render(
        request,
        "feedback/intake.html",
        {
            "resolved": resolved,
            "target": resolved.target,
            "is_site": resolved.code.site_id is not None,
        },
    )
