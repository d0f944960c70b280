// Prints the recipient of each identity given as an argument, one per line, as typage derives it.
import { identityToRecipient } from "age-encryption";
import { run } from "./io.mjs";

const identities = process.argv.slice(2);
if (identities.length === 0) {
  console.error("usage: node typage-recipient.mjs IDENTITY...");
  process.exit(2);
}
run(async () => {
  for (const identity of identities) {
    console.log(await identityToRecipient(identity));
  }
});
