"""Training the classifier's learned model (docs/classifier.md, decision 0013): from the
shipped corpora, every case's latest staff decision, and extra labelled lines; the result is
a new ``ClassifierModel`` version, which ``classify`` uses from then on."""

import logging
from collections.abc import Sequence

from django.conf import settings
from django.db.models import Max, OuterRef, Subquery

from routing.classifier import corpus, learned, store
from routing.classifier.corpus import Example
from routing.models import ClassificationDecision, ClassifierModel
from routing.routes import SUPERVISION

logger = logging.getLogger(__name__)

# A staff decision (or an extra line) counts this much more than a corpus line: it is the
# deployment's own kind of message (decision 0013 measures 1 and 3).
DECISION_WEIGHT = 3.0
# Cross-validation folds: fewer on large sets, so that 10,000 decisions train in a minute.
FOLDS_SMALL, FOLDS_LARGE, LARGE = 5, 3, 5000


def decision_examples() -> tuple[list[Example], int]:
    """Each case's latest staff decision as an example, and the newest decision's id."""
    latest = (
        ClassificationDecision.objects.filter(case=OuterRef("case"))
        .order_by("-created_at", "-pk")
        .values("pk")[:1]
    )
    rows = (
        ClassificationDecision.objects.filter(pk=Subquery(latest), category__isnull=False)
        .exclude(text="")
        .values_list("text", "route", "supervise", "category__slug", "urgent")
        .order_by("pk")
    )
    examples = [
        Example(
            text=text,
            code=SUPERVISION.code if supervise else route,
            route=route,
            category=slug,
            urgent=urgent,
            weight=DECISION_WEIGHT,
        )
        for text, route, supervise, slug, urgent in rows
    ]
    newest = ClassificationDecision.objects.aggregate(newest=Max("pk"))["newest"] or 0
    return examples, newest


def classifier_train(*, extra: Sequence[Example] = ()) -> ClassifierModel:
    """Train on the shipped corpora, the decisions and ``extra`` (weighted like decisions),
    measure by cross-validation, and store the model as the next version. Called by
    ``train_classifier`` and the nightly task; takes seconds to a minute, so never in a
    request."""
    decisions, newest = decision_examples()
    extra = [Example(**{**e.__dict__, "weight": DECISION_WEIGHT}) for e in extra]
    examples = [*corpus.bundled(), *decisions, *extra]
    folds = FOLDS_SMALL if len(examples) <= LARGE else FOLDS_LARGE
    model = learned.train(examples, folds=folds)
    report = model.report
    row = ClassifierModel.objects.create(
        examples=len(examples),
        decisions=len(decisions) + len(extra),
        last_decision_id=newest,
        route_accuracy_cv=report["route_accuracy"],
        category_accuracy_cv=report["category_accuracy"],
        report=report,
        library=report["library"],
        seconds=report["seconds"],
        blob=learned.dumps(model),
    )
    store.forget()
    logger.info(
        "classifier model v%s: %s examples, route accuracy %.3f (cv)",
        row.pk,
        row.examples,
        row.route_accuracy_cv,
    )
    return row


def classifier_retrain_if_due() -> ClassifierModel | None:
    """Train a new version when there is none yet or at least
    ``CLASSIFIER_RETRAIN_AFTER_DECISIONS`` decisions are newer than the last one's (the
    nightly beat task)."""
    last = ClassifierModel.objects.order_by("-pk").first()
    since = last.last_decision_id if last else 0
    new = ClassificationDecision.objects.filter(pk__gt=since).count()
    if last is not None and new < settings.CLASSIFIER_RETRAIN_AFTER_DECISIONS:
        logger.info("classifier: %s new decisions, not retrained", new)
        return None
    return classifier_train()
