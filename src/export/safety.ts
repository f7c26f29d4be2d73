/**
 * Checks an export makes before it touches anything: the output is not the warehouse, the webhook URL carries no
 * credentials (they would be stored in three warehouse tables as the target), the bearer token is one header line,
 * and a token never travels over plain http except to this machine unless the caller says so.
 * Messages never contain the token or a URL's password.
 */
import { realpathSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { BadInputError, UsageError } from '../core/errors.ts';

/** The absolute path with symlinks of its folder resolved, so two spellings of one file compare equal. */
function canonicalPath(p: string): string {
  const abs = resolve(p);
  try {
    return join(realpathSync(dirname(abs)), basename(abs));
  } catch {
    return abs;
  }
}

/** Refuses an output path that is the warehouse or one of its companion files (WAL, lock). */
export function checkOutNotWarehouse(out: string, warehouse: string): void {
  const o = canonicalPath(out);
  const w = canonicalPath(warehouse);
  if ([w, `${w}.wal`, `${w}.lock`, `${w}.tmp`].includes(o))
    throw new BadInputError(
      `--out ${out} is the warehouse ${o === w ? 'file' : 'companion file'} (${warehouse}); an export never overwrites its warehouse`,
      { place: { file: out }, hint: 'choose an output path outside the warehouse, e.g. exports/dialer.csv' },
    );
}

/** The URL with any user name and password replaced by `***`, for messages. */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#@]*@/i, '$1***@');
}

/** Refuses a webhook URL with user info: it would be stored (exports, ledger, deliveries) and logged. */
export function checkWebhookUrl(url: string): void {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new UsageError(`--url: expected an http:// or https:// URL; got ${JSON.stringify(redactUrl(url))}`);
  }
  if (u.username !== '' || u.password !== '')
    throw new UsageError(
      `--url ${redactUrl(url)} carries credentials (user:password@); they would be stored in the warehouse as the export target`,
      { hint: 'drop them from the URL and put a bearer token in FOLLOWUP_WEBHOOK_TOKEN' },
    );
}

// RFC 6750 b64token (token68): letters, digits, - . _ ~ + / and trailing '='.
const TOKEN68 = /^[A-Za-z0-9\-._~+/]+=*$/;
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

/**
 * Refuses a token that is not one RFC 6750 token (a CR/LF would inject a header and end up in logs and error
 * texts), and a token over plain http to another host unless `allowPlainHttp`.
 */
export function checkToken(
  token: string | undefined,
  url: string,
  env: string,
  allowPlainHttp: boolean,
): void {
  if (token === undefined || token === '') return;
  if (!TOKEN68.test(token)) {
    const bad = [...token].findIndex((ch) => !/[A-Za-z0-9\-._~+/=]/.test(ch));
    const code = token.codePointAt(bad) ?? 0;
    throw new UsageError(
      `${env} is not a valid bearer token: character ${bad + 1} is U+${code.toString(16).toUpperCase().padStart(4, '0')}; expected letters, digits and - . _ ~ + / (RFC 6750), with = only at the end`,
      { hint: `set ${env} to the token alone, without quotes, spaces or line breaks` },
    );
  }
  const u = new URL(url);
  if (u.protocol === 'http:' && !LOOPBACK.has(u.hostname) && !allowPlainHttp)
    throw new UsageError(
      `refusing to send the bearer token from ${env} over plain http to ${u.host}; expected https:// (or a loopback host)`,
      { hint: 'use https://, or pass --allow-plain-http-token when the network path is trusted' },
    );
}
