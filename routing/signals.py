"""What the case workflow tells the apps above it without importing them (every import
points down): they connect receivers in their ``AppConfig.ready``."""

from django.dispatch import Signal

# A reply was published to the residents of ``case`` (sent inside that transaction).
case_replied = Signal()
