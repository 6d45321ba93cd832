"""The 公示 pages (docs/gongshi.md): public lists of what was resolved in a community or at a
site, announcements with a comment form; and the committee's side: publishing a closed case,
writing announcements, reading comments. Staff pages are committee staff's only, a case or an
announcement outside their area a 404 (visibility equals existence)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from common.files import private_file
from common.pagination import CappedPaginator
from common.ratelimit import rate_limited
from common.thumbnails import PhotoRenditions
from notices.forms import AnnouncementForm, CommentForm, PublishForm
from notices.selectors import (
    announcement_comments,
    announcement_list_for_official,
    announcement_public_or_404,
    announcements_public,
    areas_for_announcements,
    case_consent_given,
    case_is_reported_wrongdoing,
    case_public_photos,
    case_public_reply,
    case_publication_history,
    case_publication_live,
    community_or_404,
    get_announcement_for_official_or_404,
    published_photo_or_404,
    resolved_cases,
    resolved_rows,
    site_or_404,
    sites_for_announcements,
)
from notices.services.announcement import (
    announcement_comment_add,
    announcement_comments_refusal,
    announcement_create,
    announcement_withdraw,
)
from notices.services.publication import case_publication_withdraw, case_publish
from routing.models import Case, CaseStatus
from routing.selectors import case_scope, get_case_for_user_or_404
from workbench.selectors_work import committee_official_or_404

PAGE_SIZE = 20

# --- Public -------------------------------------------------------------------------------


def _public_page(request, *, community=None, site=None):
    paginator = CappedPaginator(resolved_cases(community=community, site=site), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "notices/public.html",
        {
            "community": community,
            "site": site,
            "area": community or site.area,
            "page": page,
            "rows": resolved_rows(page.object_list),
            "announcements": announcements_public(community=community, site=site),
        },
    )


@require_GET
def community_page(request, pk):
    return _public_page(request, community=community_or_404(pk))


@require_GET
def site_page(request, pk):
    return _public_page(request, site=site_or_404(pk))


@require_http_methods(["GET", "POST"])
def announcement_page(request, pk):
    """An announcement and, while its period is open, the comment form (no account)."""
    announcement = announcement_public_or_404(pk)
    form = CommentForm()
    status = 200
    if request.method == "POST":
        form = CommentForm(request.POST)
        status = 400
        if refusal := announcement_comments_refusal(announcement):
            form.add_error(None, refusal)
        elif (
            wait := rate_limited(
                request, "gongshi-comment", settings.GONGSHI_COMMENT_RATE, increment=True
            )
        ) is not None:
            form.is_valid()  # keep what was typed
            form.add_error(
                "text",
                ngettext(
                    "Many comments came from your network just now. Please try again in "
                    "%(minutes)s minute; your comment is still here.",
                    "Many comments came from your network just now. Please try again in "
                    "%(minutes)s minutes; your comment is still here.",
                    wait,
                )
                % {"minutes": wait},
            )
            status = 429
        elif form.is_valid():
            if form.cleaned_data["website"]:
                messages.success(request, _("Thank you. Your comment reached the committee."))
                return redirect("notices:announcement", announcement.pk)
            try:
                announcement_comment_add(announcement=announcement, text=form.cleaned_data["text"])
            except ValidationError as error:
                for field, errors in error.error_dict.items():
                    form.add_error(field, errors)
            else:
                messages.success(request, _("Thank you. Your comment reached the committee."))
                return redirect("notices:announcement", announcement.pk)
    return render(
        request,
        "notices/announcement.html",
        {"announcement": announcement, "form": form, "state": announcement.comments_state()},
        status=status,
    )


@require_GET
def published_photo(request, token, kind, pk, rendition):
    """A published result photo: anyone, while the publication is live and its residents
    agree (the check runs on every request, so a withdrawal takes effect at once)."""
    if rendition not in PhotoRenditions.RENDITIONS or kind != "attachment":
        raise Http404
    return private_file(request, published_photo_or_404(token, pk).rendition_file(rendition))


# --- Staff: publishing a case -------------------------------------------------------------


def _case_for_staff(request, pk) -> Case:
    committee_official_or_404(request.user)
    return get_case_for_user_or_404(request.user, pk)


def _publication_page(request, case, *, form=None, error="", status=200):
    photos = case_public_photos(case)
    live = case_publication_live(case)
    if form is None:
        form = PublishForm(
            photos=photos,
            initial={
                "show_reply": live.reply_id is not None if live else True,
                "photos": [str(p.pk) for p in live.photos.all()] if live else [],
            },
        )
    return render(
        request,
        "notices/case_publication.html",
        {
            "case": case,
            "is_closed": case.status == CaseStatus.CLOSED,
            "reported": case_is_reported_wrongdoing(case),
            "consent": case_consent_given(case),
            "reply": case_public_reply(case),
            "photos": photos,
            "photo_fields": list(zip(form["photos"], photos, strict=False)),
            "live": live,
            "history": case_publication_history(case),
            "form": form,
            "error": error,
        },
        status=status,
    )


@login_required
@require_GET
def case_publication(request, pk):
    return _publication_page(request, _case_for_staff(request, pk))


@login_required
@require_POST
def case_publish_view(request, pk):
    case = _case_for_staff(request, pk)
    form = PublishForm(request.POST, photos=case_public_photos(case))
    if form.is_valid():
        try:
            case_publish(
                case_id=case.pk,
                actor=request.user,
                show_reply=form.cleaned_data["show_reply"],
                photo_ids=form.cleaned_data["photos"],
            )
        except ValidationError as error:
            form.attach(error)
        else:
            messages.success(request, _("Published on the notice pages."))
            return redirect("notices:case-publication", case.pk)
    return _publication_page(request, case, form=form, status=400)


@login_required
@require_POST
def case_withdraw_view(request, pk):
    case = _case_for_staff(request, pk)
    try:
        case_publication_withdraw(case_id=case.pk, actor=request.user)
    except ValidationError as error:
        return _publication_page(request, case, error=error.messages[0], status=400)
    messages.success(request, _("Withdrawn: the reply and photos are no longer shown."))
    return redirect("notices:case-publication", case.pk)


# --- Staff: announcements -----------------------------------------------------------------


@login_required
@require_GET
def announcement_list(request):
    official = committee_official_or_404(request.user)
    page = CappedPaginator(announcement_list_for_official(official), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "notices/announcement_list.html", {"page": page})


@login_required
@require_http_methods(["GET", "POST"])
def announcement_new(request):
    official = committee_official_or_404(request.user)
    choices = {
        "areas": areas_for_announcements(official),
        "sites": sites_for_announcements(official),
    }
    if request.method == "GET":
        form = AnnouncementForm(**choices)
        return render(request, "notices/announcement_form.html", {"form": form})
    form = AnnouncementForm(request.POST, **choices)
    if form.is_valid():
        data = form.cleaned_data
        scope = case_scope(request.user)
        cases = list(Case.objects.filter(scope, pk__in=data["refs"]).select_related("area"))
        try:
            if len(cases) != len(set(data["refs"])):
                raise ValidationError({"refs": _("Some cases are not in your area.")})
            announcement = announcement_create(
                actor=request.user,
                official=official,
                area=data["area"],
                site=data["site"],
                title=data["title"],
                body=data["body"],
                opens_on=data["opens_on"],
                closes_on=data["closes_on"],
                cases=cases,
            )
        except ValidationError as error:
            form.attach(error)
        else:
            messages.success(request, _("Announced. Residents can read it now."))
            return redirect("notices:announcement-staff", announcement.pk)
    return render(request, "notices/announcement_form.html", {"form": form}, status=400)


@login_required
@require_GET
def announcement_staff(request, pk):
    official = committee_official_or_404(request.user)
    announcement = get_announcement_for_official_or_404(official, pk)
    page = CappedPaginator(announcement_comments(announcement), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "notices/announcement_staff.html",
        {
            "announcement": announcement,
            "page": page,
            "state": announcement.comments_state(),
            "cases": announcement.cases.order_by("pk"),
        },
    )


@login_required
@require_POST
def announcement_withdraw_view(request, pk):
    official = committee_official_or_404(request.user)
    announcement = get_announcement_for_official_or_404(official, pk)
    announcement_withdraw(announcement_id=announcement.pk, actor=request.user)
    messages.success(request, _("Withdrawn from the notice pages."))
    return redirect("notices:announcement-staff", announcement.pk)
