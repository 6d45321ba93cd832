"""The app served by gunicorn in its own process (fault tests, log redaction), and an HTTP
client for it."""

import re
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar

from tests.processes import free_port, start, stop, wait_until


class Web:
    """The app served by gunicorn in its own process, and a cookie-keeping HTTP client."""

    def __init__(self, env: dict, *, options: list[str] | None = None):
        """``options``: gunicorn's own (default: one worker, the access log on stdout)."""
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        options = options or ["-w", "1", "--timeout", "60", "--access-logfile", "-"]
        self.proc = start(
            ["gunicorn", "liaison.wsgi", *options, "-b", f"127.0.0.1:{self.port}"], env
        )
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
        wait_until(lambda: self.get("/healthz")[0] in (200, 503), timeout=60, what="gunicorn")

    def get(self, path: str) -> tuple[int, str]:
        return self._open(urllib.request.Request(self.base + path))

    def post(self, path: str, data: dict) -> tuple[int, str]:
        body = urllib.parse.urlencode(data).encode()
        return self._open(urllib.request.Request(self.base + path, data=body, method="POST"))

    def post_form(self, path: str, fields: dict) -> tuple[int, str]:
        """Fetch the form page, then send it with its CSRF token and one-time key."""
        status, page = self.get(path)
        assert status == 200, page[:2000]
        hidden = dict(re.findall(r'name="(csrfmiddlewaretoken|form_key)" value="([^"]+)"', page))
        return self.post(path, {**fields, **hidden})

    def _open(self, request) -> tuple[int, str]:
        request.add_header("Accept-Language", "zh-hans")
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode(errors="replace")
        except OSError as exc:
            return 0, repr(exc)

    def stop(self) -> str:
        return stop(self.proc)
