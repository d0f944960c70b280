// Decrypts the binary age file on stdin with typage (age-encryption) using the identities
// given as arguments; writes the plaintext to stdout, or fails with a non-zero status.
import { Decrypter } from "age-encryption";
import { readStdin, run, writeStdout } from "./io.mjs";

const identities = process.argv.slice(2);
if (identities.length === 0) {
  console.error("usage: node typage-decrypt.mjs IDENTITY... < file.age > plaintext");
  process.exit(2);
}
run(async () => {
  const decrypter = new Decrypter();
  for (const i of identities) {
    decrypter.addIdentity(i);
  }
  await writeStdout(await decrypter.decrypt(await readStdin()));
});
