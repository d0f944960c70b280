// A page's Web Worker, from start to end: the report form's and the follow-up page's. The page
// may load one ahead (`prepare`, so that "send" does not wait for the script on a slow link);
// `start` hands the first message to that spare or to a new worker, passes the worker's
// messages on and says once when it fails. A spare that fails before saying anything (its
// script never loaded) is replaced once by a new worker. `stop` ends it, and every key it held.

/**
 * @typedef {object} Listener
 * @property {(message: any) => void} onMessage what the worker says
 * @property {() => void} onFailure the worker failed (did not load, threw, sent what cannot be read)
 */

export class WorkerSlot {
  /**
   * @param {URL} url the worker's script
   * @param {(url: URL) => Worker} [create]
   */
  constructor(url, create = (u) => new Worker(u)) {
    this.url = url;
    this.create = create;
    /** @type {Worker | null} the running worker */
    this.running = null;
    /** @type {Worker | null} an idle worker, loaded ahead */
    this.spare = null;
  }

  /** Load an idle worker ahead of the first `start`; dropped if it fails to load first. */
  prepare() {
    const worker = this.spawn();
    if (worker) {
      worker.onerror = (event) => {
        event.preventDefault();
        if (this.spare === worker) {
          worker.terminate();
          this.spare = null;
        }
      };
    }
    this.spare = worker;
  }

  /**
   * Send `message` to the spare worker or a new one.
   * @param {unknown} message
   * @param {Listener} listener
   * @returns {boolean} false when no worker could be started (the caller says so)
   */
  start(message, listener) {
    const spare = this.spare;
    this.spare = null;
    return this.attach(spare ?? this.spawn(), spare !== null, message, listener);
  }

  /**
   * @param {Worker | null} worker
   * @param {boolean} isSpare
   * @param {unknown} message
   * @param {Listener} listener
   * @returns {boolean}
   */
  attach(worker, isSpare, message, listener) {
    if (!worker) {
      return false;
    }
    this.running = worker;
    let heard = false;
    worker.onmessage = (event) => {
      heard = true;
      listener.onMessage(event.data);
    };
    worker.onerror = (event) => {
      event.preventDefault();
      if (this.running !== worker) {
        return; // stopped or replaced already
      }
      if (isSpare && !heard) {
        worker.terminate();
        if (this.attach(this.spawn(), false, message, listener)) {
          return;
        }
      }
      listener.onFailure();
    };
    worker.onmessageerror = () => {
      if (this.running === worker) {
        listener.onFailure();
      }
    };
    worker.postMessage(message);
    return true;
  }

  /** @param {unknown} message to the running worker, if any */
  post(message) {
    this.running?.postMessage(message);
  }

  /** End the running worker, if any. */
  stop() {
    this.running?.terminate();
    this.running = null;
  }

  /** @returns {Worker | null} */
  spawn() {
    try {
      return this.create(this.url);
    } catch {
      return null;
    }
  }
}
