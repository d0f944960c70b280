// Shared helpers for the typage command-line tools: binary stdin and stdout.
import { Buffer } from "node:buffer";

/** Read all of stdin as one Uint8Array. */
export async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) {
    chunks.push(chunk);
  }
  return new Uint8Array(Buffer.concat(chunks));
}

/** Write `bytes` to stdout and resolve once it is flushed (a pipe may take it in pieces). */
export function writeStdout(bytes) {
  return new Promise((resolve, reject) => {
    process.stdout.write(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), (err) =>
      err ? reject(err) : resolve(),
    );
  });
}

/** Run `main`, reporting any error on stderr with a non-zero exit status. */
export function run(main) {
  main().catch((err) => {
    console.error(err instanceof Error ? `${err.name}: ${err.message}` : String(err));
    process.exitCode = 1;
  });
}
