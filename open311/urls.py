from django.urls import path, register_converter

from open311 import views

app_name = "open311"


class FormatConverter:
    regex = "json|xml"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(FormatConverter, "fmt")

urlpatterns = [
    path("open311/v2/discovery.<fmt:fmt>", views.discovery, name="discovery"),
    path("open311/v2/services.<fmt:fmt>", views.services, name="services"),
    path("open311/v2/services/<slug:code>.<fmt:fmt>", views.service_definition, name="service"),
    path("open311/v2/requests.<fmt:fmt>", views.requests_view, name="requests"),
    path("open311/v2/tokens/<str:token>.<fmt:fmt>", views.token_detail, name="token"),
    path(
        "open311/v2/requests/<str:service_request_id>.<fmt:fmt>",
        views.request_detail,
        name="request",
    ),
]
