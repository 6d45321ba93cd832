"""Open311 GeoReport v2's two formats: the same data as JSON or XML, and its error list.

XML follows the specification's element names: a list is an element with one child per item,
named by ``ITEM`` (``<services><service>…``); ``None`` is an empty element, booleans are
``true``/``false``."""

import json
from xml.etree import ElementTree as ET

from django.http import HttpResponse

FORMATS = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}
ITEM = {
    "services": "service",
    "service_requests": "request",
    "endpoints": "endpoint",
    "formats": "format",
    "attributes": "attribute",
    "values": "value",
    "errors": "error",
    "keywords": "keyword",
}


def _xml_value(parent: ET.Element, value) -> None:
    if isinstance(value, dict):
        for name, child in value.items():
            _xml_value(ET.SubElement(parent, name), child)
    elif isinstance(value, list):
        item = ITEM.get(parent.tag, "item")
        for child in value:
            _xml_value(ET.SubElement(parent, item), child)
    elif isinstance(value, bool):
        parent.text = "true" if value else "false"
    elif value is not None:
        parent.text = str(value)


def to_xml(root: str, data) -> bytes:
    element = ET.Element(root)
    _xml_value(element, data)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(element, encoding="utf-8")


def respond(data, fmt: str, *, root: str, status: int = 200) -> HttpResponse:
    """``data`` as the format asks; ``root`` names the XML document's element."""
    body = to_xml(root, data) if fmt == "xml" else json.dumps(data, ensure_ascii=False).encode()
    return HttpResponse(body, content_type=FORMATS[fmt], status=status)


def error(fmt: str, status: int, description: str) -> HttpResponse:
    """The specification's error list: ``[{"code": 400, "description": "…"}]``."""
    return respond(
        [{"code": status, "description": str(description)}], fmt, root="errors", status=status
    )
