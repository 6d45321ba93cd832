import io
import uuid

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image


def jpeg_with_gps(name="photo.jpg", size=(640, 480)) -> SimpleUploadedFile:
    """A real JPEG carrying EXIF with a camera model and GPS coordinates."""
    image = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[0x0110] = "TestPhone 12"  # Model
    exif[0x0112] = 6  # Orientation: rotate 90° CW when displayed
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"
    gps[2] = (45.0, 35.0, 0.0)
    gps[3] = "E"
    gps[4] = (84.0, 53.0, 0.0)
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def form_data(where, **overrides):
    data = {
        "form_key": str(uuid.uuid4()),
        "text": "小区北门的路灯坏了一个多月，晚上老人出门很不安全，希望尽快修好。",
        "request_type": "help",
        "area": str(where.pk),
        "address_line": "向阳北小区北门",
        "category": "estate-property",
        "contact_name": "",
        "contact_phone": "",
        "contact_preference": "none",
        "website": "",
    }
    data.update(overrides)
    return data
