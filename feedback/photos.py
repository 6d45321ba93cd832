"""Photo intake: verify it is an image, refuse bombs, normalise, strip every byte of metadata.

The output is always a freshly encoded JPEG built from pixel data alone, so EXIF, GPS, XMP,
ICC comments and anything else the camera wrote cannot survive.
"""

import io
import uuid
import warnings

import pillow_heif
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

pillow_heif.register_heif_opener()
# Process-wide: Pillow warns above this many pixels and refuses above twice as many; we treat
# the warning as an error too (see clean_photo).
Image.MAX_IMAGE_PIXELS = settings.PHOTO_MAX_PIXELS

ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "HEIF", "MPO"}


def clean_photo(uploaded) -> ContentFile:
    """Return a metadata-free JPEG of ``uploaded`` or raise ``ValidationError`` (in Chinese)."""
    name = getattr(uploaded, "name", "") or _("photo")
    if uploaded.size > settings.PHOTO_MAX_BYTES:
        raise ValidationError(
            _("“%(name)s” is larger than %(mb)s MB. Please choose a smaller photo.")
            % {"name": name, "mb": settings.PHOTO_MAX_BYTES // (1024 * 1024)},
            code="too_large",
        )
    data = uploaded.read()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                if probe.format not in ACCEPTED_FORMATS:
                    raise ValidationError(_not_an_image(name), code="format")
                # The header says how big it is: refuse before anything is decompressed.
                if probe.width * probe.height > settings.PHOTO_MAX_PIXELS:
                    raise Image.DecompressionBombError(f"{probe.width}×{probe.height}")
                probe.verify()
            with Image.open(io.BytesIO(data)) as image:
                image.load()
                image = ImageOps.exif_transpose(image)
                image = image.convert("RGB")
                image.thumbnail((settings.PHOTO_MAX_SIDE, settings.PHOTO_MAX_SIDE))
                out = io.BytesIO()
                image.save(out, format="JPEG", quality=85, optimize=True)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError(
            _("“%(name)s” has too many pixels to be a photo. Please choose another.")
            % {"name": name},
            code="bomb",
        ) from None
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError):
        raise ValidationError(_not_an_image(name), code="not_image") from None
    return ContentFile(out.getvalue(), name=f"{uuid.uuid4().hex}.jpg")


def _not_an_image(name: str) -> str:
    return _("“%(name)s” is not a photo we can read. Please use JPEG, PNG, WebP or HEIC.") % {
        "name": name
    }
