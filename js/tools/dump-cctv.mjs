// Writes every C2SP CCTV age vector (npm package cctv-age) as a file into the given directory.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as vectors from "cctv-age";

const out = process.argv[2];
if (!out) {
  console.error("usage: node dump-cctv.mjs OUT_DIR");
  process.exit(2);
}
mkdirSync(out, { recursive: true });
for (const [name, bytes] of Object.entries(vectors)) {
  writeFileSync(join(out, name), bytes);
}
console.log(Object.keys(vectors).length);
