/**
 * Credentials out of text that leaves the process (log lines, error
 * messages): an RPC URL may carry `user:password@` or an API key in its query.
 * config.ts `redactUrl` does the same for one URL it can parse.
 */

const SECRET_QUERY = /([?&](?:api[-_]?key|key|token|access[-_]?token|auth|secret|password|pass)=)[^&\s"'<>]+/gi;
const USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@"'<>]+@/gi;

/** `text` with every URL's `user:password@` and key/token query values replaced by `redacted`. */
export function redactText(text: string): string {
  return text.replace(USERINFO, "$1redacted@").replace(SECRET_QUERY, "$1redacted");
}
