"""Photos are shown as thumbnails made when they are saved, linking to a view size: the
tracking page stays small, staff pages open the view size, old rows are backfilled."""

import io
import random
import re

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from PIL import Image, ImageDraw, ImageFilter

from common.thumbnails import THUMB_SIDE, VIEW_SIDE
from feedback.models import Submission, SubmissionPhoto
from feedback.photos import clean_photo
from routing.models import CaseAttachment, CaseEvent, Route
from routing.services.workflow import case_accept, case_respond, case_verify_publish
from tests.feedback.helpers import form_data
from tests.routing.helpers import triage

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("fixed_suggestion"),
]

IMG = re.compile(r'<img [^>]*src="([^"]+)"[^>]*>')
PHOTO_LINK = re.compile(r'<a href="([^"]+)"><img [^>]*src="([^"]+)"')
PAGE_BUDGET = 60 * 1024


def big_photo(name="big.jpg", size=(3000, 2000), seed=1) -> SimpleUploadedFile:
    """A camera-sized JPEG with photo-like detail (gradients, shapes, grain) and EXIF."""
    width, height = size
    ramp = Image.linear_gradient("L").resize(size)
    grain = Image.effect_noise(size, 40)
    image = Image.merge("RGB", (ramp, grain, ramp.transpose(Image.Transpose.FLIP_LEFT_RIGHT)))
    draw = ImageDraw.Draw(image)
    rnd = random.Random(seed)
    for _ in range(300):
        x, y = rnd.randrange(width), rnd.randrange(height)
        box = (x, y, x + rnd.randrange(20, 300), y + rnd.randrange(20, 300))
        draw.ellipse(box, fill=tuple(rnd.randrange(256) for _ in range(3)))
    image = image.filter(ImageFilter.GaussianBlur(1))
    exif = Image.Exif()
    exif[0x0110] = "TestPhone 12"
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=92, exif=exif)
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def fetch(client, url) -> bytes:
    response = client.get(url)
    assert response.status_code == 200, url
    return b"".join(response.streaming_content) if response.streaming else response.content


def pixels(data: bytes) -> tuple[int, int]:
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "JPEG"
        assert not image.getexif() and "exif" not in image.info and "icc_profile" not in image.info
        return image.size


def track_url(submission) -> str:
    return f"/track/{submission.tracking_code}/{submission.secret}/"


def staff_links(photo) -> tuple[str, str]:
    """(view, thumbnail) URLs of a photo on staff pages."""
    return tuple(
        reverse("workbench:photo", args=[photo.PHOTO_KIND, photo.pk, r]) for r in ("view", "thumb")
    )


def resident_links(submission, photo) -> tuple[str, str]:
    """(view, thumbnail) URLs of a photo on the resident's tracking page."""
    return tuple(
        reverse(
            "feedback:track-photo",
            args=[submission.tracking_code, submission.secret, photo.PHOTO_KIND, photo.pk, r],
        )
        for r in ("view", "thumb")
    )


@pytest.fixture
def upload():
    return big_photo()


@pytest.fixture
def submitted(client, site_code, site, upload):
    data = form_data(site.area)
    data["photos"] = [upload]
    assert client.post(site_code.get_absolute_url(), data).status_code == 302
    return Submission.objects.get()


@pytest.fixture
def answered(submitted, committee_staff, unit_staff):
    """The resident's case, handled by the unit with an "after" photo, checked and replied."""
    case = triage(
        submitted.case, committee_staff, route=Route.ASSIGN, unit=unit_staff.official.unit
    )
    case_accept(case_id=case.pk, actor=unit_staff)
    after = clean_photo(big_photo("after.jpg", seed=2))
    case_respond(case_id=case.pk, actor=unit_staff, result="路灯已更换。", photos=[after])
    case_verify_publish(
        case_id=case.pk, actor=committee_staff, reply="已修好。", public_actor="人大常委会"
    )
    return case


def test_intake_stores_a_thumbnail_and_a_view_beside_the_photo(submitted, upload):
    photo = submitted.photos.get()
    assert (photo.width, photo.height) == (2048, 1365)  # the original, as cleaned
    base = photo.image.name.removesuffix(".jpg")
    assert photo.thumbnail.name == f"{base}.thumb.jpg" and photo.view.name == f"{base}.view.jpg"
    thumb = photo.thumbnail.open("rb").read()
    view = photo.view.open("rb").read()
    assert pixels(thumb) == (THUMB_SIDE, 213) == photo.thumb_size
    assert pixels(view) == (VIEW_SIDE, 853)
    original = photo.image.open("rb").read()
    assert len(thumb) < len(original) / 10 and len(thumb) < upload.size / 30
    assert len(view) < len(original)


def test_tracking_page_shows_thumbnails_and_stays_under_60_kb(client, answered, submitted):
    page = client.get(track_url(submitted))
    assert page.status_code == 200
    photo = submitted.photos.get()
    result = CaseAttachment.objects.get(event__kind=CaseEvent.Kind.VERIFIED)
    links = PHOTO_LINK.findall(page.text)
    assert links == [resident_links(submitted, photo), resident_links(submitted, result)]
    assert f'width="{THUMB_SIDE}" height="213"' in page.text
    total = len(page.content)
    for src in IMG.findall(page.text):
        data = fetch(client, src)
        assert max(pixels(data)) <= THUMB_SIDE
        total += len(data)
    assert total < PAGE_BUDGET
    # What the page used to load: the stored originals, each several times the budget.
    assert photo.image.size + result.file.size > 5 * PAGE_BUDGET
    assert max(pixels(fetch(client, links[0][0]))) == VIEW_SIDE


def test_the_checked_result_shares_the_units_renditions(answered):
    unit_copy, shown = CaseAttachment.objects.order_by("pk")
    assert shown.event.kind == CaseEvent.Kind.VERIFIED
    assert (shown.file.name, shown.thumbnail.name, shown.view.name) == (
        unit_copy.file.name,
        unit_copy.thumbnail.name,
        unit_copy.view.name,
    )
    assert unit_copy.thumbnail.name.endswith(".thumb.jpg")


def test_staff_case_page_and_desk_open_the_view_size(client, answered, committee_staff, unit_staff):
    expected = [staff_links(p) for p in SubmissionPhoto.objects.all()]
    client.force_login(committee_staff)
    work = client.get(f"/work/cases/{answered.pk}/")
    links = PHOTO_LINK.findall(work.text)
    assert expected[0] in links
    results = [staff_links(a) for a in CaseAttachment.objects.all()]
    assert set(results) <= set(links)
    for view, thumb in links:
        assert max(pixels(fetch(client, view))) == VIEW_SIDE
        assert max(pixels(fetch(client, thumb))) == THUMB_SIDE
    client.force_login(unit_staff)
    desk = client.get(f"/desk/cases/{answered.pk}/")
    desk_links = PHOTO_LINK.findall(desk.text)
    assert expected[0] in desk_links and set(results) <= set(desk_links)


def test_a_small_photo_is_its_own_thumbnail(client, site_code, site):
    out = io.BytesIO()
    Image.new("RGB", (300, 200), (30, 120, 200)).save(out, format="PNG")
    data = form_data(site.area)
    data["photos"] = [SimpleUploadedFile("small.png", out.getvalue(), "image/png")]
    client.post(site_code.get_absolute_url(), data)
    photo = SubmissionPhoto.objects.get()
    assert photo.thumbnail.name == photo.view.name == photo.image.name
    assert photo.thumb_size == (300, 200)
    assert len(default_storage.listdir(photo.image.name.rsplit("/", 1)[0])[1]) == 1


def test_backfill_makes_missing_renditions_once(client, answered, submitted):
    for model in (SubmissionPhoto, CaseAttachment):
        for row in model.objects.all():
            default_storage.delete(row.thumbnail.name)
            default_storage.delete(row.view.name)
        model.objects.update(thumbnail="", view="")
    folder = SubmissionPhoto.objects.get().image.name.rsplit("/", 1)[0]
    assert len(default_storage.listdir(folder)[1]) == 1
    page = client.get(track_url(submitted))
    assert page.status_code == 200
    thumb = IMG.findall(page.text)[0]
    assert max(pixels(fetch(client, thumb))) > VIEW_SIDE  # the stored original, meanwhile

    out = io.StringIO()
    call_command("photos_thumbnails", batch_size=1, stdout=out)
    assert "feedback.SubmissionPhoto: 1 made" in out.getvalue()
    assert "routing.CaseAttachment: 2 made" in out.getvalue()
    photo = SubmissionPhoto.objects.get()
    assert photo.thumbnail.name.endswith(".thumb.jpg") and photo.view.name.endswith(".view.jpg")
    unit_copy, shown = CaseAttachment.objects.order_by("pk")
    assert shown.thumbnail.name == unit_copy.thumbnail.name != ""
    files = sorted(default_storage.listdir(folder)[1])
    assert len(files) == 3

    again = io.StringIO()
    call_command("photos_thumbnails", stdout=again)
    assert "0 made" in again.getvalue() and "1 made" not in again.getvalue()
    assert sorted(default_storage.listdir(folder)[1]) == files
    page = client.get(track_url(submitted))
    assert [max(pixels(fetch(client, src))) for src in IMG.findall(page.text)] == [THUMB_SIDE] * 2


def test_backfill_reuses_renditions_left_by_a_stopped_run(submitted):
    photo = submitted.photos.get()
    names = (photo.thumbnail.name, photo.view.name)
    SubmissionPhoto.objects.update(thumbnail="", view="")  # files stay: the run stopped
    call_command("photos_thumbnails", stdout=io.StringIO())
    photo.refresh_from_db()
    assert (photo.thumbnail.name, photo.view.name) == names


@pytest.mark.parametrize("content", [b"not a jpeg at all", None], ids=["corrupt", "missing"])
def test_a_corrupt_or_missing_original_does_not_break_pages(
    client, submitted, committee_staff, content
):
    name = "submissions/2026/01/broken.jpg"
    if content is not None:
        default_storage.save(name, ContentFile(content))
    # As a row from before thumbnails, or one whose file went bad: saving it must not fail.
    broken = SubmissionPhoto(submission=submitted, image=name, width=800, height=600, position=1)
    broken.save()
    assert broken.thumbnail.name == "" and broken.view.name == ""
    out = io.StringIO()
    call_command("photos_thumbnails", stdout=out)
    assert "feedback.SubmissionPhoto: 0 made, 1 without" in out.getvalue()
    page = client.get(track_url(submitted))
    assert page.status_code == 200
    view, thumb = resident_links(submitted, broken)
    assert f'<a href="{view}"><img src="{thumb}"' in page.text
    assert 'width="800" height="600"' in page.text
    # The original itself as it is (the browser shows a broken image), or nothing: never a 500.
    response = client.get(thumb)
    if content is None:
        assert response.status_code == 404
    else:
        assert response.content == content
    client.force_login(committee_staff)
    assert client.get(f"/work/cases/{submitted.case_id}/").status_code == 200
    assert client.get(staff_links(broken)[1]).status_code == (404 if content is None else 200)
