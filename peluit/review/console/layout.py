"""The frame around every console page: title, navigation, the lock button, a notice."""

from __future__ import annotations

from dataclasses import dataclass
from string import Template

from .guard import Session
from .html import Html, bi, fill, h, join, language, page_language, pick, template

_NAV = Template(
    "<nav>$links<span>$person</span>"
    '<form method="post" action="/lock"><input type="hidden" name="csrf" value="$csrf">'
    '<button type="submit" class="plain">$lock</button>'
    "</form></nav>"
)
_SWITCH = Template(
    '<form method="post" action="/language" class="language">'
    '<input type="hidden" name="csrf" value="$csrf"><input type="hidden" name="back" value="$back">'
    '<div role="group" aria-labelledby="language-label"><span id="language-label">$label</span>'
    "$buttons</div></form>"
)
_CHOICES = (("id", "ID", "id"), ("en", "EN", "en"), ("both", "ID + EN", "id"))
_LINK = Template('<a href="$href">$label</a>')


@dataclass(frozen=True)
class Frame:
    organisation: str
    server: str


def csrf_field(session: Session) -> Html:
    return fill(Template('<input type="hidden" name="csrf" value="$csrf">'), csrf=session.csrf)


def _nav(session: Session | None) -> Html:
    if session is None or session.desk is None:
        return Html("")
    desk = session.desk
    links = []
    if desk.reader_channels():
        links.append(fill(_LINK, href="/cases", label=bi("Perkara", "Cases")))
        links.append(fill(_LINK, href="/stats", label=bi("Statistik", "Statistics")))
    links.append(
        fill(
            _LINK, href="/identity-requests", label=bi("Permintaan identitas", "Identity requests")
        )
    )
    person = f"{desk.key.name} ({desk.key.person})"
    return fill(_NAV, links=join(links), person=person, csrf=session.csrf, lock=bi("Kunci", "Lock"))


def _switch(session: Session | None, here: str) -> Html:
    """Bahasa / Language: ID, EN or both; the chosen one pressed."""
    if session is None:
        return Html("")
    chosen = language() or "both"
    buttons = [
        Html(
            f'<button type="submit" name="lang" value="{value}" class="plain" lang="{lang}"'
            f' aria-pressed="{"true" if value == chosen else "false"}">{label}</button>'
        )
        for value, label, lang in _CHOICES
    ]
    return fill(
        _SWITCH,
        csrf=session.csrf,
        back=here,
        label=pick("Bahasa", "Language") if language() else "Bahasa / Language",
        buttons=join(buttons),
    )


def notice_box(message: Html | None, error: bool = False) -> Html:
    if message is None:
        return Html("")
    css = "error" if error else "notice"
    role = "alert" if error else "status"
    return Html(f'<div class="{css}" role="{role}">{message}</div>')


def render(
    frame: Frame,
    session: Session | None,
    title: str,
    content: Html,
    notice: Html | None = None,
    here: str = "/cases",
) -> Html:
    return fill(
        template("layout.html"),
        lang=page_language(),
        switch=_switch(session, here),
        title=title,
        organisation=frame.organisation,
        nav=_nav(session),
        notice=notice_box(notice),
        content=content,
        server=frame.server,
    )


def error_content(status: int, indonesian: str, english: str, back: str | None = None) -> Html:
    link = f'<p><a href="{h(back)}">{bi("Kembali", "Back")}</a></p>' if back else ""
    said = {
        "id": f"<p>{h(indonesian)} (HTTP {status})</p>",
        "en": f"<p>{h(english)} (HTTP {status})</p>",
    }.get(
        language() or "",
        f'<p>{h(indonesian)}</p><p lang="en" class="small">{h(english)} (HTTP {status})</p>',
    )
    return Html(
        f"<h1>{bi('Tidak berhasil', 'That did not work')}</h1>"
        f'<div class="error" role="alert">{said}</div>{link}'
    )
