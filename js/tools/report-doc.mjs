// Builds a report or identity document with the browser's js/src/report.js from the JSON parts
// on stdin and writes the document's bytes (what the form encrypts) to stdout.
//   {"kind": "report", "channel", "lang", "answers", "identityChoice", "identity", "files": [
//      {"name", "type", "size", "segments": [{"size", "sha256"}]}]}
//   {"kind": "identity", "channel", "fields"}
import { encodeDocument, fileEntry, identityDocument, reportDocument } from "../src/report.js";
import { readStdin, run, writeStdout } from "./io.mjs";

run(async () => {
  const { kind, ...parts } = JSON.parse(new TextDecoder().decode(await readStdin()));
  let doc;
  if (kind === "report") {
    const files = (parts.files ?? []).map((f) => fileEntry(f, f.segments));
    doc = reportDocument({ ...parts, files });
  } else if (kind === "identity") {
    doc = identityDocument(parts);
  } else {
    throw new Error('kind must be "report" or "identity"');
  }
  await writeStdout(encodeDocument(doc));
});
