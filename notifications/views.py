"""Every signed-in user's inbox (站内消息)."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from notifications.messages import staff_notice
from notifications.selectors import notification_list_for_user

PAGE_SIZE = 25


@login_required
@require_GET
def inbox(request):
    """The signed-in user's in-app notices, newest first; each links to its case, which opens
    on the page of the reader's role (``workbench:case-open``)."""
    page = Paginator(notification_list_for_user(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    items = [
        {
            "text": staff_notice(notice.template, notice.case),
            "note": notice.note,
            "summary": notice.case.summary if notice.case_id else "",
            "created_at": notice.created_at,
            "url": reverse("workbench:case-open", args=[notice.case_id])
            if notice.case_id
            else None,
        }
        for notice in page
    ]
    return render(request, "notifications/inbox.html", {"page": page, "items": items})
