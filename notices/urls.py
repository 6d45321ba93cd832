from django.urls import path

from notices import views

app_name = "notices"

urlpatterns = [
    # Public: what was resolved, announcements, published photos.
    path("gongshi/community/<int:pk>/", views.community_page, name="community"),
    path("gongshi/site/<int:pk>/", views.site_page, name="site"),
    path("gongshi/notices/<int:pk>/", views.announcement_page, name="announcement"),
    path(
        "gongshi/photos/<str:token>/<slug:kind>/<int:pk>/<slug:rendition>/",
        views.published_photo,
        name="photo",
    ),
    # The committee's side.
    path("work/cases/<int:pk>/gongshi/", views.case_publication, name="case-publication"),
    path("work/cases/<int:pk>/gongshi/publish/", views.case_publish_view, name="case-publish"),
    path("work/cases/<int:pk>/gongshi/withdraw/", views.case_withdraw_view, name="case-withdraw"),
    path("work/gongshi/", views.announcement_list, name="announcement-list"),
    path("work/gongshi/new/", views.announcement_new, name="announcement-new"),
    path("work/gongshi/<int:pk>/", views.announcement_staff, name="announcement-staff"),
    path(
        "work/gongshi/<int:pk>/withdraw/",
        views.announcement_withdraw_view,
        name="announcement-withdraw",
    ),
]
