"""HTML made safe by default: every value is escaped unless it is already `Html`.

    fill(TEMPLATE, name=person_name, rows=Html("".join(...)))

`Html` marks text this module (or a function built on it) produced; plain `str` values,
which may come from a report, a reporter or the server, are always escaped. Templates are
`string.Template` files under `templates/`, loaded once per language.

Every word of the console is bilingual: Indonesian, then English in a smaller line. A person
may choose one language for their session (`language`); the request handler sets it with
`speaking(...)` and `bi`, `pick` and the templates' `[[Indonesian|English]]` markers follow
it. Without a choice, both are shown.
"""

from __future__ import annotations

import contextlib
import functools
import html
import re
from collections.abc import Iterator
from contextvars import ContextVar
from importlib import resources
from string import Template

LANGUAGES = ("id", "en")
_language: ContextVar[str | None] = ContextVar("console_language", default=None)
_MARKER = re.compile(r"\[\[(.+?)\|(.+?)\]\]", re.DOTALL)


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


@contextlib.contextmanager
def speaking(choice: str | None) -> Iterator[None]:
    """Render in one language (`id`, `en`) or, with None, in both, within this block."""
    token = _language.set(choice if choice in LANGUAGES else None)
    try:
        yield
    finally:
        _language.reset(token)


def language() -> str | None:
    """The language pages are rendered in now: `id`, `en`, or None for both."""
    return _language.get()


def page_language() -> str:
    """The `lang` of the whole page: English only when English alone is shown."""
    return "en" if _language.get() == "en" else "id"


def _both(indonesian: Html, english: Html) -> Html:
    choice = _language.get()
    if choice == "id" or indonesian == english:
        return indonesian
    if choice == "en":
        return english
    return Html(f'{indonesian} <span class="en" lang="en">{english}</span>')


def bi(indonesian: str, english: str) -> Html:
    """An Indonesian label with its English translation in a smaller line (or only the
    language chosen for the session)."""
    return _both(h(indonesian), h(english))


def pick(indonesian: str, english: str) -> str:
    """Plain text in the chosen language, or `Indonesian / English` (an option, a title)."""
    choice = _language.get()
    if choice == "id" or indonesian == english:
        return indonesian
    if choice == "en":
        return english
    return f"{indonesian} / {english}"


def template(name: str) -> Template:
    """Template `name` with its `[[Indonesian|English]]` markers in the current language."""
    return _template(name, _language.get())


@functools.cache
def _template(name: str, choice: str | None) -> Template:
    text = resources.files(__package__).joinpath("templates", name).read_text(encoding="utf-8")
    with speaking(choice):
        return Template(_MARKER.sub(lambda m: _both(Html(m[1]), Html(m[2])), text))


def static_file(name: str) -> bytes | None:
    """A file of `static/` by exact name, or None (no paths, no traversal)."""
    if name not in STATIC_TYPES:
        return None
    return resources.files(__package__).joinpath("static", name).read_bytes()


STATIC_TYPES = {
    "console.css": "text/css; charset=utf-8",
    "favicon.svg": "image/svg+xml",
}
