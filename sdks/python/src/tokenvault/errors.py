"""Typed exceptions, one per error code of the tokens API (seed 002).

Every exception carries the server's ``code``, ``message``, ``detail``, ``retryable``,
``retry_after_seconds`` and ``trace_id``. Messages are the server's, which never repeat a
submitted value; the SDK adds none of its own content from requests.
"""

from __future__ import annotations

from typing import Any, Dict, Optional, Type


class TokenVaultError(Exception):
    """Base class of every error the SDK raises."""

    def __init__(
        self,
        message: str,
        *,
        code: str = "CLIENT_ERROR",
        detail: str = "",
        status: Optional[int] = None,
        retryable: bool = False,
        retry_after_seconds: Optional[int] = None,
        trace_id: Optional[str] = None,
    ) -> None:
        super().__init__(f"{code}: {message}" + (f" ({detail})" if detail else ""))
        self.code = code
        self.message = message
        self.detail = detail
        self.status = status
        self.retryable = retryable
        self.retry_after_seconds = retry_after_seconds
        self.trace_id = trace_id


class MissingCredentialError(TokenVaultError):
    """The call needs a credential the client was not given (raised before any request)."""


class ConnectionFailedError(TokenVaultError):
    """The server could not be reached (after the retries the deadline allowed)."""


class InvalidInputError(TokenVaultError):
    """INVALID_INPUT (400)."""


class EmptyValueError(TokenVaultError):
    """EMPTY_VALUE (400)."""


class UnsupportedPiiTypeError(TokenVaultError):
    """UNSUPPORTED_PII_TYPE (400)."""


class RateLimitExceededError(TokenVaultError):
    """RATE_LIMIT_EXCEEDED (429, retryable after ``retry_after_seconds``)."""


class QuotaExceededError(TokenVaultError):
    """QUOTA_EXCEEDED (429)."""


class UnauthorizedError(TokenVaultError):
    """UNAUTHORIZED (401)."""


class ForbiddenError(TokenVaultError):
    """A 403 the caller's role or policy refuses (PERMISSION_DENIED and the like)."""


class GrantExpiredError(TokenVaultError):
    """GRANT_EXPIRED (403)."""


class GrantNonceReusedError(TokenVaultError):
    """GRANT_NONCE_REUSED (403): a grant is single-use."""


class TokenNotFoundError(TokenVaultError):
    """TOKEN_NOT_FOUND (404)."""


class NotFoundError(TokenVaultError):
    """Another 404 (a policy, an API key, …)."""


class TokenRevokedError(TokenVaultError):
    """TOKEN_REVOKED (403)."""


class ConflictError(TokenVaultError):
    """A 409 (an idempotency key reused with another body, a version mismatch, …)."""


class KillSwitchActiveError(TokenVaultError):
    """KILL_SWITCH_ACTIVE (503)."""


class ServiceUnavailableError(TokenVaultError):
    """SERVICE_UNAVAILABLE (503, retryable)."""


class SdkVersionUnsupportedError(TokenVaultError):
    """SDK_VERSION_UNSUPPORTED (426): upgrade the SDK to the server's major version."""


class ServerError(TokenVaultError):
    """A 5xx without a more specific code."""


_BY_CODE: Dict[str, Type[TokenVaultError]] = {
    "INVALID_INPUT": InvalidInputError,
    "EMPTY_VALUE": EmptyValueError,
    "UNSUPPORTED_PII_TYPE": UnsupportedPiiTypeError,
    "RATE_LIMIT_EXCEEDED": RateLimitExceededError,
    "QUOTA_EXCEEDED": QuotaExceededError,
    "UNAUTHORIZED": UnauthorizedError,
    "GRANT_EXPIRED": GrantExpiredError,
    "GRANT_NONCE_REUSED": GrantNonceReusedError,
    "TOKEN_NOT_FOUND": TokenNotFoundError,
    "TOKEN_REVOKED": TokenRevokedError,
    "KILL_SWITCH_ACTIVE": KillSwitchActiveError,
    "SERVICE_UNAVAILABLE": ServiceUnavailableError,
    "SDK_VERSION_UNSUPPORTED": SdkVersionUnsupportedError,
}

_BY_STATUS: Dict[int, Type[TokenVaultError]] = {
    400: InvalidInputError,
    401: UnauthorizedError,
    403: ForbiddenError,
    404: NotFoundError,
    409: ConflictError,
    426: SdkVersionUnsupportedError,
    429: RateLimitExceededError,
    503: ServiceUnavailableError,
}


def from_response(status: int, body: Any, retry_after: Optional[int]) -> TokenVaultError:
    """The exception for an error answer: by its code, else by its HTTP status."""
    err = body.get("error") if isinstance(body, dict) else None
    if not isinstance(err, dict):
        err = {}
    code = str(err.get("code") or f"HTTP_{status}")
    cls = _BY_CODE.get(code) or _BY_STATUS.get(status) or (
        ServerError if status >= 500 else TokenVaultError
    )
    after = err.get("retry_after_seconds")
    return cls(
        str(err.get("message") or f"the server answered {status}"),
        code=code,
        detail=str(err.get("detail") or ""),
        status=status,
        retryable=bool(err.get("retryable", status in (429, 503))),
        retry_after_seconds=int(after) if isinstance(after, int) else retry_after,
        trace_id=err.get("trace_id") if isinstance(err.get("trace_id"), str) else None,
    )
