"""The follow-up page's markup (`<!-- peluit:followup -->`), generated from the configuration.

What is emitted here is the contract with `js/src/followup.js` (docs/site-and-form.md,
"The follow-up page"): element ids, classes and `data-*` attributes. The reporter enters the
receipt code in `#fu-code`; the page checks the check character before anything is sent,
then a Web Worker (`followup-worker.js`) opens the case, and `#fu-case` shows the status,
the thread and the form to answer. Every text is HTML-escaped; nothing here is trusted.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from peluit.config.models import Config

from .forms import CHANNELS_JSON
from .texts import Lang, files_help

FOLLOWUP_WORKER_JS = "assets/peluit/followup-worker.js"
MAX_TEXT = 20000  # characters of one message (js/src/followup-client.js, core/report.py)


@dataclass(frozen=True)
class FollowupTexts:
    noscript: str
    code_label: str
    code_help: str
    open: str
    case_title: str
    reference: str  # {case}
    thread_title: str
    reply_legend: str
    text_label: str
    files_label: str
    files_help: str  # {count}, {size}, {total}
    files_metadata: str
    send: str
    cancel: str
    refresh: str
    forget: str
    forget_help: str


FOLLOWUP_TEXTS: dict[Lang, FollowupTexts] = {
    "id": FollowupTexts(
        noscript=(
            "Halaman ini memerlukan JavaScript, karena kode Anda diolah dan pesan didekripsi di "
            "peramban Anda sendiri. Tanpa JavaScript tidak ada apa pun yang dikirim."
        ),
        code_label="Kode tanda terima",
        code_help=(
            "27 huruf dan angka yang Anda terima saat melapor, misalnya 7K3M-Q9XD-…. Anda boleh "
            "menempelkannya; tanda hubung dan spasi diabaikan. Kode ini tidak dikirim ke server."
        ),
        open="Buka laporan",
        case_title="Laporan Anda",
        reference="Nomor perkara: {case}",
        thread_title="Percakapan dengan tim penelaah",
        reply_legend="Jawab atau tambahkan bukti",
        text_label="Pesan Anda",
        files_label="Tambahkan berkas (jika ada)",
        files_help=(
            "Paling banyak {count} berkas sekali kirim, masing-masing sampai {size}, seluruhnya "
            "sampai {total}. Pesan dan berkas dienkripsi di peramban Anda untuk tim penelaah."
        ),
        files_metadata=(
            "Perhatian: foto dan dokumen sering menyimpan data tersembunyi (lokasi, jenis ponsel, "
            "nama penulis). Jika data itu dapat menunjuk kepada Anda, kirim tangkapan layar."
        ),
        send="Kirim terenkripsi",
        cancel="Batalkan",
        refresh="Periksa pesan baru",
        forget="Selesai",
        forget_help=(
            "Menutup laporan di halaman ini dan menghapus kode serta pesan dari layar. Tidak ada "
            "yang disimpan di perangkat ini."
        ),
    ),
    "en": FollowupTexts(
        noscript=(
            "This page needs JavaScript, because your code is processed and messages are "
            "decrypted in your own browser. Without JavaScript nothing is sent."
        ),
        code_label="Receipt code",
        code_help=(
            "The 27 letters and digits you received when you reported, such as 7K3M-Q9XD-…. You "
            "may paste it; dashes and spaces are ignored. The code itself is never sent."
        ),
        open="Open the report",
        case_title="Your report",
        reference="Case reference: {case}",
        thread_title="Conversation with the review team",
        reply_legend="Answer or add evidence",
        text_label="Your message",
        files_label="Add files (if any)",
        files_help=(
            "At most {count} files at a time, each up to {size}, {total} in all. Messages and "
            "files are encrypted in your browser for the review team."
        ),
        files_metadata=(
            "Note: photos and documents often carry hidden data (location, phone model, author). "
            "If that could point to you, send a screenshot instead."
        ),
        send="Send encrypted",
        cancel="Cancel",
        refresh="Check for new messages",
        forget="Done",
        forget_help=(
            "Closes the report on this page and clears the code and the messages from the "
            "screen. Nothing is kept on this device."
        ),
    ),
}


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def render_followup(config: Config, lang: Lang, root: str) -> str:
    """The follow-up markup in `lang`, for a page whose site root is at `root` ("../")."""
    t = FOLLOWUP_TEXTS[lang]
    return (
        "\n".join(
            [
                f'<div class="peluit-followup" id="peluit-followup" data-lang="{lang}" '
                f'data-config="{_e(root + CHANNELS_JSON)}" '
                f'data-worker="{_e(root + FOLLOWUP_WORKER_JS)}">',
                f'<noscript><p class="peluit-noscript">{_e(t.noscript)}</p></noscript>',
                _open_form(t),
                _case_section(config, lang, t),
                "</div>",
            ]
        )
        + "\n"
    )


def _open_form(t: FollowupTexts) -> str:
    return "\n".join(
        [
            '<form class="peluit-form" id="fu-open-form" novalidate method="post" '
            'autocomplete="off">',
            '<div class="peluit-field" data-field="code">',
            f'<label for="fu-code">{_e(t.code_label)}</label>',
            f'<p class="peluit-help" id="fu-code-help">{_e(t.code_help)}</p>',
            '<input type="text" id="fu-code" name="code" class="peluit-code" autocomplete="off" '
            'autocapitalize="characters" autocorrect="off" spellcheck="false" maxlength="48" '
            'aria-describedby="fu-code-help fu-code-error">',
            '<p class="peluit-error" id="fu-code-error" role="alert" hidden></p>',
            "</div>",
            '<div class="peluit-actions">',
            f'<button type="submit" id="fu-open" class="md-button md-button--primary" disabled>'
            f"{_e(t.open)}</button>",
            "</div>",
            '<p class="peluit-status" id="fu-open-status" role="status"></p>',
            '<p class="peluit-error" id="fu-open-error" role="alert" hidden></p>',
            "</form>",
        ]
    )


def _case_section(config: Config, lang: Lang, t: FollowupTexts) -> str:
    reference = _e(t.reference).format(case='<output id="fu-reference"></output>')
    return "\n".join(
        [
            '<section class="peluit-case" id="fu-case" hidden>',
            f"<h2>{_e(t.case_title)}</h2>",
            f"<p>{reference}</p>",
            '<p class="peluit-case-status"><strong id="fu-status"></strong> '
            '<span id="fu-since"></span></p>',
            # The workflow's steps with the current one marked, and the next deadline
            # (js/src/status-timeline.js).
            '<ol class="peluit-timeline" id="fu-timeline"></ol>',
            '<p class="peluit-note" id="fu-next" hidden></p>',
            f"<h3>{_e(t.thread_title)}</h3>",
            '<ol class="peluit-thread" id="fu-thread"></ol>',
            '<p class="peluit-note" id="fu-thread-empty" hidden></p>',
            '<p class="peluit-status" id="fu-file-status" role="status" hidden></p>',
            '<p class="peluit-error" id="fu-file-error" role="alert" hidden></p>',
            _reply_form(config, lang, t),
            '<p class="peluit-notice" id="fu-closed" hidden></p>',
            '<div class="peluit-actions">',
            f'<button type="button" id="fu-refresh" class="md-button">{_e(t.refresh)}</button>',
            f'<button type="button" id="fu-forget" class="md-button" '
            f'aria-describedby="fu-forget-help">{_e(t.forget)}</button>',
            "</div>",
            f'<p class="peluit-help" id="fu-forget-help">{_e(t.forget_help)}</p>',
            "</section>",
        ]
    )


def _reply_form(config: Config, lang: Lang, t: FollowupTexts) -> str:
    limits = config.limits
    help_text = files_help(t.files_help, limits, lang)
    off = limits.files_per_report == 0
    return "\n".join(
        [
            '<form class="peluit-form" id="fu-reply-form" novalidate method="post" '
            'autocomplete="off">',
            '<fieldset class="peluit-section" data-section="reply">',
            f"<legend>{_e(t.reply_legend)}</legend>",
            '<div class="peluit-field" data-field="text">',
            f'<label for="fu-text">{_e(t.text_label)}</label>',
            f'<textarea id="fu-text" name="text" rows="5" spellcheck="false" '
            f'maxlength="{MAX_TEXT}" aria-describedby="fu-text-error"></textarea>',
            '<p class="peluit-error" id="fu-text-error" role="alert" hidden></p>',
            "</div>",
            f'<div class="peluit-field" data-field="files"{" hidden" if off else ""}>',
            f'<label for="fu-files" class="peluit-files-label">{_e(t.files_label)}</label>',
            f'<p class="peluit-help" id="fu-files-help">{_e(help_text)}</p>',
            f'<p class="peluit-help peluit-warning">{_e(t.files_metadata)}</p>',
            '<input type="file" id="fu-files" multiple '
            f'aria-describedby="fu-files-help fu-files-error"{" disabled" if off else ""}>',
            '<ul class="peluit-files" id="fu-file-list"></ul>',
            '<p class="peluit-error" id="fu-files-error" role="alert" hidden></p>',
            "</div>",
            "</fieldset>",
            '<div class="peluit-actions">',
            f'<button type="submit" id="fu-send" class="md-button md-button--primary" disabled>'
            f"{_e(t.send)}</button>",
            '<button type="button" id="fu-cancel" class="md-button" hidden>'
            f"{_e(t.cancel)}</button>",
            "</div>",
            '<div class="peluit-progress" id="fu-progress" hidden aria-live="polite">',
            '<progress id="fu-progress-total" max="100" value="0"></progress>',
            '<p id="fu-progress-status"></p>',
            "</div>",
            '<p class="peluit-error" id="fu-reply-error" role="alert" hidden></p>',
            '<p class="peluit-notice" id="fu-reply-done" role="status" hidden></p>',
            "</form>",
        ]
    )
