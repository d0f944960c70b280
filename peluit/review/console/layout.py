"""The frame around every console page: title, navigation, the lock button, a notice."""

from __future__ import annotations

from dataclasses import dataclass
from string import Template

from .guard import Session
from .html import Html, bi, fill, h, join, template

_NAV = Template(
    "<nav>$links<span>$person</span>"
    '<form method="post" action="/lock"><input type="hidden" name="csrf" value="$csrf">'
    '<button type="submit" class="plain">Kunci <span class="en" lang="en">Lock</span></button>'
    "</form></nav>"
)
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
    links.append(
        fill(
            _LINK, href="/identity-requests", label=bi("Permintaan identitas", "Identity requests")
        )
    )
    person = f"{desk.key.name} ({desk.key.person})"
    return fill(_NAV, links=join(links), person=person, csrf=session.csrf)


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
) -> Html:
    return fill(
        template("layout.html"),
        title=title,
        organisation=frame.organisation,
        nav=_nav(session),
        notice=notice_box(notice),
        content=content,
        server=frame.server,
    )


def error_content(status: int, indonesian: str, english: str, back: str | None = None) -> Html:
    link = f'<p><a href="{h(back)}">Kembali <span lang="en">/ Back</span></a></p>' if back else ""
    return Html(
        f"<h1>{bi('Tidak berhasil', 'That did not work')}</h1>"
        f'<div class="error" role="alert"><p>{h(indonesian)}</p>'
        f'<p lang="en" class="small">{h(english)} (HTTP {status})</p></div>{link}'
    )
