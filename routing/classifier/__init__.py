"""The case classifier (DESIGN section 5): for a resident's text, a suggested route, whether
supervision is called for, category, urgency, deadline level and handling unit, with the
reasons shown to staff. The rules are ``rules``; the handling units ``units``."""

from routing.classifier.rules import (
    Suggestion,
    classify,
    engine,
    normalise,
    reload_rules,
)
from routing.classifier.units import clear_cache, unit_for

__all__ = [
    "Suggestion",
    "classify",
    "clear_cache",
    "engine",
    "normalise",
    "reload_rules",
    "unit_for",
]
