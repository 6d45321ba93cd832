"""``manage.py train_classifier [--extra FILE.jsonl]``: train a new version of the classifier's
learned model from the staff decisions in the database, the shipped corpora and optional
extra lines ``{"text", "route", "category", "urgent"}`` (treated like confirmed staff
decisions; ``route`` is one of direct, assign, transfer, report, supervise, with an optional
``base_route`` on a supervise line).

Prints one JSON line ``{"version", "examples", "route_accuracy_cv", ...}``. A malformed extra
line stops the command with its line number, and nothing is trained.
"""

import json

from django.core.management.base import BaseCommand, CommandError

from routing.classifier.corpus import BadLine, read_file
from routing.models import ClassifierModel
from routing.services.classifier_training import classifier_train


class Command(BaseCommand):
    help = "Train a new classifier model from staff decisions, the corpora and --extra lines."

    def add_arguments(self, parser):
        parser.add_argument("--extra", help="JSON lines of labelled texts to learn from too")
        parser.add_argument(
            "--if-none",
            action="store_true",
            help="Only when no model has been trained yet (make run, a new installation).",
        )

    def handle(self, *args, **options):
        if options["if_none"] and ClassifierModel.objects.exists():
            newest = ClassifierModel.objects.order_by("-pk").first()
            self.stdout.write(
                json.dumps(
                    {
                        "version": newest.pk,
                        "examples": newest.examples,
                        "route_accuracy_cv": newest.route_accuracy_cv,
                        "trained": False,
                    }
                )
            )
            return
        extra = []
        if options["extra"]:
            try:
                extra = read_file(options["extra"])
            except BadLine as e:
                raise CommandError(f"{e}; nothing was trained") from None
            except (OSError, UnicodeDecodeError) as e:
                raise CommandError(f"cannot read {options['extra']}: {e}") from None
        model = classifier_train(extra=extra)
        self.stdout.write(
            json.dumps(
                {
                    "version": model.pk,
                    "examples": model.examples,
                    "route_accuracy_cv": model.route_accuracy_cv,
                    "category_accuracy_cv": model.category_accuracy_cv,
                    "decisions": model.decisions,
                    "seconds": model.seconds,
                },
                ensure_ascii=False,
            )
        )
