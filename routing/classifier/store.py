"""The learned model ``classify`` uses: the newest ``ClassifierModel`` row, loaded once per
process and checked for a newer one at most every ``CHECK_EVERY`` seconds (one small query).

A database without any model (a fresh install before ``load_reference_data`` or
``train_classifier``) gets the *baseline*: the same model trained in this process from the
shipped corpora alone, once (about ten seconds), so that a suggestion never depends on
whether someone remembered to train.
"""

import logging
import threading
import time
from dataclasses import dataclass

from common.cache import TTLCache
from routing.classifier import corpus, learned

logger = logging.getLogger(__name__)

CHECK_EVERY = 60


@dataclass(frozen=True)
class Current:
    version: int | None  # None: the baseline, trained in this process
    model: learned.Model


_lock = threading.Lock()
_checked = TTLCache(CHECK_EVERY)  # the newest version found, looked for once a minute
_loaded: dict[int, Current] = {}  # the model of that version (a new one replaces it)
_baseline: Current | None = None


def current() -> Current:
    """The newest stored model, or the baseline when none can be used."""
    return _checked.get("newest", _newest) or baseline()


def _newest() -> Current | None:
    from routing.models import ClassifierModel

    version = ClassifierModel.objects.order_by("-pk").values_list("pk", flat=True).first()
    if version is None:
        return None
    if version in _loaded:
        return _loaded[version]
    blob = ClassifierModel.objects.filter(pk=version).values_list("blob", flat=True).first()
    model = learned.loads(blob) if blob else None
    if model is None:
        logger.warning("classifier model v%s was made by another version; not used", version)
        return None
    logger.info("classifier model v%s loaded", version)
    with _lock:
        _loaded.clear()  # one model in memory at a time
        _loaded[version] = Current(version=version, model=model)
    return _loaded[version]


def baseline() -> Current:
    """The model of the shipped corpora, trained once per process (no cross-validation)."""
    global _baseline
    if _baseline is None:
        with _lock:
            if _baseline is None:
                started = time.monotonic()
                model = learned.fit(corpus.bundled())
                _baseline = Current(version=None, model=model)
                logger.info("classifier baseline trained in %.1f s", time.monotonic() - started)
    return _baseline


def forget() -> None:
    """Look for the newest stored model at the next call (after training here)."""
    _checked.clear()
