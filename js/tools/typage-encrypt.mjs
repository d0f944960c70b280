// Encrypts stdin with typage (age-encryption) to the recipients given as arguments;
// writes the binary age file to stdout.
import { Encrypter } from "age-encryption";
import { readStdin, run, writeStdout } from "./io.mjs";

const recipients = process.argv.slice(2);
if (recipients.length === 0) {
  console.error("usage: node typage-encrypt.mjs RECIPIENT... < plaintext > file.age");
  process.exit(2);
}
run(async () => {
  const encrypter = new Encrypter();
  for (const r of recipients) {
    encrypter.addRecipient(r);
  }
  await writeStdout(await encrypter.encrypt(await readStdin()));
});
