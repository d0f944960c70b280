// Proof of work for the public API (docs/adr/0009-proof-of-work.md), the same algorithm as
// peluit/core/pow.py; js/test/pow.test.js and tests/functional/test_pow_interop.py hold the
// two together.
//
//   challenge = SHA-256("peluit-pow/1\n" + METHOD + " " + PATH + "\n" + hex(SHA-256(body))
//                       + "\n" + bucket)                      bucket = floor(unix seconds / 600)
//   solution  = 8 bytes such that SHA-256(challenge || solution) starts with `bits` zero bits
//
// The request carries `?pow=<bucket>-<16 hex digits>-<hex(SHA-256(body))>`: the body's digest
// lets the CDN's viewer-request function check the work without the body
// (peluit/edge/api_function.js); the API checks it against the body. Hashing 40 bytes is one
// SHA-256 block,
// so the search runs a hand-written compression function on 32-bit words without allocating:
// several million tries a second on a laptop, about a quarter of that on a mid-range phone.
import { sha256, toHex } from "./digest.js";

export const BUCKET_SECONDS = 600;
export const QUERY = "pow";
const LABEL = "peluit-pow/1";
/** Tries between two checks of the signal and the clock (a few milliseconds of work). */
const SLICE = 1 << 16;

const K = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);
const IV = new Int32Array([
  0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
]);

/** The proof of work was given up: aborted, or not found within the allowed tries. */
export class PowError extends Error {
  /** @param {string} message */
  constructor(message) {
    super(message);
    this.name = "PowError";
  }
}

/**
 * The ten-minute UTC time bucket of `ms` milliseconds since the epoch.
 * @param {number} ms
 */
export function bucketOf(ms) {
  return Math.floor(ms / 1000 / BUCKET_SECONDS);
}

/**
 * The 32-byte challenge that binds a solution to one request in one time bucket.
 * @param {string} method e.g. "POST"
 * @param {string} path the URL's path, e.g. "/api/v1/followup/lookup" (no query)
 * @param {Uint8Array} body the request body's bytes, exactly as sent
 * @param {number} bucket
 * @returns {Promise<Uint8Array>}
 */
export async function challenge(method, path, body, bucket) {
  return challengeForDigest(method, path, toHex(await sha256(body)), bucket);
}

/**
 * The same challenge from the body's SHA-256 in lower-case hex (what the edge computes).
 * @param {string} method
 * @param {string} path
 * @param {string} bodyHex
 * @param {number} bucket
 * @returns {Promise<Uint8Array>}
 */
async function challengeForDigest(method, path, bodyHex, bucket) {
  const text = `${LABEL}\n${method.toUpperCase()} ${path}\n${bodyHex}\n${bucket}`;
  return sha256(new TextEncoder().encode(text));
}

/**
 * The number of leading zero bits of a hash's first two words.
 * @param {number} h0
 * @param {number} h1
 */
function leadingZeros(h0, h1) {
  return h0 === 0 ? 32 + Math.clz32(h1) : Math.clz32(h0);
}

/**
 * Search nonces `high || low` for low = start, start + 1, … (high fixed) for at most `tries`
 * tries: SHA-256 of the one padded block `challenge || high || low`, first two words.
 * Rounds 0–8 read only the challenge and `high`, so the state after them is computed once;
 * each try runs rounds 9–63 with the message schedule worked out as it goes. Words are kept
 * as signed 32-bit numbers (Int32Array): V8 keeps those in registers.
 * @param {Uint8Array} challengeBytes 32 bytes
 * @param {number} bits
 * @param {number} high the nonce's first four bytes, as a 32-bit number
 * @param {number} start the first low word to try
 * @param {number} tries
 * @returns {number} the low word found, or -1
 */
export function searchSlice(challengeBytes, bits, high, start, tries) {
  const view = new DataView(challengeBytes.buffer, challengeBytes.byteOffset, 32);
  const w = new Int32Array(64);
  for (let i = 0; i < 8; i++) {
    w[i] = view.getInt32(4 * i);
  }
  w[8] = high;
  w[10] = 0x80000000; // the padding's first bit; w[11..14] are 0
  w[15] = 320; // 40 bytes, in bits
  let a = IV[0], b = IV[1], c = IV[2], d = IV[3], e = IV[4], f = IV[5], g = IV[6], h = IV[7];
  for (let i = 0; i < 9; i++) {
    const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const t1 = (h + S1 + ((e & f) ^ (~e & g)) + K[i] + w[i]) | 0;
    const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const t2 = (S0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
    h = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) | 0;
  }
  const A = a, B = b, C = c, D = d, E = e, F = f, G = g, H = h;
  const end = Math.min(start + tries, 0x100000000);
  for (let low = start; low < end; low++) {
    w[9] = low;
    a = A;
    b = B;
    c = C;
    d = D;
    e = E;
    f = F;
    g = G;
    h = H;
    for (let i = 9; i < 64; i++) {
      let wi = w[i];
      if (i >= 16) {
        const x = w[i - 15];
        const y = w[i - 2];
        const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
        const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
        wi = (w[i - 16] + s0 + w[i - 7] + s1) | 0;
        w[i] = wi;
      }
      const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
      const t1 = (h + S1 + ((e & f) ^ (~e & g)) + K[i] + wi) | 0;
      const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
      const t2 = (S0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
      h = g;
      g = f;
      f = e;
      e = (d + t1) | 0;
      d = c;
      c = b;
      b = a;
      a = (t1 + t2) | 0;
    }
    if (leadingZeros((a + IV[0]) | 0, (b + IV[1]) | 0) >= bits) {
      return low;
    }
  }
  return -1;
}

/**
 * The nonce as the request carries it: 16 lower-case hex digits.
 * @param {number} high
 * @param {number} low
 */
function nonceHex(high, low) {
  return high.toString(16).padStart(8, "0") + low.toString(16).padStart(8, "0");
}

/**
 * Whether SHA-256(challenge || nonce) has `bits` leading zero bits (checked with WebCrypto:
 * the reference the fast search is tested against).
 * @param {Uint8Array} challengeBytes
 * @param {string} nonce 16 hex digits
 * @param {number} bits
 */
export async function verify(challengeBytes, nonce, bits) {
  const input = new Uint8Array(40);
  input.set(challengeBytes);
  for (let i = 0; i < 8; i++) {
    input[32 + i] = parseInt(nonce.slice(2 * i, 2 * i + 2), 16);
  }
  const hash = await sha256(input);
  const view = new DataView(hash.buffer);
  return leadingZeros(view.getUint32(0), view.getUint32(4)) >= bits;
}

/**
 * Let the thread's other tasks run (an abort, a message, a request's answer) between two
 * slices. A message to itself, not `setTimeout(…, 0)`: nested timers wait at least 4 ms, which
 * was 15 % of a search of 22 ms slices.
 * @returns {Promise<void>}
 */
function yieldToEventLoop() {
  if (typeof MessageChannel !== "function") {
    return new Promise((resolve) => setTimeout(resolve, 0));
  }
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}

/**
 * @typedef {object} SolveOptions
 * @property {AbortSignal} [signal]
 * @property {() => number} [now] milliseconds since the epoch (default Date.now)
 * @property {number} [bucket] the time bucket to use (default: from `now`)
 * @property {() => number} [random32] a random 32-bit number (default crypto.getRandomValues)
 */

/**
 * Find a proof of work for one request; resolves the query value `<bucket>-<nonce>-<digest>`
 * (the body's SHA-256 in hex). Yields
 * to the event loop between slices, so an abort is noticed within milliseconds.
 * @param {{method: string, path: string, body: Uint8Array, bits: number}} request
 * @param {SolveOptions} [options]
 * @returns {Promise<string>}
 */
export async function solve({ method, path, body, bits }, options = {}) {
  if (!Number.isInteger(bits) || bits < 0 || bits > 64) {
    throw new PowError("the difficulty must be a whole number of bits between 0 and 64");
  }
  const now = options.now ?? Date.now;
  const bucket = options.bucket ?? bucketOf(now());
  const random32 = options.random32 ?? (() => crypto.getRandomValues(new Uint32Array(1))[0]);
  const bodyHex = toHex(await sha256(body));
  const bytes = await challengeForDigest(method, path, bodyHex, bucket);
  // A random first word: two requests with the same body never do the same work twice.
  for (let high = random32() >>> 0, round = 0; round < 16; high = (high + 1) >>> 0, round++) {
    for (let start = 0; start <= 0xffffffff; start += SLICE) {
      options.signal?.throwIfAborted();
      const low = searchSlice(bytes, bits, high, start, SLICE);
      if (low >= 0) {
        return `${bucket}-${nonceHex(high, low)}-${bodyHex}`;
      }
      await yieldToEventLoop();
    }
  }
  throw new PowError("no proof of work found");
}

/**
 * `url` with the proof-of-work query parameter set.
 * @param {string} url absolute
 * @param {string} value from `solve`
 */
export function withPow(url, value) {
  const u = new URL(url);
  u.searchParams.set(QUERY, value);
  return u.href;
}
