// Encrypts stdin with the browser's encryption function (js/src/encrypt.js: typage under
// Peluit's recipient policy, hybrid recipients only) to the recipients given as arguments;
// writes the binary age file to stdout. Refuses classic or mixed recipients, as the form does.
import { encryptTo } from "../src/encrypt.js";
import { readStdin, run, writeStdout } from "./io.mjs";

const recipients = process.argv.slice(2);
if (recipients.length === 0) {
  console.error("usage: node peluit-encrypt.mjs RECIPIENT... < plaintext > file.age");
  process.exit(2);
}
run(async () => {
  await writeStdout(await encryptTo(recipients, await readStdin()));
});
