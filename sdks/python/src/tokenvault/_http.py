"""The HTTP layer: credentials per call, the SDK version header, timeouts, and retries with
exponential backoff and full jitter for retryable answers and connection failures, honouring
``Retry-After`` and bounded by a total deadline. Nothing from a request body is logged or put
in an exception."""

from __future__ import annotations

import json
import random
import time
from typing import Any, Callable, Dict, Iterator, Mapping, Optional, Union

import httpx

from . import errors
from ._version import __version__

SDK_VERSION_HEADER = "X-Tokenvault-SDK-Version"

#: A bearer token, or a function that returns a fresh one (for OIDC access tokens).
BearerSource = Union[str, Callable[[], str]]


class RetryPolicy:
    """How often and how long to retry."""

    def __init__(
        self,
        max_retries: int = 4,
        base_delay: float = 0.2,
        max_delay: float = 5.0,
        deadline: float = 30.0,
    ) -> None:
        self.max_retries = max_retries
        self.base_delay = base_delay
        self.max_delay = max_delay
        self.deadline = deadline

    def backoff(self, attempt: int) -> float:
        """Full jitter: a random delay up to the exponential bound of this attempt."""
        bound: float = min(self.max_delay, self.base_delay * (2**attempt))
        return random.uniform(0, bound)


class Transport:
    """Sends the calls of one client."""

    def __init__(
        self,
        base_url: str,
        api_key: Optional[str],
        bearer: Optional[BearerSource],
        timeout: float,
        retry: RetryPolicy,
        http: Optional[httpx.Client] = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._api_key = api_key
        self._bearer = bearer
        self._retry = retry
        self._sleep = sleep
        self._http = http or httpx.Client(timeout=timeout)

    def close(self) -> None:
        self._http.close()

    def _credential(self, auth: str) -> str:
        if auth == "client":
            # The PII API takes either credential as a bearer token: the API key first.
            if self._api_key:
                return self._api_key
            if self._bearer is None:
                raise errors.MissingCredentialError(
                    "this call needs an API key or a JWT: pass api_key= or jwt= to the client",
                    code="MISSING_CREDENTIAL",
                )
            return self._credential("bearer")
        if auth == "api_key":
            if not self._api_key:
                raise errors.MissingCredentialError(
                    "this call needs an API key: pass api_key= to the client",
                    code="MISSING_API_KEY",
                )
            return self._api_key
        source = self._bearer
        if source is None:
            raise errors.MissingCredentialError(
                "this call needs a bearer JWT: pass jwt= (a string or a function returning one)",
                code="MISSING_JWT",
            )
        token = source() if callable(source) else source
        if not token:
            raise errors.MissingCredentialError(
                "the jwt function returned no token", code="MISSING_JWT"
            )
        return token

    def request(
        self,
        method: str,
        path: str,
        *,
        auth: Optional[str],
        json: Optional[Any] = None,
        params: Optional[Mapping[str, Any]] = None,
        replay_safe: bool = False,
    ) -> Any:
        """One call, retried while the policy and deadline allow. ``replay_safe`` says the
        call may be sent again after a connection failed mid-request (reads, and writes with
        an idempotency key); a failure to connect is always retried."""
        headers: Dict[str, str] = {SDK_VERSION_HEADER: __version__, "Accept": "application/json"}
        if auth == "api_key":
            headers["X-API-Key"] = self._credential(auth)
        elif auth is not None:
            headers["Authorization"] = f"Bearer {self._credential(auth)}"
        replay_safe = replay_safe or method in ("GET", "PUT", "DELETE")
        started = time.monotonic()
        attempt = 0
        while True:
            try:
                response = self._http.request(
                    method,
                    self.base_url + path,
                    json=json,
                    params={k: v for k, v in (params or {}).items() if v is not None},
                    headers=headers,
                )
            except httpx.TransportError as e:
                nothing_sent = isinstance(e, (httpx.ConnectError, httpx.ConnectTimeout))
                failure = errors.ConnectionFailedError(
                    f"could not reach the server ({type(e).__name__})",
                    code="CONNECTION_FAILED",
                    retryable=nothing_sent or replay_safe,
                )
                delay = self._retry.backoff(attempt)
                if not failure.retryable or not self._may_retry(attempt, started, delay):
                    raise failure from None
                self._sleep(delay)
                attempt += 1
                continue
            if response.status_code < 400:
                if response.status_code == 204 or not response.content:
                    return None
                return response.json()
            error = errors.from_response(
                response.status_code, _json_or_none(response), _retry_after(response)
            )
            delay = (
                float(error.retry_after_seconds)
                if error.retry_after_seconds is not None
                else self._retry.backoff(attempt)
            )
            if not error.retryable or not self._may_retry(attempt, started, delay):
                raise error
            self._sleep(delay)
            attempt += 1

    def stream(self, path: str, *, auth: str, lines: Iterator[Any]) -> Iterator[Any]:
        """Sends ``lines`` as newline-delimited JSON and yields the answer's lines as they
        arrive. Not retried (the request body is read once); an error line raises."""
        headers = {
            SDK_VERSION_HEADER: __version__,
            "Content-Type": "application/x-ndjson",
            "Authorization": f"Bearer {self._credential(auth)}",
        }
        body = (json.dumps(line).encode() + b"\n" for line in lines)
        try:
            with self._http.stream("POST", self.base_url + path, content=body, headers=headers) as r:
                if r.status_code >= 400:
                    r.read()
                    raise errors.from_response(r.status_code, _json_or_none(r), _retry_after(r))
                for raw in r.iter_lines():
                    if not raw.strip():
                        continue
                    line = json.loads(raw)
                    if isinstance(line, dict) and "error" in line:
                        raise errors.from_response(r.status_code, line, None)
                    yield line
        except httpx.TransportError as e:
            raise errors.ConnectionFailedError(
                f"the stream was interrupted ({type(e).__name__})", code="CONNECTION_FAILED"
            ) from None

    def _may_retry(self, attempt: int, started: float, delay: float) -> bool:
        elapsed = time.monotonic() - started
        return attempt < self._retry.max_retries and elapsed + delay <= self._retry.deadline


def _json_or_none(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def _retry_after(response: httpx.Response) -> Optional[int]:
    value = response.headers.get("retry-after")
    if value is None:
        return None
    try:
        return max(0, int(value))
    except ValueError:
        return None
