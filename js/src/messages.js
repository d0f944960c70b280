// Every text the form script and the worker show, in Indonesian (first) and English, chosen by
// the form's `data-lang`. Labels and help texts come from the configuration, not from here.

/** @typedef {"id" | "en"} Lang */
/** @typedef {{id: string, en: string}} Text */
/** @typedef {Record<string, string | number>} Params */

/** @type {Record<string, Text>} */
export const MESSAGES = {
  // -- validation, next to a field ---------------------------------------------------------
  required: { id: "Wajib diisi.", en: "This field is required." },
  required_box: { id: "Centang kotak ini untuk melanjutkan.", en: "Tick this box to continue." },
  too_long: {
    id: "Terlalu panjang: {n} karakter, paling banyak {max}.",
    en: "Too long: {n} characters, at most {max}.",
  },
  money: {
    id: "Tulis jumlah dalam angka saja, misalnya 1500000.",
    en: "Write the amount in digits only, for example 1500000.",
  },
  date: {
    id: "Tulis tanggal sebagai TTTT-BB-HH, misalnya 2025-03-17.",
    en: "Write the date as YYYY-MM-DD, for example 2025-03-17.",
  },
  choice: { id: "Pilih salah satu pilihan yang tersedia.", en: "Choose one of the options." },
  identity_choice: {
    id: "Pilih bagaimana identitas Anda ditangani.",
    en: "Choose how your identity is handled.",
  },
  consent_needs_identity: {
    id: "Penghargaan dan pengakuan publik hanya untuk pelapor yang menyebutkan identitas. Anda memilih anonim: hapus centang ini, atau pilih “Identitas dirahasiakan”.",
    en: "A reward and public recognition are only for reporters who give their identity. You chose to stay anonymous: untick this box, or choose “Confidential identity”.",
  },
  name_needed: {
    id: "Tulis nama Anda; pilihan identitas ini memerlukannya.",
    en: "Write your name; this identity choice needs it.",
  },
  contact_needed: {
    id: "Tulis paling sedikit satu cara menghubungi Anda (telepon, e-mail atau alamat), agar Anda dapat dihubungi untuk perlindungan atau penghargaan.",
    en: "Give at least one way to reach you (phone, e-mail or address), so that you can be contacted about protection or a reward.",
  },
  nik: {
    id: "NIK terdiri dari 16 angka, seperti pada KTP. Yang tertulis: {n} angka.",
    en: "A NIK has 16 digits, as on the ID card (KTP). You wrote {n} digits.",
  },
  deadline: {
    id: "Paling lambat {date} {label} ({days} hari kerja).",
    en: "By {date} {label} ({days} working days).",
  },
  deadline_passed: {
    id: "Paling lambat {date} {label} ({days} hari kerja) — tanggal ini sudah lewat.",
    en: "By {date} {label} ({days} working days) — this date has passed.",
  },
  files_too_many: {
    id: "Paling banyak {max} berkas per laporan.",
    en: "At most {max} files per report.",
  },
  file_too_large: {
    id: "Berkas {name} terlalu besar ({size}); paling besar {max}.",
    en: "The file {name} is too large ({size}); at most {max}.",
  },
  file_empty: { id: "Berkas {name} kosong.", en: "The file {name} is empty." },
  files_total: {
    id: "Semua berkas bersama-sama terlalu besar ({size}); paling besar {max}.",
    en: "All files together are too large ({size}); at most {max}.",
  },
  files_segments: {
    id: "Terlalu banyak bagian unggahan; kirim lebih sedikit berkas.",
    en: "Too many upload parts; send fewer files.",
  },
  check_fields: {
    id: "Laporan belum dikirim. Periksa isian yang ditandai.",
    en: "The report was not sent. Please check the marked fields.",
  },

  // -- progress ----------------------------------------------------------------------------
  preparing: { id: "Menyiapkan enkripsi…", en: "Preparing encryption…" },
  uploading: {
    id: "Mengenkripsi dan mengunggah {name}: bagian {segment} dari {segments}…",
    en: "Encrypting and uploading {name}: part {segment} of {segments}…",
  },
  report: { id: "Mengenkripsi laporan…", en: "Encrypting the report…" },
  finalizing: { id: "Mengirim laporan…", en: "Sending the report…" },
  retry_network: {
    id: "Koneksi terputus. Mencoba lagi dalam {seconds} detik…",
    en: "The connection dropped. Trying again in {seconds} seconds…",
  },
  retry_server: {
    id: "Server sedang sibuk. Mencoba lagi dalam {seconds} detik…",
    en: "The server is busy. Trying again in {seconds} seconds…",
  },
  replan: {
    id: "Tautan unggah kedaluwarsa. Meminta tautan baru…",
    en: "The upload link expired. Asking for a new one…",
  },
  cancelling: { id: "Membatalkan…", en: "Cancelling…" },
  cancelled: {
    id: "Dibatalkan. Laporan tidak dikirim. Bagian lampiran yang sempat terunggah terhapus otomatis dalam 2 hari.",
    en: "Cancelled. The report was not sent. Parts of attachments already uploaded are deleted automatically within 2 days.",
  },
  done: { id: "Laporan terkirim.", en: "The report was sent." },
  file_waiting: { id: "menunggu", en: "waiting" },
  file_sending: { id: "mengunggah…", en: "uploading…" },
  file_done: { id: "terkirim", en: "sent" },

  // -- counters, the file list, the review -------------------------------------------------
  counter: { id: "{n} dari {max} karakter", en: "{n} of {max} characters" },
  counter_near: {
    id: "{n} dari {max} karakter — sisa {left}",
    en: "{n} of {max} characters — {left} left",
  },
  counter_over: {
    id: "{n} dari {max} karakter — kelebihan {over}. Persingkat sebelum mengirim; tidak ada yang dipotong.",
    en: "{n} of {max} characters — {over} too many. Shorten it before sending; nothing is cut.",
  },
  file_remove: { id: "Hapus", en: "Remove" },
  file_remove_label: { id: "Hapus berkas {name}", en: "Remove the file {name}" },
  new_tab: { id: " (membuka tab baru)", en: " (opens in a new tab)" },
  review_yes: { id: "Ya", en: "Yes" },
  review_no: { id: "Tidak", en: "No" },
  review_empty: { id: "—", en: "—" },
  review_no_files: { id: "Tidak ada berkas", en: "No files" },

  // -- the receipt ---------------------------------------------------------------------------
  copied: { id: "Kode tersalin.", en: "Code copied." },
  saved_file: { id: "peluit-tanda-terima.txt", en: "peluit-receipt.txt" },
  copy_manual: {
    id: "Kode sudah dipilih. Tekan Ctrl+C (di ponsel: tahan lalu pilih Salin) untuk menyalinnya.",
    en: "The code is selected. Press Ctrl+C (on a phone: long-press and choose Copy) to copy it.",
  },

  // -- failures (nothing was filed) -------------------------------------------------------
  config_failed: {
    id: "Formulir tidak dapat dimuat (konfigurasi saluran tidak terbaca). Muat ulang halaman.",
    en: "The form could not be loaded (the channel configuration could not be read). Reload the page.",
  },
  unsupported: {
    id: "Peramban ini tidak mendukung enkripsi yang diperlukan (Web Crypto dan Web Worker). Gunakan versi terbaru Chrome, Firefox, Safari atau Edge.",
    en: "This browser lacks the encryption features needed (Web Crypto and Web Workers). Use a current Chrome, Firefox, Safari or Edge.",
  },
  recipient_policy: {
    id: "Kunci enkripsi saluran ini tidak memenuhi syarat keamanan (harus pasca-kuantum). Demi keselamatan Anda, tidak ada yang dikirim. Mohon beri tahu pengelola situs.",
    en: "This channel's encryption keys do not meet the security policy (they must be post-quantum). For your safety nothing was sent. Please tell the site's operator.",
  },
  encryption_failed: {
    id: "Enkripsi gagal di peramban Anda. Demi keselamatan Anda, tidak ada yang dikirim.",
    en: "Encryption failed in your browser. For your safety nothing was sent.",
  },
  file_unreadable: {
    id: "Berkas {name} tidak dapat dibaca (mungkin dipindahkan atau diubah). Pilih berkas itu lagi, lalu kirim ulang.",
    en: "The file {name} could not be read (it may have been moved or changed). Choose it again and send again.",
  },
  report_too_large: {
    id: "Laporan terlalu panjang untuk dikirim. Persingkat uraian Anda.",
    en: "The report is too long to send. Please shorten your answers.",
  },
  finalize_unknown: {
    id: "Laporan Anda mungkin sudah sampai, tetapi server belum mengonfirmasinya (koneksi terputus). Jangan tutup halaman ini. Saat koneksi pulih, tekan “Coba kirim lagi”: laporan yang sama dikirim ulang dan tidak akan tercatat dua kali.",
    en: "Your report may have arrived, but the server has not confirmed it (the connection dropped). Do not close this page. When the connection is back, press “Try sending again”: the same report is sent again and will not be filed twice.",
  },
  finalize_stalled: { id: "Menunggu konfirmasi server…", en: "Waiting for the server's confirmation…" },
  worker_failed: {
    id: "Terjadi kesalahan di peramban. Laporan belum terkirim; silakan coba lagi.",
    en: "Something went wrong in the browser. The report was not sent; please try again.",
  },

  // -- the follow-up page: the receipt code ------------------------------------------------
  code_length: {
    id: "Kode tanda terima terdiri dari 27 huruf dan angka; yang Anda masukkan {n}. Periksa lagi.",
    en: "A receipt code has 27 letters and digits; you entered {n}. Please check it.",
  },
  code_character: {
    id: "Kode tanda terima hanya berisi angka dan huruf A–Z (tanpa U). Periksa lagi.",
    en: "A receipt code has only digits and the letters A–Z (no U). Please check it.",
  },
  code_range: {
    id: "Ini bukan kode tanda terima Peluit. Periksa karakter pertama.",
    en: "This is not a Peluit receipt code. Check the first character.",
  },
  code_check: {
    id: "Ada salah ketik di kode ini: karakter terakhir (karakter pemeriksa) tidak cocok dengan yang lain. Periksa setiap karakter dengan teliti. Belum ada yang dikirim.",
    en: "There is a typo in this code: its last character (the check character) does not match the rest. Check every character carefully. Nothing has been sent.",
  },
  opening: {
    id: "Membuka laporan: peramban Anda menghitung kunci dan mendekripsi pesan…",
    en: "Opening the report: your browser is deriving the keys and decrypting messages…",
  },
  opened: { id: "Laporan terbuka.", en: "Report opened." },

  // -- the follow-up page: status and thread ----------------------------------------------
  status_diterima: {
    id: "Diterima: laporan Anda sudah masuk dan menunggu pemeriksaan awal.",
    en: "Received: your report has arrived and awaits a first check.",
  },
  status_diverifikasi: {
    id: "Diverifikasi: laporan Anda sudah diperiksa kelengkapannya.",
    en: "Verified: your report has been checked for completeness.",
  },
  status_ditelaah: {
    id: "Ditelaah: tim penelaah sedang menelaah laporan Anda.",
    en: "Under review: the review team is examining your report.",
  },
  status_diteruskan: {
    id: "Diteruskan: laporan Anda diteruskan kepada pihak yang berwenang menanganinya.",
    en: "Forwarded: your report has been passed to the authority competent to handle it.",
  },
  status_selesai: {
    id: "Selesai: penanganan laporan Anda sudah selesai.",
    en: "Closed: the handling of your report is complete.",
  },
  status_ditolak: {
    id: "Tidak dilanjutkan: laporan Anda tidak dapat ditindaklanjuti.",
    en: "Not pursued: your report could not be taken further.",
  },
  status_other: { id: "Status: {status}", en: "Status: {status}" },
  step_diterima: { id: "Diterima", en: "Received" },
  step_diverifikasi: { id: "Diverifikasi", en: "Verified" },
  step_ditelaah: { id: "Ditelaah", en: "Under review" },
  step_diteruskan: { id: "Diteruskan", en: "Forwarded" },
  step_selesai: { id: "Selesai", en: "Closed" },
  step_ditolak: { id: "Tidak dilanjutkan", en: "Not pursued" },
  step_now: { id: " (sekarang)", en: " (now)" },
  next_due: {
    id: "Tanggapan pertama paling lambat {date} ({days} hari kerja sejak diterima).",
    en: "First answer due by {date} ({days} working days after it arrived).",
  },
  since: { id: "sejak {date}", en: "since {date}" },
  from_reviewer: { id: "Tim penelaah", en: "Review team" },
  // A team message without a valid signature of the channel's reviewers (team-signature.js):
  // shown in both languages, Indonesian first, whatever the page's language.
  team_unverified: { id: "TIDAK TERVERIFIKASI", en: "NOT VERIFIED" },
  team_unverified_warning: {
    id: "Peringatan: pesan ini tidak terbukti berasal dari tim penelaah. Jangan ikuti petunjuknya (menelepon, membuka berkas) sebelum memastikannya melalui jalur lain.",
    en: "Warning: this message is not proven to come from the review team. Do not follow its instructions (calling a number, opening a file) before confirming them another way.",
  },
  no_day: { id: "—", en: "—" },
  reply_files: { id: "Berkas dari tim penelaah:", en: "Files from the review team:" },
  reply_files_unverified: {
    id: "Pesan ini melampirkan berkas, tetapi berkas dari pesan yang tidak terverifikasi tidak dapat diunduh di sini.",
    en: "This message attaches files, but files of a message that is not verified cannot be downloaded here.",
  },
  download_file: { id: "Unduh {name} ({size})", en: "Download {name} ({size})" },
  downloading_file: { id: "Mengunduh dan memeriksa {name}…", en: "Downloading and checking {name}…" },
  file_saved: {
    id: "{name} sudah diperiksa, didekripsi di perangkat ini, dan disimpan.",
    en: "{name} was checked, decrypted on this device and saved.",
  },
  file_altered: {
    id: "Berkas ini tidak utuh atau telah diubah, sehingga tidak disimpan. Coba lagi nanti; bila terulang, beri tahu tim penelaah dalam pesan.",
    en: "This file is incomplete or was altered, so it was not saved. Try again later; if it happens again, tell the review team in a message.",
  },
  reply_problem: {
    id: "Pesan ini tidak dapat ditampilkan oleh halaman ini (formatnya tidak dikenal).",
    en: "This page cannot show this message (its format is unknown).",
  },
  from_you: { id: "Anda", en: "You" },
  own_sealed: {
    id: "Pesan Anda terenkripsi untuk tim penelaah saja, sehingga tidak dapat ditampilkan lagi di sini.",
    en: "Your message is encrypted for the review team only, so it cannot be shown here again.",
  },
  unreadable: {
    id: "Pesan ini tidak dapat dibuka dengan kode Anda.",
    en: "This message cannot be opened with your code.",
  },
  thread_empty: { id: "Belum ada pesan.", en: "No messages yet." },
  files_added: { id: "Berkas yang Anda tambahkan: {names}", en: "Files you added: {names}" },

  // -- the follow-up page: answering ------------------------------------------------------
  reply_empty: {
    id: "Tulis pesan atau pilih berkas terlebih dahulu.",
    en: "Write a message or choose a file first.",
  },
  message: { id: "Mengenkripsi dan mengirim pesan…", en: "Encrypting and sending the message…" },
  reply_sent: {
    id: "Terkirim dan terenkripsi untuk tim penelaah.",
    en: "Sent, encrypted for the review team.",
  },
  reply_sent_stale: {
    id: "Terkirim dan terenkripsi untuk tim penelaah. Daftar pesan belum dapat dimuat ulang; tekan “Periksa pesan baru” nanti.",
    en: "Sent, encrypted for the review team. The list of messages could not be reloaded; press “Check for new messages” later.",
  },
  reply_cancelled: { id: "Dibatalkan. Pesan tidak dikirim.", en: "Cancelled. The message was not sent." },
  closed_case: {
    id: "Laporan ini sudah selesai ditangani; pesan dan bukti baru tidak dapat ditambahkan.",
    en: "This report has been closed; new messages and evidence cannot be added.",
  },
  closed_refused: {
    id: "Laporan ini tidak dilanjutkan; alasannya ada di pesan tim penelaah di atas. Pesan dan bukti baru tidak dapat ditambahkan; Anda dapat membuat laporan baru.",
    en: "This report is not being pursued; the review team's message above says why. New messages and evidence cannot be added; you may file a new report.",
  },
  followup_failed: {
    id: "Terjadi kesalahan di peramban. Tidak ada yang dikirim; silakan coba lagi.",
    en: "Something went wrong in the browser. Nothing was sent; please try again.",
  },
};

/**
 * A message in the page's language, with `{name}` placeholders filled in.
 * @param {Lang} lang
 * @param {string} key
 * @param {Params} [params]
 */
export function t(lang, key, params = {}) {
  const text = MESSAGES[key] ?? MESSAGES.worker_failed;
  return fill(text[lang === "en" ? "en" : "id"], params);
}

/**
 * @param {string} template
 * @param {Params} params
 */
export function fill(template, params) {
  return template.replace(/\{(\w+)\}/g, (whole, name) => (name in params ? String(params[name]) : whole));
}

/**
 * A text in the page's language: the server's {id, en}, or ours.
 * @param {Lang} lang
 * @param {Text} text
 */
export function pick(lang, text) {
  return lang === "en" ? text.en : text.id;
}

/**
 * A byte count for people: "1,5 MB" in Indonesian, "1.5 MB" in English (powers of 1024).
 * @param {Lang} lang
 * @param {number} bytes
 */
export function formatBytes(lang, bytes) {
  const units = ["B", "KB", "MB", "GB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  const digits = unit === 0 || value >= 100 ? 0 : 1;
  const locale = lang === "en" ? "en-GB" : "id-ID";
  return `${new Intl.NumberFormat(locale, { maximumFractionDigits: digits }).format(value)} ${units[unit]}`;
}

/**
 * A date from the server ("2025-11-28") for people: "28 November 2025" / "28 November 2025".
 * @param {Lang} lang
 * @param {string} isoDate
 */
export function formatDate(lang, isoDate) {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDate);
  if (!match) {
    return isoDate;
  }
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  const locale = lang === "en" ? "en-GB" : "id-ID";
  return new Intl.DateTimeFormat(locale, { dateStyle: "long", timeZone: "UTC" }).format(date);
}
