"""Photos on staff pages, served after the case-scope check (decision 0017)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.views.decorators.http import require_GET

from common.files import private_file
from common.thumbnails import PhotoRenditions
from workbench.selectors_photos import photo_for_user_or_404


@login_required
@require_GET
def photo(request, kind, pk, rendition):
    if rendition not in PhotoRenditions.RENDITIONS:
        raise Http404
    found = photo_for_user_or_404(request.user, kind, pk)
    return private_file(request, found.rendition_file(rendition))
