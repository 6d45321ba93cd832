"""Photo cleaning: metadata stripped, orientation applied, bad files refused with a reason."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from feedback.models import Submission
from feedback.photos import clean_photo
from tests.feedback.helpers import form_data, jpeg_with_gps

pytestmark = pytest.mark.django_db


def _png(size, color=(0, 0, 0)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format="PNG")
    return out.getvalue()


def test_exif_and_gps_are_gone_from_stored_photos(client, site_code, site):
    original = jpeg_with_gps(size=(640, 480))
    assert b"TestPhone" in original.read()
    original.seek(0)
    data = form_data(site.area)
    data["photos"] = [original]
    assert client.post(site_code.get_absolute_url(), data).status_code == 302
    photo = Submission.objects.get().photos.get()
    stored = photo.image.open("rb").read()
    assert b"TestPhone" not in stored and b"Exif" not in stored and b"GPS" not in stored
    with Image.open(io.BytesIO(stored)) as image:
        assert not image.getexif()
        assert image.info.get("exif") is None
        # Orientation 6 was applied: the landscape photo is stored upright as portrait.
        assert image.size == (480, 640)
    assert (photo.width, photo.height) == (480, 640)


def test_large_photo_is_resized(settings):
    settings.PHOTO_MAX_SIDE = 1000
    cleaned = clean_photo(SimpleUploadedFile("big.png", _png((3000, 2000)), "image/png"))
    with Image.open(cleaned) as image:
        assert max(image.size) == 1000 and image.format == "JPEG"


@pytest.mark.parametrize("fmt", ["PNG", "WEBP"])
def test_png_and_webp_accepted(fmt):
    out = io.BytesIO()
    Image.new("RGB", (100, 80), (10, 120, 10)).save(out, format=fmt)
    cleaned = clean_photo(SimpleUploadedFile(f"x.{fmt.lower()}", out.getvalue()))
    assert Image.open(cleaned).format == "JPEG"


def test_heic_accepted_as_jpeg():
    import pillow_heif

    out = io.BytesIO()
    pillow_heif.from_pillow(Image.new("RGB", (64, 48), (0, 0, 200))).save(out, quality=80)
    cleaned = clean_photo(SimpleUploadedFile("iphone.heic", out.getvalue(), "image/heic"))
    assert Image.open(cleaned).size == (64, 48)


def test_non_image_refused_with_its_name():
    with pytest.raises(ValidationError) as error:
        clean_photo(SimpleUploadedFile("report.pdf", b"%PDF-1.4 not a photo", "image/jpeg"))
    assert "report.pdf" in error.value.messages[0]


def test_truncated_image_refused():
    data = jpeg_with_gps().read()
    with pytest.raises(ValidationError):
        clean_photo(SimpleUploadedFile("cut.jpg", data[: len(data) // 2]))


def test_truncated_image_refused_after_a_briefing_pdf(areas, committee_staff):
    # Rendering a PDF imports WeasyPrint, which tells Pillow to accept truncated images.
    from reports.exports_briefing import briefing_pdf
    from reports.periods import Period
    from reports.services.briefing import briefing_compile, briefing_issue

    briefing = briefing_compile(period=Period.parse("2026Q3"), area=areas[0])
    version = briefing_issue(briefing_id=briefing.pk, actor=committee_staff)
    assert briefing_pdf(version, base_url="/").startswith(b"%PDF")
    data = jpeg_with_gps().read()
    with pytest.raises(ValidationError):
        clean_photo(SimpleUploadedFile("cut.jpg", data[: len(data) // 2]))


def test_oversized_file_refused(settings):
    settings.PHOTO_MAX_BYTES = 1000
    with pytest.raises(ValidationError) as error:
        clean_photo(jpeg_with_gps(size=(800, 800)))
    assert error.value.code == "too_large"


def test_decompression_bomb_refused():
    # 10,000 x 10,000 pixels (100 MP) of one colour: a few hundred KB on disk.
    bomb = _png((10000, 10000))
    assert len(bomb) < 2_000_000
    with pytest.raises(ValidationError) as error:
        clean_photo(SimpleUploadedFile("bomb.png", bomb, "image/png"))
    assert error.value.code == "bomb"


def test_a_large_image_is_refused_from_its_header_before_decoding(settings, monkeypatch):
    """Four 39-megapixel PNGs once cost a worker 4 s: one over the limit is refused from the
    size its header states, and nothing is decompressed (``Image.load`` is never reached)."""
    assert settings.PHOTO_MAX_PIXELS <= 30_000_000
    big = _png((6300, 6300))  # 39.7 MP of one colour: small on disk
    loads = []
    real_load = Image.Image.load

    def counting_load(self):
        loads.append(self.size)
        return real_load(self)

    monkeypatch.setattr(Image.Image, "load", counting_load)
    with pytest.raises(ValidationError) as error:
        clean_photo(SimpleUploadedFile("big.png", big, "image/png"))
    assert error.value.code == "bomb"
    assert loads == []
    # A phone-sized photo still goes through.
    assert clean_photo(SimpleUploadedFile("ok.png", _png((4000, 3000)), "image/png"))


def test_gif_refused():
    out = io.BytesIO()
    Image.new("P", (10, 10)).save(out, format="GIF")
    with pytest.raises(ValidationError):
        clean_photo(SimpleUploadedFile("a.gif", out.getvalue()))
