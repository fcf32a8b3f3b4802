/**
 * Python `ssl` module constants: verify modes, purposes, protocols and TLS versions.
 * @packageDocumentation
 */

/**
 * Do not ask for (client side: do not check) the peer's certificate.
 *
 * @example
 * ```ts
 * ctx.checkHostname = false;
 * ctx.verifyMode = CERT_NONE;            // a client that does not check the server (tests only)
 * ```
 */
export const CERT_NONE = 0;
/**
 * Check the peer's certificate if it sends one (a server asks the client for one).
 *
 * @example
 * ```ts
 * serverCtx.verifyMode = CERT_OPTIONAL;     // client certificates welcome, not required
 * ```
 */
export const CERT_OPTIONAL = 1;
/**
 * The peer must send a certificate that verifies.
 *
 * @example
 * ```ts
 * serverCtx.verifyMode = CERT_REQUIRED;  // mutual TLS
 * serverCtx.loadVerifyLocations(ca.cert);
 * ```
 */
export const CERT_REQUIRED = 2;
/**
 * {@link CERT_NONE}, {@link CERT_OPTIONAL} or {@link CERT_REQUIRED}.
 *
 * @example
 * ```ts
 * const mode: VerifyMode = ctx.verifyMode;
 * ```
 */
export type VerifyMode = typeof CERT_NONE | typeof CERT_OPTIONAL | typeof CERT_REQUIRED;

/**
 * What a default context is for (Python's `ssl.Purpose`): `SERVER_AUTH` makes a client
 * context (it authenticates servers), `CLIENT_AUTH` a server context.
 *
 * @example
 * ```ts
 * const client = createDefaultContext(Purpose.SERVER_AUTH);
 * const server = createDefaultContext(Purpose.CLIENT_AUTH);
 * ```
 */
export const Purpose = {
  /** A context for clients: verify the server's certificate and host name. */
  SERVER_AUTH: 'SERVER_AUTH',
  /** A context for servers: load a certificate chain, optionally verify clients. */
  CLIENT_AUTH: 'CLIENT_AUTH',
} as const;
/**
 * `Purpose.SERVER_AUTH` or `Purpose.CLIENT_AUTH`.
 *
 * @example
 * ```ts
 * function contextFor(purpose: Purpose) { return createDefaultContext(purpose); }
 * ```
 */
export type Purpose = (typeof Purpose)[keyof typeof Purpose];

/**
 * A client context: certificate and host name checks on by default.
 *
 * @example
 * ```ts
 * const ctx = new SSLContext(PROTOCOL_TLS_CLIENT);
 * ctx.loadVerifyLocations(ca.cert);
 * ```
 */
export const PROTOCOL_TLS_CLIENT = 'PROTOCOL_TLS_CLIENT';
/**
 * A server context: client certificates not asked for by default.
 *
 * @example
 * ```ts
 * const ctx = new SSLContext(PROTOCOL_TLS_SERVER);
 * ctx.loadCertChain('server.pem', 'server.key');
 * ```
 */
export const PROTOCOL_TLS_SERVER = 'PROTOCOL_TLS_SERVER';
/**
 * {@link PROTOCOL_TLS_CLIENT} or {@link PROTOCOL_TLS_SERVER}.
 *
 * @example
 * ```ts
 * const side: SSLProtocol = ctx.protocol;   // 'PROTOCOL_TLS_CLIENT'
 * ```
 */
export type SSLProtocol = typeof PROTOCOL_TLS_CLIENT | typeof PROTOCOL_TLS_SERVER;

/**
 * TLS protocol versions (Python's `ssl.TLSVersion`), as Node and OpenSSL spell them.
 *
 * @example
 * ```ts
 * ctx.minimumVersion = TLSVersion.TLSv1_3;
 * ```
 */
export const TLSVersion = {
  TLSv1: 'TLSv1',
  TLSv1_1: 'TLSv1.1',
  TLSv1_2: 'TLSv1.2',
  TLSv1_3: 'TLSv1.3',
} as const;
/**
 * `'TLSv1'`, `'TLSv1.1'`, `'TLSv1.2'` or `'TLSv1.3'`.
 *
 * @example
 * ```ts
 * const oldest: TLSVersion = 'TLSv1.2';
 * ```
 */
export type TLSVersion = (typeof TLSVersion)[keyof typeof TLSVersion];

/** Version order, to check that the minimum is not above the maximum. */
export const TLS_VERSION_RANK: Record<TLSVersion, number> = { TLSv1: 0, 'TLSv1.1': 1, 'TLSv1.2': 2, 'TLSv1.3': 3 };
