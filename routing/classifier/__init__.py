"""The case classifier (DESIGN section 5): for a resident's text, a suggested route, whether
supervision is called for, category, urgency, deadline level and handling unit, with the
reasons shown to staff.

``rules`` reads the rules file; ``learned`` is the statistical model, ``store`` finds the one
in use, ``suggest`` combines them; ``corpus`` reads labelled examples; ``units`` turns a
suggestion into a handling unit.
"""

from routing.classifier.rules import engine, normalise, reload_rules
from routing.classifier.suggest import classify, classify_many
from routing.classifier.suggestion import Suggestion
from routing.classifier.units import clear_cache, unit_for

__all__ = [
    "Suggestion",
    "classify",
    "classify_many",
    "clear_cache",
    "engine",
    "normalise",
    "reload_rules",
    "unit_for",
]
