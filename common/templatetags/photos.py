from django import template
from django.urls import reverse

register = template.Library()

# Staff pages (the committee's, the units', the representatives') serve photos by case scope;
# the resident's tracking pages set ``photo_route`` and its leading ``photo_route_args``
# (the tracking code and key) in their context.
STAFF_PHOTO_ROUTE = "workbench:photo"


@register.simple_tag(takes_context=True)
def photo_url(context, photo, rendition: str) -> str:
    """The URL of ``photo``'s ``rendition`` ("thumb" or "view") through the view that checks
    who asks (``common.thumbnails.PhotoRenditions``)."""
    route = context.get("photo_route", STAFF_PHOTO_ROUTE)
    args = [*context.get("photo_route_args", ()), photo.PHOTO_KIND, photo.pk, rendition]
    return reverse(route, args=args)
