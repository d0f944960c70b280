"""Reading generated HTML for assertions: elements with their attributes, text, and where
they sit in the report form (which section, which question)."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param"}
    | {"source", "track", "wbr"}
)


@dataclass
class Element:
    tag: str
    attrs: dict[str, str | None]
    section: str | None  # data-section of the innermost enclosing <fieldset>
    field: str | None  # data-field of the enclosing .peluit-field
    text: str = ""  # all text inside it

    def has_class(self, name: str) -> bool:
        return name in (self.attrs.get("class") or "").split()


@dataclass
class _Open:
    element: Element
    section: str | None
    field: str | None


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[Element] = []
        self.stack: list[_Open] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        section = self.stack[-1].section if self.stack else None
        field_id = self.stack[-1].field if self.stack else None
        element = Element(tag, values, section, field_id)
        self.elements.append(element)
        if tag in VOID:
            return
        if tag == "fieldset":
            section = values.get("data-section")
        if "peluit-field" in (values.get("class") or "").split():
            field_id = values.get("data-field")
        self.stack.append(_Open(element, section, field_id))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, -1, -1):
            if self.stack[depth].element.tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        for entry in self.stack:
            entry.element.text += data


def parse(html: str) -> list[Element]:
    parser = _Parser()
    parser.feed(html)
    parser.close()
    return parser.elements


@dataclass
class Question:
    """One `.peluit-field` of a rendered form, as a reporter's browser sees it."""

    id: str
    kind: str | None
    section: str | None
    label: str
    required_mark: bool
    control: Element
    options: list[tuple[str, str]] = field(default_factory=list)  # (value, text)

    @property
    def control_kind(self) -> str:
        if self.control.tag == "input":
            kind = self.control.attrs.get("type") or "text"
            if self.control.attrs.get("inputmode") == "numeric":
                kind += "/numeric"
            return f"input[{kind}]"
        return self.control.tag

    @property
    def required(self) -> bool:
        return "required" in self.control.attrs


def questions(html: str) -> dict[str, Question]:
    """The questions of the (one) report form in `html`, by field id."""
    elements = parse(html)
    found: dict[str, Question] = {}
    for element in elements:
        if element.has_class("peluit-field"):
            field_id = element.attrs["data-field"] or ""
            inside = [e for e in elements if e.field == field_id and e is not element]
            label = next(e for e in inside if e.tag == "label")
            control = next(e for e in inside if e.tag in {"input", "textarea", "select"})
            options = [(e.attrs.get("value") or "", e.text) for e in inside if e.tag == "option"]
            found[field_id] = Question(
                id=field_id,
                kind=element.attrs.get("data-kind"),
                section=element.section,
                label=label.text,
                required_mark=any(e.has_class("peluit-required") for e in inside),
                control=control,
                options=options,
            )
    return found


def by_id(html: str) -> dict[str, Element]:
    return {e.attrs["id"] or "": e for e in parse(html) if e.attrs.get("id")}
