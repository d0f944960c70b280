// Waiting without blocking: a sleep that an AbortSignal cuts short, and a signal that aborts
// when its parent does or after a timeout (the request is then retried like a network error).

/**
 * Wait `ms`, or reject as soon as `signal` aborts.
 * @param {number} ms
 * @param {AbortSignal} [signal]
 * @returns {Promise<void>}
 */
export function sleep(ms, signal) {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** The error a timed-out request is cancelled with (retried like a network error). */
export class TimeoutError extends Error {
  constructor() {
    super("the request timed out");
    this.name = "TimeoutError";
  }
}

/**
 * A signal that aborts when `parent` does or after `ms`.
 * @param {AbortSignal | undefined} parent
 * @param {number} ms
 */
export function withTimeout(parent, ms) {
  const controller = new AbortController();
  const onAbort = () => controller.abort(parent?.reason);
  parent?.addEventListener("abort", onAbort, { once: true });
  const timer = setTimeout(() => controller.abort(new TimeoutError()), ms);
  return {
    signal: controller.signal,
    done() {
      clearTimeout(timer);
      parent?.removeEventListener("abort", onAbort);
    },
  };
}
