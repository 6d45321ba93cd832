from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from liaison import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("start/", views.landing, name="landing"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("display/", views.display, name="display"),
    path("", include("representatives.urls")),
    path("", include("feedback.urls")),
    path("", include("workbench.urls")),
    path("", include("notices.urls")),
    path("", include("reports.urls")),
    path("", include("notifications.urls")),
    path("", include("open311.urls")),
    # The admin's own sign-in would skip the TOTP code: send it to the portal's sign-in.
    path(
        "admin/login/",
        RedirectView.as_view(pattern_name="representatives:login", query_string=True),
    ),
    path("admin/", admin.site.urls),
]

if settings.BENCH:
    from bench.views import baseline

    urlpatterns.append(path("bench/baseline/", baseline))

if settings.LOCAL:
    # Local mode serves the public uploads (representatives' portraits) itself; production
    # puts them behind the web server or S3. Residents' and units' photos are never under
    # MEDIA_URL: views check who asks first (common.files.private_file).
    urlpatterns += [path(f"media/{settings.PUBLIC_MEDIA_PREFIX}<path:path>", views.public_media)]
