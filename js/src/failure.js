// What a worker tells its page about a failure: a message key or the server's bilingual
// message, never a stack and never data. Shared by the report and follow-up workers.

import { ApiError } from "./api.js";
import { EncryptionError, RecipientPolicyError } from "./encrypt.js";
import { ReceiptCodeError } from "./receipt-text.js";
import { SubmitError } from "./submit-error.js";

/**
 * @typedef {{code?: string, messages?: {id: string, en: string}, key?: string,
 *   params?: Record<string, string | number>}} Failure
 */

/**
 * @param {unknown} err
 * @returns {Failure | null}
 *   null for a failure these modules do not know (the caller chooses the fallback)
 */
export function describeFailure(err) {
  if (err instanceof ApiError) {
    return { code: err.code, messages: err.messages };
  }
  if (err instanceof ReceiptCodeError) {
    return { key: `code_${err.reason}` };
  }
  if (err instanceof SubmitError) {
    return { key: err.key, params: err.params };
  }
  if (err instanceof RecipientPolicyError) {
    return { key: "recipient_policy" };
  }
  if (err instanceof EncryptionError) {
    return { key: "encryption_failed" };
  }
  return null;
}
