from django.urls import path, register_converter

from feedback import views


class TrackingCodeConverter:
    regex = r"[A-Za-z0-9-]{4,20}"

    def to_python(self, value):
        return value.upper()

    def to_url(self, value):
        return value


register_converter(TrackingCodeConverter, "code")

app_name = "feedback"

urlpatterns = [
    path("q/<str:token>/", views.intake, name="intake"),
    path("track/", views.track_lookup, name="track-lookup"),
    path("mine/", views.mine, name="mine"),
    path("mine/code/", views.mine_code, name="mine-code"),
    path("mine/list/", views.mine_list, name="mine-list"),
    path("mine/leave/", views.mine_leave, name="mine-leave"),
    path("track/<code:code>/<code:secret>/", views.track, name="track"),
    path("track/<code:code>/<code:secret>/receipt/", views.receipt, name="receipt"),
    path("track/<code:code>/<code:secret>/receipt/sms/", views.receipt_sms, name="receipt-sms"),
    path("track/<code:code>/<code:secret>/rate/", views.rate, name="rate"),
    path(
        "track/<code:code>/<code:secret>/publication/",
        views.publication_consent,
        name="publication-consent",
    ),
    path(
        "track/<code:code>/<code:secret>/photos/<slug:kind>/<int:pk>/<slug:rendition>/",
        views.track_photo,
        name="track-photo",
    ),
    path("photos/kept/<uuid:form_key>/<int:pk>/", views.pending_photo, name="pending-photo"),
    path("rep/", views.rep_home, name="rep-home"),
    path("rep/log/", views.log_opinion, name="log-opinion"),
    path("rep/slip/<code:code>/", views.slip, name="slip"),
    path("rep/contact/<code:code>/", views.contact_reveal, name="contact-reveal"),
]
