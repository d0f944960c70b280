"""The report form as HTML, and `channels.json`, both generated from the configuration.

What is emitted here is the contract with `form.js` (docs/site-and-form.md): element ids,
classes, `data-*` attributes and the order of the sections. Every text that comes from the
configuration is HTML-escaped; nothing here is trusted markup.
"""

from __future__ import annotations

import html
import json
from typing import Any

from peluit.config.models import Channel, Config, Deadline, FieldSpec

from .errors import FormError
from .texts import FORM_TEXTS, FormTexts, Lang, deadline_rule, files_help, pick

API_BASE = "/api/v1"
CHANNELS_JSON = "assets/peluit/channels.json"
WORKER_JS = "assets/peluit/worker.js"
FORM_JS = "assets/peluit/form.js"
FOLLOWUP_PAGE = "tindak-lanjut/"  # site/docs/tindak-lanjut.md, linked from the receipt
CHANNELS_VERSION = 1

# Ids the form's own elements use (`pf-files`, `pf-submit`, … and `pf-form-error`, which a
# question "form" would also claim for its error) and the identity radios' name: a question
# with one of these ids would collide with them.
RESERVED_FIELD_IDS = frozenset(
    {"files", "submit", "cancel", "progress", "status", "receipt", "copy", "case", "date", "retry"}
    | {"review", "edit", "send", "due", "save", "saved", "followup"}
    | {"form", "identity_choice"}
)


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def root_prefix(page_url: str) -> str:
    """The relative URL from a page to its language's site root: "" for the home page,
    "../../" for `lapor/pengaduan/` (mkdocs page URLs never start with a slash)."""
    return "../" * page_url.count("/")


# -- the form ------------------------------------------------------------------------------


def render_form(config: Config, channel: Channel, lang: Lang, root: str) -> str:
    """The form for `channel` in `lang`, for a page whose site root is at `root` ("../../")."""
    _check_field_ids(channel)
    t = FORM_TEXTS[lang]
    parts = [
        f'<form class="peluit-form" id="peluit-form" data-channel="{_e(channel.id)}" '
        f'data-lang="{lang}" novalidate method="post" autocomplete="off" '
        f'data-config="{_e(root + CHANNELS_JSON)}" data-worker="{_e(root + WORKER_JS)}">',
        f'<noscript><p class="peluit-noscript">{_e(t.noscript)}</p></noscript>',
        _report_section(config, channel, lang, t),
    ]
    if channel.identity != "none":
        parts.append(_identity_choice_section(channel, t))
        parts.append(_identity_section(config, channel, lang, t))
        if any(f.purpose == "consent" for f in channel.fields):
            parts.append(_consents_section(config, channel, lang, t))
    parts += [
        _files_section(config, lang, t),
        _review_section(t),
        '<div class="peluit-actions">',
        # Disabled until form.js is ready: without the script nothing may be submitted, since
        # a plain HTML submission would carry the report unencrypted. It opens the review;
        # only `#pf-send` there sends.
        f'<button type="submit" id="pf-submit" class="md-button md-button--primary" disabled>'
        f"{_e(t.submit)}</button>",
        f'<button type="button" id="pf-cancel" class="md-button" hidden>{_e(t.cancel)}</button>',
        f'<button type="button" id="pf-retry" class="md-button md-button--primary" hidden>'
        f"{_e(t.retry)}</button>",
        "</div>",
        '<div class="peluit-progress" id="pf-progress" hidden aria-live="polite">',
        '<progress id="pf-progress-total" max="100" value="0"></progress>',
        '<p id="pf-status"></p>',
        "</div>",
        '<p class="peluit-error" id="pf-form-error" role="alert" hidden></p>',
        "</form>",
        _receipt_section(channel, t, root),
    ]
    return "\n".join(parts) + "\n"


def _check_field_ids(channel: Channel) -> None:
    clashes = sorted(f.id for f in channel.fields if f.id in RESERVED_FIELD_IDS)
    if clashes:
        raise FormError(
            f"channel {channel.id}: field id(s) {', '.join(clashes)} clash with the form's own "
            f"elements; rename them (reserved: {', '.join(sorted(RESERVED_FIELD_IDS))})"
        )


def _report_section(config: Config, channel: Channel, lang: Lang, t: FormTexts) -> str:
    fields = [
        _field(config, f, lang, t, channel.deadlines)
        for f in channel.fields
        if not f.identity and f.purpose != "consent"
    ]
    return "\n".join(
        [
            '<fieldset class="peluit-section" data-section="report">',
            f"<legend>{_e(t.report_legend)}</legend>",
            f'<p class="peluit-note">{_e(t.required_note)}</p>',
            *fields,
            "</fieldset>",
        ]
    )


def _identity_choice_section(channel: Channel, t: FormTexts) -> str:
    choices = [("confidential", t.confidential, t.confidential_help), ("open", t.open, t.open_help)]
    if channel.identity == "optional":
        choices.insert(0, ("anonymous", t.anonymous, t.anonymous_help))
    default = choices[0][0]
    rows = []
    for value, label, help_text in choices:
        rid = f"pf-identity-{value}"
        checked = " checked" if value == default else ""
        rows.append(
            f'<div class="peluit-choice">\n'
            f'<input type="radio" id="{rid}" name="identity_choice" value="{value}"{checked} '
            f'aria-describedby="{rid}-help">\n'
            f'<label for="{rid}">{_e(label)}</label>\n'
            f'<p class="peluit-help" id="{rid}-help">{_e(help_text)}</p>\n'
            f"</div>"
        )
    return "\n".join(
        [
            '<fieldset class="peluit-section" data-section="identity-choice">',
            f"<legend>{_e(t.identity_choice_legend)}</legend>",
            *rows,
            '<p class="peluit-error" id="pf-identity-choice-error" role="alert" hidden></p>',
            "</fieldset>",
        ]
    )


def _identity_section(config: Config, channel: Channel, lang: Lang, t: FormTexts) -> str:
    # Shown from the start when the first (checked) choice is not "anonymous".
    hidden = " hidden" if channel.identity == "optional" else ""
    note = t.identity_help_optional if channel.identity == "optional" else t.identity_help_required
    fields = [_field(config, f, lang, t) for f in channel.fields if f.identity]
    return "\n".join(
        [
            f'<fieldset class="peluit-section" data-section="identity"{hidden}>',
            f"<legend>{_e(t.identity_legend)}</legend>",
            f'<p class="peluit-note">{_e(note)}</p>',
            *fields,
            "</fieldset>",
        ]
    )


def _consents_section(config: Config, channel: Channel, lang: Lang, t: FormTexts) -> str:
    """The consents to a reward and to public recognition: they need a non-anonymous choice,
    so they follow the identity questions and, like them, are hidden (and disabled) while
    "anonymous" is chosen. Their answers go into the report, for the reviewers."""
    off = " hidden disabled" if channel.identity == "optional" else ""
    fields = [_field(config, f, lang, t) for f in channel.fields if f.purpose == "consent"]
    return "\n".join(
        [
            f'<fieldset class="peluit-section" data-section="consents"{off}>',
            f"<legend>{_e(t.consents_legend)}</legend>",
            f'<p class="peluit-note">{_e(t.consents_help)}</p>',
            *fields,
            "</fieldset>",
        ]
    )


def _files_section(config: Config, lang: Lang, t: FormTexts) -> str:
    limits = config.limits
    help_text = files_help(t.files_help, limits, lang)
    off = limits.files_per_report == 0
    return "\n".join(
        [
            f'<fieldset class="peluit-section" data-section="files"{" hidden" if off else ""}>',
            f"<legend>{_e(t.files_legend)}</legend>",
            f'<p class="peluit-help" id="pf-files-help">{_e(help_text)}</p>',
            f'<p class="peluit-help peluit-warning">{_e(t.files_metadata)}</p>',
            f'<label for="pf-files" class="peluit-files-label">{_e(t.files_label)}</label>',
            f'<input type="file" id="pf-files" multiple aria-describedby="pf-files-help '
            f'pf-files-error"{" disabled" if off else ""}>',
            '<ul class="peluit-files" id="pf-file-list"></ul>',
            '<p class="peluit-error" id="pf-files-error" role="alert" hidden></p>',
            "</fieldset>",
        ]
    )


def _review_section(t: FormTexts) -> str:
    """The "check again" view: form.js lists the answers and files in `#pf-review-list` and
    hides the questions; `#pf-edit` brings them back, `#pf-send` sends."""
    return "\n".join(
        [
            '<section class="peluit-review" id="pf-review" hidden '
            'aria-labelledby="pf-review-title">',
            f'<h2 id="pf-review-title" tabindex="-1">{_e(t.review_title)}</h2>',
            f'<p class="peluit-note">{_e(t.review_help)}</p>',
            '<dl class="peluit-review-list" id="pf-review-list"></dl>',
            '<div class="peluit-actions">',
            f'<button type="button" id="pf-edit" class="md-button">{_e(t.review_edit)}</button>',
            f'<button type="button" id="pf-send" class="md-button md-button--primary">'
            f"{_e(t.review_send)}</button>",
            "</div>",
            "</section>",
        ]
    )


def _receipt_section(channel: Channel, t: FormTexts, root: str) -> str:
    """The receipt: one code (in groups that never break), the day received, the day the first
    answer is due (form.js counts the channel's working days), the follow-up page, "save as
    text", and the tick that ends the warning before leaving."""
    received = _e(t.receipt_received).format(date='<output id="pf-date"></output>')
    due = _e(t.receipt_due).format(
        date='<output id="pf-due"></output>', days=channel.sla.acknowledge_working_days
    )
    link = f'<a id="pf-followup" href="{_e(root + FOLLOWUP_PAGE)}">{_e(t.followup_link)}</a>'
    return "\n".join(
        [
            '<section class="peluit-receipt" id="pf-receipt" hidden aria-live="assertive" '
            f'data-due-days="{channel.sla.acknowledge_working_days}">',
            f'<h2 id="pf-receipt-title">{_e(t.receipt_title)}</h2>',
            f"<p>{_e(t.receipt_body)}</p>",
            '<p class="peluit-receipt-code"><output id="pf-receipt-code"></output></p>',
            '<div class="peluit-actions">',
            f'<button type="button" id="pf-copy" class="md-button">{_e(t.receipt_copy)}</button>',
            f'<button type="button" id="pf-save" class="md-button" '
            f'aria-describedby="pf-save-help">{_e(t.receipt_save)}</button>',
            "</div>",
            f'<p class="peluit-help" id="pf-save-help">{_e(t.receipt_save_help)}</p>',
            f'<p id="pf-received">{received} <span id="pf-due-line">{due}</span></p>',
            f'<p id="pf-followup-line">{_e(t.receipt_followup).format(link=link)}</p>',
            '<div class="peluit-choice peluit-saved">',
            '<input type="checkbox" id="pf-saved" aria-describedby="pf-saved-help">',
            f'<label for="pf-saved">{_e(t.receipt_saved)}</label>',
            f'<p class="peluit-help" id="pf-saved-help">{_e(t.receipt_saved_help)}</p>',
            "</div>",
            "</section>",
        ]
    )


# -- one question --------------------------------------------------------------------------


def _field(
    config: Config,
    field: FieldSpec,
    lang: Lang,
    t: FormTexts,
    deadlines: list[Deadline] | None = None,
) -> str:
    fid = f"pf-{field.id}"
    required = " required" if field.required else ""
    mine = [d for d in deadlines or [] if d.from_field == field.id]
    help_text = (
        pick(field.help, lang) if field.help else (t.nik_help if field.purpose == "nik" else "")
    )
    counted = field.kind in {"text", "textarea"}
    described = " ".join(
        ([f"{fid}-help"] if help_text else [])
        + ([f"{fid}-deadline-rule"] if mine else [])
        + ([f"{fid}-count"] if counted else [])
        + [f"{fid}-error"]
    )
    common = f'id="{fid}" name="{_e(field.id)}"{required} aria-describedby="{described}"'
    mark = ' <span class="peluit-required" aria-hidden="true">*</span>' if field.required else ""
    label = f'<label for="{fid}">{_e(pick(field.label, lang))}{mark}</label>'
    help_html = f'<p class="peluit-help" id="{fid}-help">{_e(help_text)}</p>' if help_text else ""
    control = _control(config, field, lang, t, common)
    error = f'<p class="peluit-error" id="{fid}-error" role="alert" hidden></p>'
    body = [control, label] if field.kind == "boolean" else [label, help_html, control]
    if counted:
        # No `maxlength`: a browser would cut pasted text silently. form.js counts instead
        # (always shown under a long answer, from 80 % of the limit under a one-line one) and
        # validation refuses what is too long, saying by how much.
        hidden = "" if field.kind == "textarea" else " hidden"
        body.append(
            f'<p class="peluit-counter" id="{fid}-count" data-count-for="{_e(field.id)}" '
            f'data-max="{field.max_length}"{hidden}></p>'
        )
    if field.kind == "boolean":
        body.append(help_html)
    if mine:
        # The rule in words; form.js adds the dates once a date is entered.
        body.append(
            f'<p class="peluit-help peluit-deadline-rule" id="{fid}-deadline-rule">'
            f"{_e(deadline_rule(t, mine, lang))}</p>"
        )
        body.append(
            f'<ul class="peluit-deadlines" id="{fid}-deadlines" '
            f'data-deadlines-for="{_e(field.id)}" aria-live="polite"></ul>'
        )
    return "\n".join(
        [
            f'<div class="peluit-field" data-field="{_e(field.id)}" data-kind="{field.kind}" '
            f'data-required="{"true" if field.required else "false"}">',
            *(part for part in body if part),
            error,
            "</div>",
        ]
    )


def _control(config: Config, field: FieldSpec, lang: Lang, t: FormTexts, common: str) -> str:
    # No `maxlength` (see _field); `enterkeyhint="next"`: a phone's Enter key says "next",
    # not "go", and form.js never lets Enter send.
    line = f'{common} enterkeyhint="next"'
    match field.kind:
        case "text" if field.purpose == "nik":
            return f'<input type="text" inputmode="numeric" {line} spellcheck="false">'
        case "text":
            return f'<input type="text" {line} spellcheck="false">'
        case "textarea":
            return f'<textarea {common} rows="5" spellcheck="false"></textarea>'
        case "date":
            return f'<input type="date" {line}>'
        case "money":
            return f'<input type="text" inputmode="numeric" {line}>'
        case "boolean":
            return f'<input type="checkbox" {common} value="yes">'
        case "select":
            options = [(o.id, pick(o.label, lang)) for o in field.options]
        case "kpk_area":
            options = [(a.id, pick(a.label, lang)) for a in config.kpk_areas]
    rows = [f'<option value="">{_e(t.choose)}</option>']
    rows += [f'<option value="{_e(value)}">{_e(label)}</option>' for value, label in options]
    return f"<select {common}>\n" + "\n".join(rows) + "\n</select>"


# -- channels.json -------------------------------------------------------------------------


def channels_document(config: Config) -> dict[str, Any]:
    """What `form.js` needs besides the markup: recipients, limits and the questions' rules."""
    return {
        "version": CHANNELS_VERSION,
        "api": API_BASE,
        "limits": config.limits.model_dump(),
        # For the working-day deadlines the form shows (peluit/core/dates.py's rule).
        "holidays": sorted(day.isoformat() for day in config.organisation.holidays),
        "channels": {
            channel.id: {
                "identity": channel.identity,
                "report_recipients": config.report_recipients(channel),
                "identity_recipients": config.identity_recipients(channel),
                "fields": [_field_rules(config, f) for f in channel.fields],
                "deadlines": [d.model_dump() for d in channel.deadlines],
                # The receipt's "first answer due by" (working days, as the console counts).
                "sla": channel.sla.model_dump(),
                # Who may sign the team's messages to the reporter (core/team_signature.py):
                # the channel's reviewers' roster signing keys, covered by the signed release.
                "reply_signers": reply_signers(config, channel),
            }
            for channel in config.channels
        },
    }


def reply_signers(config: Config, channel: Channel) -> list[str]:
    """The `ed25519:<base64>` signing keys of the channel's reviewers, sorted, once each."""
    keys = (config.person(p).signing_key for p in channel.reviewers)
    return sorted({key for key in keys if key})


def _field_rules(config: Config, field: FieldSpec) -> dict[str, Any]:
    if field.kind == "kpk_area":
        options = [a.id for a in config.kpk_areas]
    else:
        options = [o.id for o in field.options]
    return {
        "id": field.id,
        "kind": field.kind,
        "required": field.required,
        "identity": field.identity,
        "purpose": field.purpose,
        "max_length": field.max_length,
        "options": options,
    }


def channels_json(config: Config) -> str:
    return json.dumps(channels_document(config), indent=1) + "\n"
