"""Suggestions and motions for committee staff and leaders: the list with the year's counts,
each suggestion with the cases it came from and the motions it fed; staff turn a recurring
issue into a draft suggestion with one click. Anybody else gets a 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from reports.models import Suggestion
from reports.periods import Period
from reports.services.suggestions import suggestion_from_cluster, suggestion_year_counts
from reports.views import reporting_scope
from representatives.models import Area, Role
from routing.models import Category


def _visible(scope):
    """Suggestions drafted in the reader's area (or not tied to a street)."""
    return Suggestion.objects.filter(
        street__path__startswith=scope.path
    ) | Suggestion.objects.filter(street__isnull=True)


@require_GET
@login_required
def suggestion_list(request):
    scope = reporting_scope(request.user)
    if scope is None:
        raise Http404
    year = timezone.localdate().year
    suggestions = (
        _visible(scope)
        .select_related("street", "category", "unit")
        .annotate(
            case_count=Count("cases", distinct=True), motion_count=Count("motions", distinct=True)
        )
        .order_by("-created_at")[:200]
    )
    return render(
        request,
        "reports/suggestion_list.html",
        {"suggestions": suggestions, "year": year, "counts": suggestion_year_counts(year)},
    )


@require_GET
@login_required
def suggestion_detail(request, pk: int):
    scope = reporting_scope(request.user)
    if scope is None:
        raise Http404
    suggestion = get_object_or_404(
        _visible(scope).select_related("street", "category", "unit"), pk=pk
    )
    return render(
        request,
        "reports/suggestion_detail.html",
        {
            "suggestion": suggestion,
            "representatives": suggestion.representatives.order_by("name"),
            "cases": suggestion.cases.select_related("area", "category").order_by("created_at"),
            "motions": suggestion.motions.annotate(signers=Count("co_signers")).order_by("pk"),
            "staff": request.user.official.role == Role.COMMITTEE_STAFF,
        },
    )


@require_POST
@login_required
def suggestion_from_cluster_view(request):
    scope = reporting_scope(request.user)
    if scope is None or request.user.official.role != Role.COMMITTEE_STAFF:
        raise Http404
    try:
        street = Area.objects.get(
            pk=int(request.POST.get("street", "")), path__startswith=scope.path
        )
        category = Category.objects.get(pk=int(request.POST.get("category", "")))
        period = Period.parse(request.POST.get("period", ""))
    except (ValueError, Area.DoesNotExist, Category.DoesNotExist):
        raise Http404 from None
    try:
        suggestion = suggestion_from_cluster(
            street=street, category=category, period=period, actor=request.user
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("reports:suggestion-list")
    messages.success(request, _("A draft suggestion was made from the recurring issue."))
    return redirect("reports:suggestion-detail", suggestion.pk)
