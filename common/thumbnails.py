"""Smaller copies of stored photos, made once when the photo is saved.

A photo row keeps its original (already a clean, metadata-free JPEG, see
``feedback.photos.clean_photo``) and two renditions beside it under derived names:

- the thumbnail, at most ``THUMB_SIDE`` px on its long side, shown in every photo list;
- the view, at most ``VIEW_SIDE`` px, which the thumbnail links to.

Both are re-encoded from pixels alone (no EXIF, no ICC, no comments). A photo already small
enough is its own rendition (no second file). The pixel sizes are not stored: they follow from
the original's ``width`` and ``height`` through ``fit`` (the same rounding that made the
files), so pages need no extra query or file access. Decision record: docs/decisions/0016.
"""

import io
import logging
import os
from typing import Any

from django.core.files.base import ContentFile
from PIL import Image, ImageOps

log = logging.getLogger(__name__)

THUMB_SIDE = 320
THUMB_QUALITY = 75
VIEW_SIDE = 1280
VIEW_QUALITY = 80
# Upper bound of a stored rendition's name: the original's name (100) plus the suffix.
NAME_MAX_LENGTH = 120


def fit(width: int, height: int, side: int) -> tuple[int, int]:
    """The size of a ``width`` x ``height`` image scaled down to at most ``side`` on its long
    side (never up); ``(0, 0)`` when the size is unknown."""
    if not width or not height:
        return 0, 0
    longest = max(width, height)
    if longest <= side:
        return width, height
    scale = side / longest
    return max(1, round(width * scale)), max(1, round(height * scale))


def _encode(image: Image.Image, quality: int) -> bytes:
    out = io.BytesIO()
    # No ``exif``/``icc_profile`` argument: Pillow writes none, whatever the source carried.
    # Progressive: a few per cent smaller, and shows whole at once on a slow line.
    image.save(out, format="JPEG", quality=quality, optimize=True, progressive=True)
    return out.getvalue()


def render(data: bytes) -> tuple[tuple[int, int], bytes | None, bytes | None]:
    """``(original size, view JPEG, thumbnail JPEG)`` of the image ``data``; a rendition is
    ``None`` when the original is already no larger. Raises ``OSError`` and friends for a
    file that is not a readable image."""
    with Image.open(io.BytesIO(data)) as source:
        source.load()
        image = ImageOps.exif_transpose(source).convert("RGB")
    size = image.size
    view = thumb = None
    view_size = fit(*size, VIEW_SIDE)
    if view_size != size:
        image = image.resize(view_size, Image.Resampling.LANCZOS, reducing_gap=3.0)
        view = _encode(image, VIEW_QUALITY)
    thumb_size = fit(*size, THUMB_SIDE)
    if thumb_size != size:
        small = image.resize(thumb_size, Image.Resampling.LANCZOS, reducing_gap=3.0)
        thumb = _encode(small, THUMB_QUALITY)
    return size, view, thumb


def _read(original) -> bytes:
    """The bytes of a FieldFile, whether it is a fresh upload or already in storage."""
    if not original._committed:
        content = original.file
        content.seek(0)
        data = content.read()
        content.seek(0)
        return data
    with original.storage.open(original.name, "rb") as stored:
        return stored.read()


def renditions_fill(instance, field_name: str, *, reuse: bool = False) -> bool:
    """Make the thumbnail and view of ``instance``'s photo ``field_name`` and set
    ``instance.thumbnail`` and ``instance.view`` (the caller saves the row). A fresh upload is
    written to storage first, so that the renditions are named after it.

    Returns whether they were made. A missing or unreadable original is logged and leaves both
    fields empty: pages then show the original, and ``photos_thumbnails`` tries again later.
    With ``reuse`` (the backfill), a rendition already stored under its derived name (a run
    that stopped before saving its rows) is taken as it is.
    """
    original = getattr(instance, field_name)
    if not original:
        return False
    try:
        data = _read(original)
        size, view, thumb = render(data)
    except (OSError, ValueError, SyntaxError, EOFError, Image.DecompressionBombError) as error:
        log.warning("No thumbnails for %s: %s", original.name, error)
        return False
    if not original._committed:
        original.save(original.name, original.file, save=False)
        original = getattr(instance, field_name)
    width_field, height_field = original.field.width_field, original.field.height_field
    if width_field and not getattr(instance, width_field):
        setattr(instance, width_field, size[0])
        setattr(instance, height_field, size[1])
    base = os.path.splitext(original.name)[0]
    storage = original.storage
    names = {}
    for attr, content, suffix in (("view", view, "view"), ("thumbnail", thumb, "thumb")):
        name = f"{base}.{suffix}.jpg"
        if content is None:
            names[attr] = original.name
        elif reuse and storage.exists(name):
            names[attr] = name
        else:
            names[attr] = storage.save(name, ContentFile(content), max_length=NAME_MAX_LENGTH)
    instance.view = names["view"]
    instance.thumbnail = names["thumbnail"]
    return True


class PhotoRenditions:
    """What a page needs of a photo row with ``width``, ``height``, ``thumbnail`` and ``view``
    next to its original (``PHOTO_FIELD``): the file of each rendition and pixel sizes, without
    touching the files. Rows whose renditions are not made yet fall back to the original.
    ``PHOTO_KIND`` names the model in the URLs of the views that serve the files after checking
    who asks (``common.files.private_file``); pages build them with the ``photo_url`` tag."""

    PHOTO_FIELD = "image"
    PHOTO_KIND = ""
    RENDITIONS = ("thumb", "view")
    # Provided by the model that mixes this in (declared for the type checker only).
    thumbnail: Any
    view: Any
    width: int
    height: int

    @property
    def original_file(self):
        return getattr(self, self.PHOTO_FIELD)

    def rendition_file(self, rendition: str):
        """The stored file of ``rendition`` ("thumb" or "view"), else the original."""
        made = self.thumbnail if rendition == "thumb" else self.view
        return made or self.original_file

    @property
    def thumb_size(self) -> tuple[int, int]:
        if not self.thumbnail:
            return self.width, self.height
        return fit(self.width, self.height, THUMB_SIDE)

    @property
    def thumb_width(self) -> int:
        return self.thumb_size[0]

    @property
    def thumb_height(self) -> int:
        return self.thumb_size[1]


def renditions_backfill(model, *, batch_size: int = 200) -> tuple[int, int]:
    """Make the missing renditions of ``model``'s photos (a ``PhotoRenditions`` model), in
    batches of ``batch_size`` rows by primary key; ``(made, failed)``. Idempotent: rows that
    have a thumbnail are not read; a failed row stays empty and is tried again next run. Rows
    sharing one original (a checked result's photos shown to the resident) share its
    renditions."""
    field_name = model.PHOTO_FIELD
    made = failed = 0
    done: dict[str, tuple[str, str]] = {}
    last_pk = 0
    while True:
        rows = list(
            model.objects.filter(thumbnail="", pk__gt=last_pk)
            .exclude(**{field_name: ""})
            .order_by("pk")[:batch_size]
        )
        if not rows:
            return made, failed
        last_pk = rows[-1].pk
        changed = []
        for row in rows:
            original = getattr(row, field_name).name
            if original in done:
                row.thumbnail, row.view = done[original]
            elif renditions_fill(row, field_name, reuse=True):
                done[original] = (row.thumbnail.name, row.view.name)
            else:
                failed += 1
                continue
            changed.append(row)
        model.objects.bulk_update(changed, ["thumbnail", "view"])
        made += len(changed)
