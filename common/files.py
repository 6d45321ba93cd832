"""Handing over a stored file after the caller has checked who may see it.

Nothing private is served from ``MEDIA_URL``: the view that decides access calls
``private_file`` (decision 0017). On the local disk the file goes through django-sendfile2,
which sends it from Python or, behind nginx or Apache, only names it in an
``X-Accel-Redirect``/``X-Sendfile`` header (``PRIVATE_MEDIA_SERVER``). A storage without local
paths (S3) answers with a redirect to its short-lived signed URL.
"""

from django.http import HttpResponse, HttpResponseRedirect
from django.utils.cache import patch_cache_control
from django_sendfile import sendfile


def private_file(request, field_file, *, store: bool = True) -> HttpResponse:
    """The response that sends ``field_file`` (a ``FieldFile``) to this viewer only.

    Browsers may keep it for revalidation (``private, no-cache``) unless ``store`` is false
    (``no-store``, for what a tracking key opened: a shared phone keeps no copy)."""
    try:
        path = field_file.path
    except NotImplementedError:
        response: HttpResponse = HttpResponseRedirect(field_file.url)
    else:
        response = sendfile(request, path, attachment=False, attachment_filename=False)
    if store:
        patch_cache_control(response, private=True, no_cache=True)
    else:
        patch_cache_control(response, private=True, no_store=True)
    return response
