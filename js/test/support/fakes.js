// A fake of the public API and the upload endpoint behind a `fetch` function, for tests:
// it keeps uploads in memory, enforces the presigned terms (size, SHA-256, create-only) and
// can be told to fail chosen requests in chosen ways.
import { createHash } from "node:crypto";
import { bucketOf, challenge, verify } from "../../src/pow.js";
import { sha256, toHex } from "../../src/digest.js";

/** @typedef {"plan" | "put" | "finalize" | "status" | "message" | "evidence" | "files"} Route */
/** @typedef {"network" | "hang" | {status: number, body?: unknown}} Fault */

/** @param {number} status @param {unknown} body */
function json(status, body) {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
}

/** @param {string} code @param {number} status */
export function problem(status, code) {
  return { status, body: { error: { code, message: { id: `pesan ${code}`, en: `message ${code}` } } } };
}

export class FakeServer {
  constructor() {
    /** @type {Map<string, Uint8Array>} */
    this.objects = new Map();
    /** @type {Array<{route: Route, method: string, url: string, body?: unknown, headers: Record<string, string>}>} */
    this.requests = [];
    /** @type {Record<Route, Fault[]>} */
    this.faults = { plan: [], put: [], finalize: [], status: [], message: [], evidence: [], files: [] };
    /** Segments of files the team attached, by `upload/file/segment`. */
    /** @type {Map<string, Uint8Array>} */
    this.replyFiles = new Map();
    this.chunkBytes = 3 * 1024 * 1024;
    /** @type {unknown[]} */
    this.finalized = [];
    /** @type {string[]} the submission id of each finalization */
    this.submissions = [];
    this.tickets = 0;
    /** @type {(request: {route: Route, url: string}) => void} */
    this.onRequest = () => {};
    this.fetch = this.fetch.bind(this);
    /** @type {number | undefined} proof-of-work difficulty the fake demands, if any */
    this.powBits = undefined;
    this.bucket = bucketOf(Date.now());
    /** @type {Set<string>} */
    this.tokens = new Set();
    /** @type {Array<{seq: number, sender: string, data: string}>} */
    this.thread = [];
    this.pageSize = 100;
    this.caseStatus = { case: "K3V9-2M7Q-X0AB-4FZT", channel: "pengaduan", status: "ditelaah", since: "2025-12-01" };
    /** @type {Array<{route: Route, body: any}>} */
    this.posted = [];
    /** How many posts a team message slips in ahead of (their number is taken: 409 thread_moved). */
    this.racing = 0;
  }

  /**
   * Make the next requests of `route` fail, one fault each, in order.
   * @param {Route} route
   * @param {...Fault} faults
   */
  fail(route, ...faults) {
    this.faults[route].push(...faults);
    return this;
  }

  /** @param {Route} route */
  count(route) {
    return this.requests.filter((r) => r.route === route).length;
  }

  /**
   * @param {string | URL} input
   * @param {RequestInit} [init]
   * @returns {Promise<Response>}
   */
  async fetch(input, init = {}) {
    const url = new URL(String(input));
    const method = init.method ?? "GET";
    const headers = /** @type {Record<string, string>} */ (init.headers ?? {});
    /** @type {Route | null} */
    let route = null;
    if (method === "POST" && /\/uploads$/.test(url.pathname)) route = "plan";
    else if (method === "POST" && /\/finalize$/.test(url.pathname)) route = "finalize";
    else if (method === "PUT" && url.pathname.startsWith("/_upload/")) route = "put";
    else if (method === "POST" && url.pathname.endsWith("/followup/status")) route = "status";
    else if (method === "POST" && url.pathname.endsWith("/followup/messages")) route = "message";
    else if (method === "POST" && url.pathname.endsWith("/followup/evidence")) route = "evidence";
    else if (method === "POST" && url.pathname.endsWith("/followup/files")) route = "files";
    if (route === null) {
      return json(404, problem(404, "not_found").body);
    }
    // an upload body is a Blob (upload.js): recorded as its bytes
    const raw = init.body instanceof Blob ? new Uint8Array(await init.body.arrayBuffer()) : init.body;
    const body = typeof raw === "string" ? JSON.parse(raw) : raw;
    this.requests.push({ route, method, url: url.href, body, headers });
    this.onRequest({ route, url: url.href });
    init.signal?.throwIfAborted();
    const fault = this.faults[route].shift();
    if (fault === "network") {
      throw new TypeError("fetch failed");
    }
    if (fault === "hang") {
      return new Promise((_, reject) => init.signal?.addEventListener("abort", () => reject(init.signal?.reason)));
    }
    if (fault) {
      return json(fault.status, fault.body ?? {});
    }
    if (route !== "put") {
      const refused = await this.checkPow(url, String(init.body ?? ""));
      if (refused) return refused;
    }
    if (route === "plan") return this.plan(url, body);
    if (route === "put") return this.put(url, headers, /** @type {Uint8Array} */ (body));
    if (route === "finalize") return this.finalize(url, body);
    return this.followup(route, body);
  }

  /**
   * With `powBits` set, refuse a POST without a valid proof of work as the server does.
   * @param {URL} url
   * @param {string} body
   * @returns {Promise<Response | null>}
   */
  async checkPow(url, body) {
    if (this.powBits === undefined) {
      return null;
    }
    const refuse = (/** @type {string} */ code) =>
      json(400, { error: { ...problem(400, code).body.error, pow: { bits: this.powBits, bucket: this.bucket } } });
    const value = url.searchParams.get("pow");
    if (!value) return refuse("pow_required");
    // as the edge and the API check it: bucket, nonce and the body's SHA-256 (hex)
    const match = /^(\d+)-([0-9a-f]{16})-([0-9a-f]{64})$/.exec(value);
    if (!match) return refuse("pow_invalid");
    if (Number(match[1]) !== this.bucket && Number(match[1]) !== this.bucket - 1) return refuse("pow_expired");
    const encoded = new TextEncoder().encode(body);
    if (toHex(await sha256(encoded)) !== match[3]) return refuse("pow_invalid");
    const bytes = await challenge("POST", url.pathname, encoded, Number(match[1]));
    return (await verify(bytes, match[2], this.powBits)) ? null : refuse("pow_invalid");
  }

  /**
   * The follow-up routes over `this.thread` (messages as the server lists them).
   * @param {Route} route
   * @param {any} body
   */
  followup(route, body) {
    if (!this.tokens.has(body.token)) {
      return json(404, problem(404, "receipt_not_found").body);
    }
    if (route === "files") {
      const segment = this.replyFiles.get(`${body.upload}/${body.file}/${body.segment}`);
      if (!segment || body.offset >= segment.length) {
        return json(404, problem(404, "reply_file_not_found").body);
      }
      const data = segment.subarray(body.offset, body.offset + this.chunkBytes);
      return json(200, { size: segment.length, offset: body.offset, data: Buffer.from(data).toString("base64") });
    }
    if (route === "status") {
      const later = this.thread.filter((m) => m.seq > body.after);
      const page = later.slice(0, this.pageSize);
      const nextSeq = Math.max(0, ...this.thread.map((m) => m.seq)) + 1;
      return json(200, { ...this.caseStatus, messages: page, more: page.length < later.length, next_seq: nextSeq });
    }
    if (this.racing > 0) {
      this.racing -= 1;
      const taken = Math.max(0, ...this.thread.map((m) => m.seq)) + 1;
      this.thread.push({ seq: taken, sender: "penelaah", data: "" });
    }
    const seq = Math.max(0, ...this.thread.map((m) => m.seq)) + 1;
    if (body.seq !== undefined && body.seq !== seq) {
      return json(409, problem(409, "thread_moved").body);
    }
    const data = route === "message" ? body.message : body.manifest;
    this.thread.push({ seq, sender: "pelapor", data });
    this.posted.push({ route, body });
    if (route === "message") {
      return json(200, { seq });
    }
    // the case already holds 7 files: the new ones are numbered from 7
    const files = [...new Set(body.segments.map((/** @type {any} */ s) => s.file))].map((f) => f + 7);
    return json(200, { seq, files });
  }

  /** @param {URL} url @param {any} body */
  plan(url, body) {
    const submission = url.pathname.split("/")[4];
    const uploads = body.segments.map((/** @type {any} */ s) => ({
      file: s.file,
      index: s.index,
      url: `/_upload/staging/${submission}/${s.file}/${s.index}.age?size=${s.size}&sha256=${s.sha256}&t=${++this.tickets}`,
      method: "PUT",
      headers: { "x-amz-checksum-sha256": Buffer.from(s.sha256, "hex").toString("base64") },
    }));
    return json(200, { uploads });
  }

  /** @param {URL} url @param {Record<string, string>} headers @param {Uint8Array} body */
  put(url, headers, body) {
    const key = url.pathname.slice("/_upload/".length);
    const sha = createHash("sha256").update(body).digest();
    if (
      Number(url.searchParams.get("size")) !== body.length ||
      url.searchParams.get("sha256") !== sha.toString("hex") ||
      headers["x-amz-checksum-sha256"] !== sha.toString("base64")
    ) {
      return json(403, problem(403, "upload_rejected").body);
    }
    if (this.objects.has(key)) {
      return json(409, problem(409, "already_uploaded").body);
    }
    this.objects.set(key, Uint8Array.from(body));
    return new Response("", { status: 200 });
  }

  /** @param {URL} url @param {any} body */
  finalize(url, body) {
    const submission = url.pathname.split("/")[4];
    for (const s of body.segments) {
      const stored = this.objects.get(`staging/${submission}/${s.file}/${s.index}.age`);
      if (!stored || createHash("sha256").update(stored).digest("hex") !== s.sha256) {
        return json(409, problem(409, "segment_missing").body);
      }
    }
    this.finalized.push(body);
    this.submissions.push(submission);
    return json(200, { case: "K3V9-2M7Q-X0AB-4FZT", acknowledged_on: "2025-11-28" });
  }
}

/** A sleep that does not wait, and remembers what it was asked to wait. */
export function fakeSleep() {
  /** @type {number[]} */
  const delays = [];
  /** @param {number} ms @param {AbortSignal} [signal] */
  const sleep = async (ms, signal) => {
    delays.push(ms);
    signal?.throwIfAborted();
  };
  return { sleep, delays };
}
