// The public statistics page's view (docs/adr/0041): the published `peluit-stats/1` document as
// headline figures and tables, in Indonesian or English. Pure: it returns plain data, and
// stats.js turns it into DOM nodes with textContent only (no HTML from the document).

/**
 * @typedef {number | string} Count  a count: a number (0 or at least 5), "<5" (1 to 4) or "≥5"
 * @typedef {Record<string, Count> | null} Breakdown  null: withheld (docs/adr/0055)
 * @typedef {{ id: string, en: string }} Words
 * @typedef {{ decided: Count, on_time_percent: number | null }} DeadlineDoc
 * @typedef {{
 *   format: string,
 *   organisation: Words,
 *   period: { start: string | null, end: string | null },
 *   as_of: string,
 *   signer: string,
 *   channels: string[],
 *   counts: {
 *     cases: Count,
 *     by_channel: Breakdown,
 *     by_status: Breakdown,
 *     by_month: Breakdown,
 *     by_area: Breakdown,
 *     forwarded_to: Breakdown,
 *     overdue: Count,
 *   },
 *   acknowledgement: DeadlineDoc,
 *   feedback: DeadlineDoc,
 *   median_working_days: { acknowledge: number | null, close: number | null },
 *   labels: { channels: Record<string, Words>, areas: Record<string, Words>, statuses: Record<string, Words> },
 * }} StatsDocument
 * @typedef {{ document: StatsDocument, signature: string, key: string }} SignedStats
 * @typedef {"id" | "en"} Lang
 * @typedef {{ caption: string, head: [string, string], rows: [string, string][] }} Table
 * @typedef {{ title: string, summary: Table, tables: Table[], note: string }} View
 */

/** @type {Record<string, Words>} */
const TARGETS = {
  apip: { id: "APIP (Inspektorat)", en: "APIP (internal audit)" },
  kpk: { id: "KPK", en: "KPK" },
  aph: { id: "Aparat penegak hukum", en: "Law enforcement" },
};

/** @type {Record<string, Words>} */
const WORDS = {
  title: { id: "Statistik laporan", en: "Report statistics" },
  period: { id: "Periode (tanggal diterima)", en: "Period (day received)" },
  asOf: { id: "Keadaan per", en: "As of" },
  cases: { id: "Laporan", en: "Reports" },
  ack: { id: "Tanggapan awal tepat waktu", en: "Acknowledged on time" },
  feedback: { id: "Umpan balik tepat waktu", en: "Feedback on time" },
  medianAck: { id: "Median hari kerja sampai tanggapan awal", en: "Median working days to acknowledge" },
  medianClose: { id: "Median hari kerja sampai selesai", en: "Median working days to close" },
  overdue: { id: "Melewati tenggat hari ini", en: "Past a deadline today" },
  byChannel: { id: "Per saluran", en: "By channel" },
  byStatus: { id: "Per status", en: "By status" },
  byMonth: { id: "Per bulan diterima", en: "By month received" },
  byArea: { id: "Per bidang rawan korupsi (KPK)", en: "By corruption-prone area (KPK)" },
  forwarded: { id: "Diteruskan ke", en: "Forwarded to" },
  group: { id: "Kelompok", en: "Group" },
  summary: { id: "Ringkasan", en: "Summary" },
  measure: { id: "Ukuran", en: "Measure" },
  value: { id: "Nilai", en: "Value" },
  count: { id: "Jumlah", en: "Number" },
  start: { id: "awal", en: "the start" },
  none: { id: "—", en: "—" },
  withheld: {
    id: "Tidak ditampilkan: angka yang disembunyikan di sini dapat dihitung dari jumlah seluruhnya",
    en: "Not shown: the hidden numbers here could be worked out from the total",
  },
  note: {
    id: "Angka di bawah 5 ditampilkan sebagai “<5” agar tidak ada pelapor yang dapat dikenali; “≥5” menyembunyikan angka lain agar yang kecil tidak dapat dihitung dari jumlah seluruhnya. Statistik mencakup satu bulan, triwulan, atau tahun penuh yang sudah berakhir. Laporan uji tidak dihitung. Ditandatangani oleh {signer} dari tim penelaah; siapa pun dapat memeriksanya dengan perintah peluit stats verify.",
    en: "Numbers under 5 are shown as “<5” so that no reporter can be recognised; “≥5” hides another number so that a small one cannot be worked out from the total. Statistics cover one whole month, quarter or year that has ended. Test reports are not counted. Signed by {signer} of the review team; anyone can check it with the command peluit stats verify.",
  },
};

/**
 * @param {Words | undefined} words
 * @param {Lang} lang
 * @param {string} fallback
 */
function say(words, lang, fallback) {
  return words ? words[lang] : fallback;
}

/**
 * @param {number | null} value
 * @param {Lang} lang
 * @param {string} [suffix]
 */
export function number(value, lang, suffix = "") {
  if (value === null) return WORDS.none[lang];
  const text = lang === "id" ? String(value).replace(".", ",") : String(value);
  return text + suffix;
}

/** @param {Count} count */
export function countText(count) {
  return typeof count === "number" ? String(count) : count;
}

// The stored document has its keys sorted (canonical JSON): statuses go back into the
// workflow's order, other groups largest first ("≥5", "<5" and 0 after the numbers), with the
// areas that are not areas last.
const STATUS_ORDER = ["diterima", "diverifikasi", "ditelaah", "diteruskan", "selesai", "ditolak"];
const LAST = ["tanpa-bidang", "tidak-diketahui"];

/** @param {Count} count */
function weight(count) {
  if (typeof count === "number") return count === 0 ? -3 : count;
  return count === "<5" ? -2 : -1; // "≥5" before "<5"
}

/**
 * @param {Record<string, Count>} counts
 * @param {boolean} statuses
 * @returns {[string, Count][]}
 */
export function ordered(counts, statuses = false) {
  const entries = Object.entries(counts);
  if (statuses) {
    const rank = (/** @type {string} */ k) => {
      const at = STATUS_ORDER.indexOf(k);
      return at < 0 ? STATUS_ORDER.length : at;
    };
    return entries.sort(([a], [b]) => rank(a) - rank(b));
  }
  return entries.sort(
    ([a, x], [b, y]) =>
      Number(LAST.includes(a)) - Number(LAST.includes(b)) || weight(y) - weight(x) || (a < b ? -1 : 1),
  );
}

/**
 * @param {[string, Count][]} entries
 * @param {(key: string) => string} name
 * @returns {[string, string][]}
 */
function rows(entries, name) {
  return entries.map(([key, count]) => [name(key), countText(count)]);
}

/**
 * @param {StatsDocument} doc
 * @param {Lang} lang
 * @returns {View}
 */
export function statsView(doc, lang) {
  const w = (/** @type {string} */ key) => WORDS[key][lang];
  const labels = doc.labels;
  /** @type {(caption: string, entries: [string, Count][] | null, name: (key: string) => string) => Table} */
  const table = (caption, entries, name) => ({
    caption,
    head: [w("group"), w("count")],
    rows: entries === null ? [[w("withheld"), w("none")]] : rows(entries, name),
  });
  const c = doc.counts;
  const percent = (/** @type {DeadlineDoc} */ d) => number(d.on_time_percent, lang, " %");
  return {
    title: `${w("title")} — ${doc.organisation[lang]}`,
    summary: {
      caption: w("summary"),
      head: [w("measure"), w("value")],
      rows: [
      [w("period"), `${doc.period.start ?? w("start")} – ${doc.period.end ?? doc.as_of}`],
      [w("asOf"), doc.as_of],
      [w("cases"), countText(doc.counts.cases)],
      [w("ack"), percent(doc.acknowledgement)],
      [w("feedback"), percent(doc.feedback)],
      [w("medianAck"), number(doc.median_working_days.acknowledge, lang)],
      [w("medianClose"), number(doc.median_working_days.close, lang)],
      [w("overdue"), countText(doc.counts.overdue)],
      ],
    },
    tables: [
      table(w("byChannel"), c.by_channel && ordered(c.by_channel), (k) => say(labels.channels[k], lang, k)),
      table(w("byStatus"), c.by_status && ordered(c.by_status, true), (k) => say(labels.statuses[k], lang, k)),
      table(w("byMonth"), c.by_month && Object.entries(c.by_month), (k) => k),
      table(w("byArea"), c.by_area && ordered(c.by_area), (k) => say(labels.areas[k], lang, k)),
      table(w("forwarded"), c.forwarded_to && ordered(c.forwarded_to), (k) => say(TARGETS[k], lang, k)),
    ],
    note: w("note").replace("{signer}", doc.signer),
  };
}

/** @type {Record<string, Words>} */
export const PROBLEMS = {
  none: { id: "Belum ada statistik yang diterbitkan.", en: "No statistics have been published yet." },
  failed: {
    id: "Statistik tidak dapat dimuat sekarang. Coba lagi nanti.",
    en: "The statistics cannot be loaded now. Try again later.",
  },
  loading: { id: "Memuat statistik…", en: "Loading the statistics…" },
};
