// Named spans of an upload's work ("peluit:<name>" performance measures: encrypt, sha256, pow,
// plan, put, waits) so that the form benchmark can say where the time goes
// (tests/bench/bench_form.py reads them from a Chromium trace, category blink.user_timing).
// A span names a kind of work, never data; each is cleared as soon as it is recorded, so the
// performance timeline keeps nothing, and where there is no User Timing API nothing happens.

const PREFIX = "peluit:";

/** @returns {number} milliseconds on this thread's clock, for `span` */
export function spanStart() {
  return globalThis.performance?.now() ?? 0;
}

/**
 * Record that `name` ran from `start` (from `spanStart()`) until now.
 * @param {string} name
 * @param {number} start
 */
export function span(name, start) {
  const perf = globalThis.performance;
  if (typeof perf?.measure !== "function") {
    return;
  }
  try {
    perf.measure(PREFIX + name, { start, end: perf.now() });
    perf.clearMeasures(PREFIX + name);
  } catch {
    // a timeline that refuses the span: the work itself is unaffected
  }
}

/**
 * `promise`, with the time until it settles recorded as `name`.
 * @template T
 * @param {string} name
 * @param {Promise<T>} promise
 * @returns {Promise<T>}
 */
export function measured(name, promise) {
  const start = spanStart();
  const done = () => span(name, start);
  promise.then(done, done);
  return promise;
}
