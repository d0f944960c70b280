// A fake of the public API and the upload endpoint behind a `fetch` function, for tests:
// it keeps uploads in memory, enforces the presigned terms (size, SHA-256, create-only) and
// can be told to fail chosen requests in chosen ways.
import { createHash } from "node:crypto";

/** @typedef {"plan" | "put" | "finalize"} Route */
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
    this.faults = { plan: [], put: [], finalize: [] };
    /** @type {unknown[]} */
    this.finalized = [];
    this.tickets = 0;
    /** @type {(request: {route: Route, url: string}) => void} */
    this.onRequest = () => {};
    this.fetch = this.fetch.bind(this);
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
    if (route === null) {
      return json(404, problem(404, "not_found").body);
    }
    const body = typeof init.body === "string" ? JSON.parse(init.body) : init.body;
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
    if (route === "plan") return this.plan(url, body);
    if (route === "put") return this.put(url, headers, /** @type {Uint8Array} */ (body));
    return this.finalize(url, body);
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
