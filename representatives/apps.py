from django.apps import AppConfig


class RepresentativesConfig(AppConfig):
    name = "representatives"
