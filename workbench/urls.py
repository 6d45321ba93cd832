from django.urls import path

from workbench import urls_desk, urls_work, views_photos

app_name = "workbench"

# The committee's workbench and the units' desk keep their routes in their own modules.
urlpatterns = [
    *urls_work.urlpatterns,
    *urls_desk.urlpatterns,
    path("photos/<slug:kind>/<int:pk>/<slug:rendition>/", views_photos.photo, name="photo"),
]
