// Submits one report to a running Peluit server with the browser's own pipeline
// (js/src/submit.js and api.js, as the worker runs them), and prints the result as JSON:
// {"receipt", "case", "acknowledgedOn", "events"}. The request comes as JSON on stdin:
//   {"channel", "spec": {identity, report_recipients, identity_recipients}, "limits",
//    "lang", "answers", "identityChoice", "identity", "files": [{"path", "name", "type"}]}
// Usage: node submit.mjs BASE_URL [API_PREFIX] < request.json
import { openAsBlob } from "node:fs";
import { createClient } from "../src/api.js";
import { submit } from "../src/submit.js";
import { readStdin, run } from "./io.mjs";

const [base, api = "/api/v1"] = process.argv.slice(2);
if (!base) {
  console.error("usage: node submit.mjs BASE_URL [API_PREFIX] < request.json");
  process.exit(2);
}
run(async () => {
  const request = JSON.parse(new TextDecoder().decode(await readStdin()));
  const files = await Promise.all(
    (request.files ?? []).map(async (f) => new File([await openAsBlob(f.path)], f.name, { type: f.type ?? "" })),
  );
  const events = { segments: 0, retries: 0 };
  const client = createClient({
    api,
    base,
    baseDelayMs: 50,
    powBits: request.limits?.pow_bits,
    onRetry: () => events.retries++,
  });
  try {
    const result = await submit(
      { ...request, files },
      { client, onEvent: (e) => e.type === "segment" && events.segments++ },
    );
    console.log(JSON.stringify({ ...result, events }));
  } catch (err) {
    const code = err && typeof err === "object" && "code" in err ? ` (${err.code})` : "";
    throw new Error(`${err?.name ?? "Error"}${code}: ${err?.message ?? err}`, { cause: err });
  }
});
