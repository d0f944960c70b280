"""HTML made safe by default: every value is escaped unless it is already `Html`.

    fill(TEMPLATE, name=person_name, rows=Html("".join(...)))

`Html` marks text this module (or a function built on it) produced; plain `str` values,
which may come from a report, a reporter or the server, are always escaped. Templates are
`string.Template` files under `templates/`, loaded once.
"""

from __future__ import annotations

import functools
import html
from importlib import resources
from string import Template


class Html(str):
    """Text that is already HTML: inserted into templates as it is."""

    __slots__ = ()


def h(value: object) -> Html:
    """`value` as HTML text: escaped, unless it is already `Html`."""
    if isinstance(value, Html):
        return value
    return Html(html.escape("" if value is None else str(value), quote=True))


def fill(template: Template, **values: object) -> Html:
    return Html(template.substitute({name: h(value) for name, value in values.items()}))


def join(parts: list[Html]) -> Html:
    return Html("".join(parts))


def bi(indonesian: str, english: str) -> Html:
    """An Indonesian label with its English translation in a smaller line."""
    if indonesian == english:
        return h(indonesian)
    return Html(f'{h(indonesian)} <span class="en" lang="en">{h(english)}</span>')


@functools.cache
def template(name: str) -> Template:
    text = resources.files(__package__).joinpath("templates", name).read_text(encoding="utf-8")
    return Template(text)


def static_file(name: str) -> bytes | None:
    """A file of `static/` by exact name, or None (no paths, no traversal)."""
    if name not in STATIC_TYPES:
        return None
    return resources.files(__package__).joinpath("static", name).read_bytes()


STATIC_TYPES = {
    "console.css": "text/css; charset=utf-8",
    "favicon.svg": "image/svg+xml",
}
