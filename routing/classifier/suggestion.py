"""What the classifier proposes for one text (its output type)."""

from dataclasses import dataclass

from routing.routes import SUPERVISION


@dataclass(frozen=True)
class Suggestion:
    """What the classifier proposes for one text; staff confirm or change it at triage."""

    route: str  # a Route value: the route the case would follow
    supervise: bool  # supervision (督办) called for, on top of the route
    category: str  # a taxonomy slug
    urgent: bool
    deadline_level: str  # a DeadlineLevel value
    unit_kind: str  # the category's taxonomy unit_type (street, city-department, ...)
    confidence: float  # 0..1
    reasons: tuple[str, ...]  # in Chinese, shown to staff
    # For a transfer (or a supervised transfer): candidate department names, best first.
    unit_names: tuple[str, ...] = ()
    # Too unsure to guess: staff are asked to decide ("请人工判断").
    needs_review: bool = False
    # The learned model that suggested it (None: the rules alone), and the words that
    # weighed most for its answer.
    model_version: int | None = None
    model_words: tuple[str, ...] = ()

    @property
    def code(self) -> str:
        """The five-way answer of the classifier's contract: ``supervise`` when supervision
        is called for, else the route."""
        return SUPERVISION.code if self.supervise else self.route
