// The error a submission (a report, or a follow-up's message and files) is refused with in the
// browser, before anything is sent: a message key (messages.js) and its parameters.

/** Something about this submission that the browser refuses before sending anything. */
export class SubmitError extends Error {
  /**
   * @param {string} key a message key (messages.js)
   * @param {Record<string, string | number>} [params]
   */
  constructor(key, params = {}) {
    super(key);
    this.name = "SubmitError";
    this.key = key;
    this.params = params;
  }
}
