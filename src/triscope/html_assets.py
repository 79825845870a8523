"""The HTML report's template, style sheet and script (package data in
``triscope/report/``), read for the C writer, which inlines them into one
self-contained page (native/profile/report_html.c)."""
import os

_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "report")
_NAMES = ("template.html", "report.css", "report.js")


def load():
    """Returns (page, css, js) as str; OSError if the package is incomplete."""
    parts = []
    for name in _NAMES:
        with open(os.path.join(_DIR, name), encoding="utf-8") as f:
            parts.append(f.read())
    return tuple(parts)
