from django.apps import AppConfig


class RoutingConfig(AppConfig):
    name = "routing"

    def ready(self):
        # The route policies must match routes.csv: refuse to start otherwise.
        from routing.routes import check_against_csv

        check_against_csv()
