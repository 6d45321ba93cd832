"""`make run PORT=…` on another port: what it prints (QR codes, posters) points at the port it
serves on, and it says where to go only once the server answers."""

import io
import re
import urllib.request

import pytest
import zxingcpp
from PIL import Image

from tests.processes import ROOT, free_port, printed, process_env, start_program, stop, wait_until


def _get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read()


@pytest.mark.django_db(transaction=True)
def test_served_on_another_port_the_qr_codes_point_there(site, site_code, tmp_path):
    port = free_port()
    env = process_env(REDIS_URL=None, PUBLIC_BASE_URL=None, LIAISON_VAR_DIR=tmp_path)
    server = start_program([ROOT / "scripts" / "serve.sh", f"127.0.0.1:{port}"], env)
    try:
        wait_until(lambda: "Serving on" in printed(server), timeout=90, what="Serving on…")
        base = f"http://127.0.0.1:{port}"
        assert f"Serving on {base}/" in printed(server)
        # Said once the server answers, not before.
        assert _get(f"{base}/healthz")
        page = _get(f"{base}{site.get_absolute_url()}").decode()
        image = re.search(r'<img[^>]+src="(/qr/[^"]+)"', page)
        assert image, "the site page shows its QR code"
        png = _get(base + image.group(1).replace("&amp;", "&"))
        decoded = [r.text for r in zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))]
        assert decoded and decoded[0].startswith(f"{base}/q/"), decoded
    finally:
        output = stop(server)
    beat_log = (tmp_path / "beat.log").read_text()
    assert "No hostname was supplied" not in output + beat_log
