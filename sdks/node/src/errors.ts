/** Typed errors, one class per error code of the tokens API (seed 002). Messages are the
 * server's, which never repeat a submitted value. */

export interface ErrorInit {
  code: string;
  message: string;
  detail?: string;
  status?: number;
  retryable?: boolean;
  retryAfterSeconds?: number;
  traceId?: string;
}

export class TokenVaultError extends Error {
  readonly code: string;
  readonly detail: string;
  readonly status?: number;
  readonly retryable: boolean;
  readonly retryAfterSeconds?: number;
  readonly traceId?: string;
  constructor(init: ErrorInit) {
    super(`${init.code}: ${init.message}${init.detail ? ` (${init.detail})` : ''}`);
    this.name = new.target.name;
    this.code = init.code;
    this.detail = init.detail ?? '';
    this.status = init.status;
    this.retryable = init.retryable ?? false;
    this.retryAfterSeconds = init.retryAfterSeconds;
    this.traceId = init.traceId;
  }
}

export class MissingCredentialError extends TokenVaultError {}
export class ConnectionFailedError extends TokenVaultError {}
export class InvalidInputError extends TokenVaultError {}
export class EmptyValueError extends TokenVaultError {}
export class UnsupportedPiiTypeError extends TokenVaultError {}
export class RateLimitExceededError extends TokenVaultError {}
export class QuotaExceededError extends TokenVaultError {}
export class UnauthorizedError extends TokenVaultError {}
export class ForbiddenError extends TokenVaultError {}
export class GrantExpiredError extends TokenVaultError {}
export class GrantNonceReusedError extends TokenVaultError {}
export class TokenNotFoundError extends TokenVaultError {}
export class NotFoundError extends TokenVaultError {}
export class TokenRevokedError extends TokenVaultError {}
export class ConflictError extends TokenVaultError {}
export class KillSwitchActiveError extends TokenVaultError {}
export class ServiceUnavailableError extends TokenVaultError {}
export class SdkVersionUnsupportedError extends TokenVaultError {}
export class ServerError extends TokenVaultError {}

type ErrorClass = new (init: ErrorInit) => TokenVaultError;

const BY_CODE: Record<string, ErrorClass> = {
  INVALID_INPUT: InvalidInputError,
  EMPTY_VALUE: EmptyValueError,
  UNSUPPORTED_PII_TYPE: UnsupportedPiiTypeError,
  RATE_LIMIT_EXCEEDED: RateLimitExceededError,
  QUOTA_EXCEEDED: QuotaExceededError,
  UNAUTHORIZED: UnauthorizedError,
  GRANT_EXPIRED: GrantExpiredError,
  GRANT_NONCE_REUSED: GrantNonceReusedError,
  TOKEN_NOT_FOUND: TokenNotFoundError,
  TOKEN_REVOKED: TokenRevokedError,
  KILL_SWITCH_ACTIVE: KillSwitchActiveError,
  SERVICE_UNAVAILABLE: ServiceUnavailableError,
  SDK_VERSION_UNSUPPORTED: SdkVersionUnsupportedError,
};

const BY_STATUS: Record<number, ErrorClass> = {
  400: InvalidInputError,
  401: UnauthorizedError,
  403: ForbiddenError,
  404: NotFoundError,
  409: ConflictError,
  426: SdkVersionUnsupportedError,
  429: RateLimitExceededError,
  503: ServiceUnavailableError,
};

/** The error for an error answer: by its code, else by its HTTP status. */
export function fromResponse(status: number, body: unknown, retryAfter?: number): TokenVaultError {
  const envelope = (body ?? {}) as { error?: Record<string, unknown> };
  const e = envelope.error ?? {};
  const code = typeof e.code === 'string' ? e.code : `HTTP_${status}`;
  const cls = BY_CODE[code] ?? BY_STATUS[status] ?? (status >= 500 ? ServerError : TokenVaultError);
  return new cls({
    code,
    message: typeof e.message === 'string' ? e.message : `the server answered ${status}`,
    detail: typeof e.detail === 'string' ? e.detail : '',
    status,
    retryable: typeof e.retryable === 'boolean' ? e.retryable : status === 429 || status === 503,
    retryAfterSeconds: typeof e.retry_after_seconds === 'number' ? e.retry_after_seconds : retryAfter,
    traceId: typeof e.trace_id === 'string' ? e.trace_id : undefined,
  });
}
