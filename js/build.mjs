// `npm run build`: bundle the page script and the worker with esbuild into minified IIFE files
// for the site (docs/site-and-form.md), check that they keep the promises the site makes, and
// print their sizes. Usage: node build.mjs [OUT_DIR] (default ../site/overrides/assets/peluit).
import { mkdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";

const here = dirname(fileURLToPath(import.meta.url));
const outdir = resolve(process.argv[2] ?? join(here, "..", "site", "overrides", "assets", "peluit"));
const ENTRIES = {
  form: "src/form.js",
  worker: "src/worker.js",
  followup: "src/followup.js",
  "followup-worker": "src/followup-worker.js",
  stats: "src/stats.js", // the public statistics page (site/docs/statistik.md)
};

// What must never appear in a bundle: code from strings (the CSP forbids it anyway) and any
// storage that would outlive the page.
const FORBIDDEN = [
  /\beval\s*\(/,
  /\bnew\s+Function\s*\(/,
  /\blocalStorage\b/,
  /\bsessionStorage\b/,
  /\bindexedDB\b/,
  /\bdocument\.cookie\b/,
  /\bcaches\.open\b/,
  /https?:\/\/(?!www\.w3\.org\/)[a-z0-9.-]+\.[a-z]{2,}/i,
];

mkdirSync(outdir, { recursive: true });
await build({
  absWorkingDir: here,
  entryPoints: ENTRIES,
  outdir,
  bundle: true,
  format: "iife",
  minify: true,
  target: ["es2020"],
  platform: "browser",
  legalComments: "eof",
  charset: "utf8",
  sourcemap: false,
  logLevel: "warning",
});

let failed = false;
for (const name of Object.keys(ENTRIES)) {
  const file = join(outdir, `${name}.js`);
  const code = readFileSync(file);
  const text = code.toString("utf8");
  for (const pattern of FORBIDDEN) {
    if (pattern.test(text)) {
      console.error(`${relative(process.cwd(), file)}: contains ${pattern}, which the site forbids`);
      failed = true;
    }
  }
  const kb = (/** @type {number} */ n) => `${(n / 1024).toFixed(1)} KiB`;
  console.log(`${relative(process.cwd(), file)}  ${kb(code.length)} min, ${kb(gzipSync(code).length)} gzip`);
}
if (failed) {
  process.exitCode = 1;
}
