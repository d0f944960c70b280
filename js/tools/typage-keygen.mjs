// Prints N (default 1) fresh typage identities of the given kind ("hybrid" or "x25519"),
// one line each: "IDENTITY RECIPIENT".
import { generateHybridIdentity, generateX25519Identity, identityToRecipient } from "age-encryption";
import { run } from "./io.mjs";

const GENERATORS = { hybrid: generateHybridIdentity, x25519: generateX25519Identity };
const [kind, countArg = "1"] = process.argv.slice(2);
const count = Number(countArg);
if (!(kind in GENERATORS) || !Number.isInteger(count) || count < 1) {
  console.error("usage: node typage-keygen.mjs hybrid|x25519 [COUNT]");
  process.exit(2);
}
run(async () => {
  for (let n = 0; n < count; n++) {
    const identity = await GENERATORS[kind]();
    console.log(`${identity} ${await identityToRecipient(identity)}`);
  }
});
