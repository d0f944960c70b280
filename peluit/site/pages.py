"""Markers in the site's pages, replaced by text and markup from the configuration.

A page written in Markdown keeps an HTML comment where configured content goes:

| marker                                    | becomes                                         |
|-------------------------------------------|-------------------------------------------------|
| `<!-- peluit:org -->`                     | the organisation's name                         |
| `<!-- peluit:sla CHANNEL acknowledge -->` | working days to acknowledge a report            |
| `<!-- peluit:sla CHANNEL feedback -->`    | days until the reporter hears the outcome       |
| `<!-- peluit:form CHANNEL -->`            | the channel's report form (`forms.render_form`) |
| `<!-- peluit:channels -->`                | a button and the description of every channel   |
| `<!-- peluit:description CHANNEL -->`     | the channel's description                       |
| `<!-- peluit:csp -->`                     | the site's Content-Security-Policy              |
| `<!-- peluit:followup -->`                | the follow-up page (`followup.render_followup`) |

The first two are text and may stand anywhere, even in a heading or at the start of a line
(where Markdown would take a bare comment for a block of its own): `expand_text_markers`
replaces them in the Markdown, escaped for it. The others are blocks, each on a line of its own
between blank lines: `expand_markers` replaces them in the rendered HTML (and would replace text
markers too). A marker for a channel the configuration does not have becomes a short notice
(forms) or the defaults (deadlines), so an operator with other channels can still build the site.
An unknown marker is an error: it is a typo in a page.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass

from peluit.config.models import Channel, Config, Sla
from peluit.web.headers import CONTENT_SECURITY_POLICY

from .errors import MarkerError
from .followup import render_followup
from .forms import render_form
from .texts import FORM_TEXTS, Lang, pick

MARKER = re.compile(r"<!--\s*peluit:([a-z-]+)((?:[ \t]+[A-Za-z0-9_-]+)*)\s*-->")
CHANNEL_PAGE = "lapor/{channel}.md"
CHANNEL_URL = "lapor/{channel}/"
_TEXT_ARITY = {"org": 0, "sla": 2}
_ARITY = {**_TEXT_ARITY, "form": 1, "channels": 0, "description": 1, "csp": 0, "followup": 0}
# What Python-Markdown (with its tables extension) treats as syntax in running text.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|])")


@dataclass(frozen=True)
class RenderedPage:
    html: str
    form_channel: str | None  # the channel whose form the page now holds, if any
    followup: bool = False  # the page now holds the follow-up markup


def _arguments(match: re.Match[str]) -> tuple[str, list[str]]:
    name, args = match.group(1), match.group(2).split()
    if name not in _ARITY:
        raise MarkerError(f"unknown marker {match.group(0)!r}")
    if len(args) != _ARITY[name]:
        raise MarkerError(f"{match.group(0)!r}: expected {_ARITY[name]} argument(s)")
    return name, args


def _text_value(config: Config, lang: Lang, name: str, args: list[str], marker: str) -> str:
    if name == "org":
        return pick(config.organisation.name, lang)
    return str(_sla_days(config.channel(args[0]), args[1], marker))


def expand_text_markers(markdown: str, config: Config, lang: Lang) -> str:
    """Replace the text markers (`org`, `sla`) in a page's Markdown; leave the others."""

    def replace(match: re.Match[str]) -> str:
        name, args = _arguments(match)
        if name not in _TEXT_ARITY:
            return match.group(0)
        value = html.escape(_text_value(config, lang, name, args, match.group(0)), quote=False)
        return _MARKDOWN_SPECIAL.sub(r"\\\1", value)

    return MARKER.sub(replace, markdown)


def expand_markers(page_html: str, config: Config, lang: Lang, root: str) -> RenderedPage:
    """Replace every `peluit:` marker; `root` is the relative URL to the language's root."""
    forms: list[str] = []
    followups: list[bool] = []

    def replace(match: re.Match[str]) -> str:
        name, args = _arguments(match)
        if name in _TEXT_ARITY:
            return html.escape(_text_value(config, lang, name, args, match.group(0)))
        if name == "form":
            channel = config.channel(args[0])
            if channel is None:
                org = pick(config.organisation.name, lang)
                notice = FORM_TEXTS[lang].unknown_channel.format(org=org)
                return f'<p class="peluit-notice">{html.escape(notice)}</p>'
            forms.append(channel.id)
            return render_form(config, channel, lang, root)
        if name == "channels":
            return _channel_list(config, lang, root)
        if name == "followup":
            followups.append(True)
            return render_followup(config, lang, root)
        if name == "description":
            channel = config.channel(args[0])
            return f"<p>{html.escape(pick(channel.description, lang))}</p>" if channel else ""
        return _csp_block()

    out = MARKER.sub(replace, page_html)
    if len(forms) > 1:
        raise MarkerError(f"one form per page, found {len(forms)}: {', '.join(forms)}")
    if len(followups) > 1 or (followups and forms):
        raise MarkerError("a follow-up page holds one follow-up and no report form")
    return RenderedPage(out, forms[0] if forms else None, bool(followups))


def _sla_days(channel: Channel | None, which: str, marker: str) -> int:
    sla = channel.sla if channel else Sla()
    if which == "acknowledge":
        return sla.acknowledge_working_days
    if which == "feedback":
        return sla.feedback_days
    raise MarkerError(f"{marker!r}: expected 'acknowledge' or 'feedback'")


def _channel_list(config: Config, lang: Lang, root: str) -> str:
    t = FORM_TEXTS[lang]
    items = []
    for channel in config.channels:
        href = html.escape(root + CHANNEL_URL.format(channel=channel.id), quote=True)
        name = html.escape(pick(channel.name, lang))
        items.append(
            '<div class="peluit-channel">\n'
            f'<p class="peluit-channel__name">{name}</p>\n'
            f"<p>{html.escape(pick(channel.description, lang))}</p>\n"
            f'<a class="md-button md-button--primary peluit-channel__button" href="{href}">'
            f'{html.escape(t.channel_link)}<span class="peluit-sr-only">: {name}</span></a>\n'
            "</div>"
        )
    return '<div class="peluit-channels">\n' + "\n".join(items) + "\n</div>"


def _csp_block() -> str:
    lines = ";\n".join(part.strip() for part in CONTENT_SECURITY_POLICY.split(";"))
    return f'<pre class="peluit-csp"><code>{html.escape(lines)}</code></pre>'


def channel_page_markdown(channel: Channel, lang: Lang) -> str:
    """A page for a configured channel the site's sources have no page for."""
    # JSON is valid YAML; the title is shown by the theme without escaping, so escape it here.
    title = json.dumps(html.escape(pick(channel.name, lang)), ensure_ascii=False)
    return (
        f"---\ntitle: {title}\n---\n\n"
        f"<!-- peluit:description {channel.id} -->\n\n"
        f"<!-- peluit:form {channel.id} -->\n"
    )
