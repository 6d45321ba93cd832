"""Residents' and units' photos are served only to who may see the case (issue 15.6): staff
by case scope, the resident through the tracking code and key, a photo kept with an
unfinished form through the form's one-time key. Nothing private is under /media/."""

import uuid

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from django_sendfile.utils import _get_sendfile

from feedback.models import PendingPhoto
from feedback.photos import clean_photo
from representatives.models import Role
from routing.models import CaseAttachment, CaseEvent, Route
from routing.services.workflow import case_accept, case_respond, case_verify_publish
from tests.factories import AreaFactory, HandlingUnitFactory, make_official
from tests.feedback.helpers import form_data, jpeg_with_gps
from tests.routing.helpers import open_case, triage

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_suggestion")]


def staff_url(photo, rendition="thumb") -> str:
    return reverse("workbench:photo", args=[photo.PHOTO_KIND, photo.pk, rendition])


def resident_url(submission, photo, rendition="thumb") -> str:
    args = [submission.tracking_code, submission.secret, photo.PHOTO_KIND, photo.pk, rendition]
    return reverse("feedback:track-photo", args=args)


def is_jpeg(response) -> bool:
    return response.status_code == 200 and response.content[:3] == b"\xff\xd8\xff"


@pytest.fixture
def answered(site, categories, committee_staff, unit_staff):
    """A resident's case with their photo, handled by the unit with an "after" photo (its
    own copy on the internal result event, the shown one on the public reply)."""
    case = open_case(site.area, site=site, photos=[jpeg_with_gps()])
    case = triage(case, committee_staff, route=Route.ASSIGN, unit=unit_staff.official.unit)
    case_accept(case_id=case.pk, actor=unit_staff)
    after = clean_photo(jpeg_with_gps("after.jpg"))
    case_respond(case_id=case.pk, actor=unit_staff, result="路灯已更换。", photos=[after])
    case_verify_publish(
        case_id=case.pk, actor=committee_staff, reply="已修好。", public_actor="人大常委会"
    )
    return case


@pytest.fixture
def photos(answered):
    submission = answered.submissions.get()
    internal = CaseAttachment.objects.get(event__kind=CaseEvent.Kind.RESULT)
    shown = CaseAttachment.objects.get(event__kind=CaseEvent.Kind.VERIFIED)
    assert not internal.event.is_public and shown.event.is_public
    return submission, submission.photos.get(), internal, shown


def test_the_resident_opens_their_photos_and_the_published_result(client, photos):
    submission, own, internal, shown = photos
    for photo in (own, shown):
        for rendition in ("thumb", "view"):
            response = client.get(resident_url(submission, photo, rendition))
            assert is_jpeg(response)
            assert "no-store" in response["Cache-Control"]
            assert "private" in response["Cache-Control"]
    # The unit's own copy on its internal result event is not the resident's to open.
    assert client.get(resident_url(submission, internal)).status_code == 404


def test_a_tracking_key_opens_no_other_residents_photo(client, photos, site):
    submission, own, _internal, _shown = photos
    other = open_case(site.area, site=site, photos=[jpeg_with_gps("other.jpg")])
    theirs = other.submissions.get()
    assert client.get(resident_url(theirs, own)).status_code == 404
    assert is_jpeg(client.get(resident_url(theirs, theirs.photos.get())))
    wrong = reverse(
        "feedback:track-photo",
        args=[submission.tracking_code, theirs.secret, own.PHOTO_KIND, own.pk, "thumb"],
    )
    assert client.get(wrong).status_code == 404
    for bad in ("original", "../thumb"):
        url = resident_url(submission, own).replace("/thumb/", f"/{bad}/")
        assert client.get(url).status_code == 404
    url = resident_url(submission, own).replace("/submission/", "/pending/")
    assert client.get(url).status_code == 404


def test_staff_open_photos_of_the_cases_they_may_see_only(client, photos, areas, unit_staff):
    _submission, own, internal, shown = photos
    other_street = AreaFactory(code="650203005", name="昆仑路街道", level="street", parent=areas[1])
    allowed = {
        "committee-city": make_official(Role.COMMITTEE_STAFF, username="c1", area=areas[0]),
        "committee-street": make_official(Role.COMMITTEE_STAFF, username="c2", area=areas[2]),
        "unit": unit_staff,
    }
    refused = {
        "committee-other-street": make_official(
            Role.COMMITTEE_STAFF, username="c3", area=other_street
        ),
        "other-unit": make_official(
            Role.UNIT_STAFF,
            username="u2",
            area=areas[0],
            unit=HandlingUnitFactory(name="克拉玛依市水务局"),
        ),
        "leader": make_official(Role.LEADER, username="l1", area=areas[0]),
    }
    for name, user in allowed.items():
        client.force_login(user)
        for photo in (own, internal, shown):
            response = client.get(staff_url(photo, "view"))
            assert is_jpeg(response), name
            assert "private" in response["Cache-Control"]
    for name, user in refused.items():
        client.force_login(user)
        for photo in (own, internal, shown):
            assert client.get(staff_url(photo)).status_code == 404, name
    client.logout()
    response = client.get(staff_url(own))
    assert response.status_code == 302 and response.url.startswith(reverse("representatives:login"))


def test_nothing_private_is_under_media(client, photos, committee_staff):
    _submission, own, internal, _shown = photos
    client.force_login(committee_staff)
    for stored in (own.image, own.thumbnail, internal.file):
        assert default_storage.exists(stored.name)
        assert client.get(f"/media/{stored.name}").status_code == 404
    # Representatives' portraits stay public.
    default_storage.save("representatives/zhang.jpg", ContentFile(b"\xff\xd8\xff portrait"))
    client.logout()
    assert client.get("/media/representatives/zhang.jpg").status_code == 200


def test_a_kept_photo_shows_back_on_the_form_to_its_key_only(client, site_code, site):
    data = form_data(site.area, text="")  # refused: no text; the valid photo is kept
    data["photos"] = [jpeg_with_gps()]
    page = client.post(site_code.get_absolute_url(), data)
    assert page.status_code == 400
    kept = PendingPhoto.objects.get()
    url = reverse("feedback:pending-photo", args=[kept.form_key, kept.pk])
    assert f'src="{url}"' in page.text
    assert is_jpeg(client.get(url))
    other_key = reverse("feedback:pending-photo", args=[uuid.uuid4(), kept.pk])
    assert client.get(other_key).status_code == 404


@pytest.fixture
def behind_nginx(settings):
    settings.SENDFILE_BACKEND = "django_sendfile.backends.nginx"
    settings.SENDFILE_URL = "/protected-media"
    _get_sendfile.cache_clear()  # django-sendfile2 keeps the backend it loaded first
    yield
    _get_sendfile.cache_clear()


@pytest.mark.usefixtures("behind_nginx")
def test_behind_nginx_the_view_only_names_the_file(client, photos, committee_staff):
    _submission, own, _internal, _shown = photos
    client.force_login(committee_staff)
    response = client.get(staff_url(own, "view"))
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == f"/protected-media/{own.view.name}"
    assert response.content == b""
