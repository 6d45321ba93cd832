"""One in-process cache with a time limit, for reference data that changes a few times a
year (areas, categories, units, deadline rules, QR tokens): read from the database at most
once per ``seconds`` per process. Other processes catch up within that time; an edit in this
process clears the cache at once where the owner connects a signal."""

import threading
import time
import weakref


class TTLCache:
    """Values built on demand and kept for ``seconds``; at most ``max_size`` keys (all are
    dropped when it is full: these caches hold a handful of keys, or one token per QR code)."""

    _instances: "weakref.WeakSet[TTLCache]" = weakref.WeakSet()

    def __init__(self, seconds: float, *, max_size: int | None = None):
        self.seconds = seconds
        self.max_size = max_size
        self._lock = threading.Lock()
        self._values: dict = {}
        TTLCache._instances.add(self)

    def get(self, key, build):
        """The value of ``key``, built by ``build()`` when missing or older than the limit."""
        now = time.monotonic()
        hit = self._values.get(key)
        if hit is not None and now - hit[0] < self.seconds:
            return hit[1]
        value = build()
        with self._lock:
            if self.max_size is not None and len(self._values) >= self.max_size:
                self._values.clear()
            self._values[key] = (now, value)
        return value

    def forget(self, *keys) -> None:
        with self._lock:
            for key in keys:
                self._values.pop(key, None)

    def clear(self, **_signal_kwargs) -> None:
        """Drop everything (also usable as a signal receiver)."""
        with self._lock:
            self._values.clear()

    @classmethod
    def clear_all(cls) -> None:
        """Every cache of the process (tests, between cases)."""
        for cache in list(cls._instances):
            cache.clear()
