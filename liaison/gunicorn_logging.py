"""gunicorn's access log without tracking keys (deploy/gunicorn.conf.py sets it).

gunicorn writes its access lines itself, outside Django's logging: its request line, path,
query and referrer can all carry ``/track/<code>/<key>/``, so every atom is redacted."""

from gunicorn.glogging import Logger

from liaison.logging import redact


class RedactingLogger(Logger):
    def atoms(self, resp, req, environ, request_time):
        return {
            name: redact(value)
            for name, value in super().atoms(resp, req, environ, request_time).items()
        }
