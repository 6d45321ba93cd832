"""QR images for intake URLs (segno): PNG for download and decoding, SVG for pages and posters."""

import io

import segno


def qr_png(url: str, *, scale: int = 8) -> bytes:
    buffer = io.BytesIO()
    segno.make_qr(url, error="m").save(buffer, kind="png", scale=scale, border=4)
    return buffer.getvalue()


def qr_svg(url: str, *, title: str = "") -> str:
    """Inline SVG that scales with its box (no fixed size), for HTML and print."""
    buffer = io.BytesIO()
    segno.make_qr(url, error="m").save(
        buffer,
        kind="svg",
        scale=1,
        border=4,
        xmldecl=False,
        svgns=True,
        omitsize=True,
        title=title or None,
        svgclass="qr",
        lineclass=None,
        dark="#000",
        light="#fff",
    )
    return buffer.getvalue().decode()
