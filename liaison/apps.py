from django.apps import AppConfig


class LiaisonConfig(AppConfig):
    """The project package as an app: its system checks (``liaison.checks``) and the
    commands that look at a whole deployment (``check_deployment``)."""

    name = "liaison"
    verbose_name = "liaison"

    def ready(self):
        from liaison import checks  # noqa: F401  registers them
