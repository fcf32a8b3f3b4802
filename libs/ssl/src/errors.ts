/**
 * The TLS errors: {@link SSLError} and {@link SSLCertVerificationError}, and the
 * translation of Node's TLS errors into them.
 * @packageDocumentation
 */
import { IOError } from '@curio/io';

/**
 * Fields of an {@link SSLError}.
 *
 * @example
 * ```ts
 * new SSLError('handshake: UNSUPPORTED_PROTOCOL', { reason: 'UNSUPPORTED_PROTOCOL', code: 'ERR_SSL_UNSUPPORTED_PROTOCOL' });
 * ```
 */
export interface SSLErrorInfo {
  /** OpenSSL's reason, as Python spells it: `'CERTIFICATE_VERIFY_FAILED'`, `'UNSUPPORTED_PROTOCOL'`, ... */
  reason: string;
  /** Node's error code (`'ERR_SSL_UNSUPPORTED_PROTOCOL'`, `'CERT_HAS_EXPIRED'`, ...). */
  code: string;
  /** Node's own error, when there is one. */
  cause?: unknown;
}

/**
 * A TLS failure (Python's `ssl.SSLError`, an `OSError` there and an {@link IOError} here).
 * `reason` says what went wrong in OpenSSL's words, as Python reports it
 * (`'CERTIFICATE_VERIFY_FAILED'`, `'UNSUPPORTED_PROTOCOL'`, `'TLSV1_ALERT_PROTOCOL_VERSION'`,
 * `'PEER_DID_NOT_RETURN_A_CERTIFICATE'`, `'TLSV13_ALERT_CERTIFICATE_REQUIRED'`, ...);
 * `code` is Node's error code.
 *
 * @example
 * ```ts
 * try {
 *   yield* openConnection('127.0.0.1', port, { ssl: createDefaultContext() });
 * } catch (e) {
 *   if (e instanceof SSLError) console.log(e.reason, e.message);
 * }
 * ```
 */
export class SSLError extends IOError {
  /** What went wrong, in OpenSSL's words (Python's `SSLError.reason`). */
  readonly reason: string;

  constructor(message: string, info: SSLErrorInfo) {
    super(message, { code: info.code, cause: info.cause });
    this.reason = info.reason;
  }
}

/**
 * The peer's certificate did not verify (Python's `ssl.SSLCertVerificationError`):
 * `reason` is `'CERTIFICATE_VERIFY_FAILED'`; `verifyCode` says why, in OpenSSL's names
 * (`'UNABLE_TO_VERIFY_LEAF_SIGNATURE'` or `'SELF_SIGNED_CERT_IN_CHAIN'` for an unknown CA,
 * `'CERT_HAS_EXPIRED'`, `'HOSTNAME_MISMATCH'`, ...), and `verifyMessage` in words.
 *
 * @example
 * ```ts
 * try {
 *   yield* openConnection('127.0.0.1', port, { ssl: ctx, serverHostname: 'localhost' });
 * } catch (e) {
 *   if (e instanceof SSLCertVerificationError && e.verifyCode === 'CERT_HAS_EXPIRED') console.log('renew the certificate');
 *   else throw e;
 * }
 * ```
 */
export class SSLCertVerificationError extends SSLError {
  /** Why verification failed: OpenSSL's `X509_V_ERR_*` name without the prefix, or `'HOSTNAME_MISMATCH'`. */
  readonly verifyCode: string;
  /** The same, in words (`'certificate has expired'`). */
  readonly verifyMessage: string;

  constructor(message: string, info: { verifyCode: string; verifyMessage: string; code: string; cause?: unknown }) {
    super(message, { reason: 'CERTIFICATE_VERIFY_FAILED', code: info.code, cause: info.cause });
    this.verifyCode = info.verifyCode;
    this.verifyMessage = info.verifyMessage;
  }
}

/** OpenSSL's certificate verification codes, as Node names them in `error.code`. */
const VERIFY_CODES = new Set([
  'UNABLE_TO_GET_ISSUER_CERT', 'UNABLE_TO_GET_CRL', 'UNABLE_TO_DECRYPT_CERT_SIGNATURE', 'UNABLE_TO_DECRYPT_CRL_SIGNATURE',
  'UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY', 'CERT_SIGNATURE_FAILURE', 'CRL_SIGNATURE_FAILURE', 'CERT_NOT_YET_VALID',
  'CERT_HAS_EXPIRED', 'CRL_NOT_YET_VALID', 'CRL_HAS_EXPIRED', 'ERROR_IN_CERT_NOT_BEFORE_FIELD', 'ERROR_IN_CERT_NOT_AFTER_FIELD',
  'ERROR_IN_CRL_LAST_UPDATE_FIELD', 'ERROR_IN_CRL_NEXT_UPDATE_FIELD', 'OUT_OF_MEM', 'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'CERT_CHAIN_TOO_LONG',
  'CERT_REVOKED', 'INVALID_CA', 'PATH_LENGTH_EXCEEDED', 'INVALID_PURPOSE', 'CERT_UNTRUSTED', 'CERT_REJECTED',
  'HOSTNAME_MISMATCH',
]);

interface NodeErrorLike {
  code?: unknown;
  reason?: unknown;
  message?: unknown;
}

/** True if `error` is one of Node's TLS errors (which {@link toSSLError} translates). */
export function isTlsError(error: unknown): boolean {
  if (error instanceof SSLError) return true;
  const code = nodeCode(error);
  return code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_') || VERIFY_CODES.has(code);
}

/**
 * Translates one of Node's TLS errors into an {@link SSLError} (or an
 * {@link SSLCertVerificationError}) whose message starts with `where`. Anything else is
 * returned unchanged.
 */
export function toSSLError(error: unknown, where: string): unknown {
  if (error instanceof SSLError || !isTlsError(error)) return error;
  const code = nodeCode(error);
  const e = error as NodeErrorLike;
  const detail = firstLine(typeof e.message === 'string' ? e.message : String(error));
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    return new SSLCertVerificationError(`${where}: certificate verify failed: Hostname mismatch: ${detail}`, {
      verifyCode: 'HOSTNAME_MISMATCH', verifyMessage: detail, code, cause: error,
    });
  }
  if (VERIFY_CODES.has(code)) {
    return new SSLCertVerificationError(`${where}: certificate verify failed: ${detail} (${code})`, {
      verifyCode: code, verifyMessage: detail, code, cause: error,
    });
  }
  const reason = code.startsWith('ERR_SSL_') ? code.slice('ERR_SSL_'.length) : code.slice('ERR_'.length);
  return new SSLError(`${where}: ${reason}: ${opensslText(detail)}`, { reason, code, cause: error });
}

/** An {@link SSLError} raised by this library itself (a refused client certificate, ...). */
export function sslFailure(where: string, reason: string, text: string): SSLError {
  return new SSLError(`${where}: ${reason}: ${text}`, { reason, code: `ERR_SSL_${reason}` });
}

/** A certificate verification failure detected by this library (a refused client certificate). */
export function verifyFailure(where: string, verifyCode: string): SSLCertVerificationError {
  const verifyMessage = verifyCode.toLowerCase().replace(/_/g, ' ');
  return new SSLCertVerificationError(`${where}: certificate verify failed: ${verifyMessage} (${verifyCode})`, {
    verifyCode, verifyMessage, code: verifyCode,
  });
}

function nodeCode(error: unknown): string {
  if (typeof error !== 'object' || error === null) return '';
  const code = (error as NodeErrorLike).code;
  return typeof code === 'string' ? code : '';
}

function firstLine(text: string): string {
  return text.split('\n')[0].trim();
}

/**
 * OpenSSL's messages read `80AC...:error:0A000102:SSL routines:fn:unsupported protocol:file:line:`;
 * keep the words (`unsupported protocol`) and any `SSL alert number N` after them.
 */
function opensslText(detail: string): string {
  const m = /:SSL routines:[^:]*:([^:]+):/.exec(detail);
  if (m === null) return detail;
  const alert = /SSL alert number \d+/.exec(detail);
  return alert === null ? m[1] : `${m[1]} (${alert[0]})`;
}
