"""The form's own words (legends, choices, buttons), in Indonesian and English.

Labels and help of the questions come from the configuration; validation messages and
statuses live in `form.js`. Everything here is plain text: the renderer escapes it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, get_args

from peluit.config.models import Deadline, Limits, Text

Lang = Literal["id", "en"]
LANGS: tuple[Lang, ...] = get_args(Lang)


def pick(text: Text, lang: Lang) -> str:
    """The configuration text in the page's language."""
    return text.id if lang == "id" else text.en


@dataclass(frozen=True)
class FormTexts:
    noscript: str
    report_legend: str
    required_note: str
    choose: str
    identity_choice_legend: str
    anonymous: str
    anonymous_help: str
    confidential: str
    confidential_help: str
    open: str
    open_help: str
    identity_legend: str
    identity_help_optional: str
    identity_help_required: str
    consents_legend: str
    consents_help: str
    nik_help: str  # a NIK question without configured help
    deadline_rule: str  # {rules}: deadline_item each, joined with deadline_or
    deadline_item: str  # {days}, {label}
    deadline_or: str
    files_legend: str
    files_label: str
    files_help: str  # {count}, {size}, {total}
    files_metadata: str
    submit: str  # opens the "check again" view; nothing is sent yet
    review_title: str
    review_help: str
    review_edit: str
    review_send: str
    cancel: str
    retry: str  # finalizing again with the same report, after its outcome was unknown
    receipt_title: str
    receipt_body: str
    receipt_copy: str
    receipt_save: str
    receipt_save_help: str
    receipt_received: str  # {date}: where the <output> goes
    receipt_due: str  # {date}: the <output>; {days}: the channel's working days to acknowledge
    receipt_followup: str  # {link}: the link to the follow-up page, whose text is followup_link
    followup_link: str
    receipt_saved: str
    receipt_saved_help: str
    unknown_channel: str  # {org}
    channel_link: str


FORM_TEXTS: dict[Lang, FormTexts] = {
    "id": FormTexts(
        noscript=(
            "Formulir ini memerlukan JavaScript, karena laporan Anda dienkripsi di peramban Anda "
            "sendiri sebelum dikirim. Aktifkan JavaScript untuk situs ini atau gunakan peramban "
            "lain. Tanpa JavaScript tidak ada apa pun yang dikirim."
        ),
        report_legend="Laporan Anda",
        required_note="Kolom bertanda * wajib diisi.",
        choose="— Pilih —",
        identity_choice_legend="Identitas Anda",
        anonymous="Tanpa nama (anonim)",
        anonymous_help=(
            "Tidak ada yang tahu siapa Anda. Anda tetap bisa membaca balasan dengan kode tanda "
            "terima, tetapi tidak dapat mengajukan penghargaan."
        ),
        confidential="Identitas dirahasiakan",
        confidential_help=(
            "Nama dan kontak Anda dienkripsi terpisah, hanya untuk kustodian identitas. Penelaah "
            "baru dapat melihatnya jika kustodian menyetujui, misalnya untuk perlindungan atau "
            "penghargaan."
        ),
        open="Identitas diketahui tim penelaah",
        open_help=(
            "Nama dan kontak Anda menjadi bagian laporan dan dapat dibaca tim penelaah dan "
            "pengawas. Identitas Anda tetap tidak diumumkan."
        ),
        identity_legend="Data diri Anda",
        identity_help_optional=(
            "Diisi jika Anda tidak memilih anonim. Nama dan paling sedikit satu cara "
            "menghubungi Anda wajib diisi."
        ),
        identity_help_required=(
            "Saluran ini mewajibkan identitas pelapor. Nama dan paling sedikit satu cara "
            "menghubungi Anda wajib diisi."
        ),
        consents_legend="Penghargaan dan pengakuan",
        consents_help=(
            "Hanya untuk pelapor yang menyebutkan identitas: penghargaan dan pengakuan publik "
            "memerlukan pelapor yang dapat dikenali dan dihubungi."
        ),
        nik_help="16 angka, seperti pada KTP Anda.",
        deadline_rule=(
            "Batas waktu melapor: {rules}, dihitung sejak tanggal ini. Sabtu, Minggu dan hari "
            "libur tidak dihitung."
        ),
        deadline_item="{days} hari kerja {label}",
        deadline_or=" atau ",
        files_legend="Bukti yang Anda miliki (jika ada)",
        files_label="Tambah berkas",
        files_help=(
            "Foto, dokumen, rekaman, atau berkas lain yang sudah ada pada Anda. Paling banyak "
            "{count} berkas, masing-masing sampai {size}, seluruhnya sampai {total}. Berkas juga "
            "dienkripsi di peramban Anda sebelum dikirim."
        ),
        files_metadata=(
            "Perhatian: foto dan dokumen sering menyimpan data tersembunyi, misalnya lokasi "
            "pemotretan, jenis ponsel, atau nama penulis dokumen. Jika data itu dapat menunjuk "
            "kepada Anda, kirim tangkapan layar (screenshot) sebagai gantinya."
        ),
        submit="Periksa sebelum mengirim",
        review_title="Periksa lagi laporan Anda",
        review_help=(
            "Belum ada yang dikirim. Periksa jawaban dan berkas di bawah ini. Pilih “Ubah” untuk "
            "memperbaikinya, atau kirim jika sudah benar."
        ),
        review_edit="Ubah",
        review_send="Kirim laporan terenkripsi",
        cancel="Batalkan",
        retry="Coba kirim lagi",
        receipt_title="Laporan terkirim. Simpan kode tanda terima ini",
        receipt_body=(
            "Kode ini satu-satunya cara membaca balasan dan menambah keterangan. Kode ini hanya "
            "ditampilkan sekali dan tidak dapat dipulihkan oleh siapa pun, termasuk petugas. "
            "Tulis di kertas atau simpan di tempat aman yang hanya Anda ketahui, jangan di "
            "perangkat kantor."
        ),
        receipt_copy="Salin",
        receipt_save="Simpan sebagai teks",
        receipt_save_help=(
            "Berkas teks berisi kode, tanggal dan alamat halaman tindak lanjut dibuat di peramban "
            "Anda (tidak ada yang dikirim) dan tersimpan di folder unduhan perangkat ini. Jangan "
            "simpan di perangkat kantor atau perangkat yang dipakai bersama."
        ),
        receipt_received="Diterima pada {date}.",
        receipt_due="Tanggapan pertama paling lambat {date} ({days} hari kerja).",
        receipt_followup="Baca balasan dan status laporan di {link} dengan kode ini.",
        followup_link="halaman tindak lanjut",
        receipt_saved="Saya sudah menyimpan kode tanda terima saya",
        receipt_saved_help=(
            "Sebelum kotak ini dicentang, peramban meminta konfirmasi jika Anda meninggalkan "
            "halaman ini."
        ),
        unknown_channel="Saluran ini tidak dibuka oleh {org}.",
        channel_link="Laporkan",
    ),
    "en": FormTexts(
        noscript=(
            "This form needs JavaScript, because your report is encrypted in your own browser "
            "before it is sent. Enable JavaScript for this site or use another browser. Without "
            "JavaScript nothing is sent."
        ),
        report_legend="Your report",
        required_note="Fields marked * are required.",
        choose="— Choose —",
        identity_choice_legend="Your identity",
        anonymous="Anonymous",
        anonymous_help=(
            "Nobody learns who you are. You can still read replies with your receipt code, but "
            "you cannot claim a reward."
        ),
        confidential="Confidential identity",
        confidential_help=(
            "Your name and contact details are encrypted separately, for the identity custodians "
            "only. Reviewers can see them only if a custodian agrees, for example for your "
            "protection or a reward."
        ),
        open="Known to the review team",
        open_help=(
            "Your name and contact details are part of the report, readable by the reviewers and "
            "oversight. They are still not made public."
        ),
        identity_legend="Your details",
        identity_help_optional=(
            "Only if you do not choose to stay anonymous. Your name and at least one way to "
            "reach you are then required."
        ),
        identity_help_required=(
            "This channel requires the reporter's identity: your name and at least one way to "
            "reach you."
        ),
        consents_legend="Reward and recognition",
        consents_help=(
            "Only for reporters who give their identity: a reward and public recognition need "
            "a reporter who can be identified and reached."
        ),
        nik_help="16 digits, as on your ID card (KTP).",
        deadline_rule=(
            "Deadline to report: {rules}, counted from this date. Saturdays, Sundays and "
            "holidays do not count."
        ),
        deadline_item="{days} working days {label}",
        deadline_or=" or ",
        files_legend="Evidence you already have (if any)",
        files_label="Add files",
        files_help=(
            "Photos, documents, recordings or other files you already have. At most {count} "
            "files, each up to {size}, {total} in all. Files are also encrypted in your browser "
            "before they are sent."
        ),
        files_metadata=(
            "Note: photos and documents often carry hidden data, such as where a photo was taken, "
            "the phone model, or a document's author. If that could point to you, send a "
            "screenshot instead."
        ),
        submit="Check before sending",
        review_title="Check your report again",
        review_help=(
            "Nothing has been sent yet. Check your answers and files below. Choose “Edit” to "
            "change them, or send when they are right."
        ),
        review_edit="Edit",
        review_send="Send encrypted report",
        cancel="Cancel",
        retry="Try sending again",
        receipt_title="Report sent. Keep this receipt code",
        receipt_body=(
            "This code is the only way to read replies and add information. It is shown only "
            "once and nobody, including the staff, can recover it. Write it on paper or keep it "
            "somewhere safe that only you know, not on an office device."
        ),
        receipt_copy="Copy",
        receipt_save="Save as text",
        receipt_save_help=(
            "A text file with the code, the dates and the follow-up page's address is made in your "
            "browser (nothing is sent) and saved in this device's downloads folder. Do not keep it "
            "on an office or shared device."
        ),
        receipt_received="Received on {date}.",
        receipt_due="First answer due by {date} ({days} working days).",
        receipt_followup="Read replies and your report's status on the {link} with this code.",
        followup_link="follow-up page",
        receipt_saved="I have saved my receipt code",
        receipt_saved_help=(
            "Until this box is ticked, the browser asks before you leave this page."
        ),
        unknown_channel="{org} does not offer this channel.",
        channel_link="Report",
    ),
}


def format_size(size: int, lang: Lang) -> str:
    """A byte count as people read it: 500 MB, 2 GB, 1,5 GB (binary units, decimal comma in id)."""
    for unit, factor in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if size >= factor:
            value = f"{size / factor:.1f}".removesuffix(".0")
            if lang == "id":
                value = value.replace(".", ",")
            return f"{value} {unit}"
    return f"{size} B" if lang == "en" else f"{size} bita"


def files_help(template: str, limits: Limits, lang: Lang) -> str:
    """A files section's help text with the configured count and sizes filled in."""
    return template.format(
        count=limits.files_per_report,
        size=format_size(limits.file_max_bytes, lang),
        total=format_size(limits.total_max_bytes, lang),
    )


def deadline_rule(t: FormTexts, deadlines: Sequence[Deadline], lang: Lang) -> str:
    """A date question's deadlines in words: "10 hari kerja ke UPG atau 30 hari kerja …"."""
    items = [
        t.deadline_item.format(days=d.working_days, label=pick(d.label, lang)) for d in deadlines
    ]
    return t.deadline_rule.format(rules=t.deadline_or.join(items))
