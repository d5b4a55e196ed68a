"""The HTTP layer of both clients: credentials per call, the SDK version header, timeouts, and
retries with exponential backoff and full jitter for retryable answers and connection
failures, honouring ``Retry-After`` and bounded by a total deadline. Nothing from a request is
logged or put in an exception."""

from __future__ import annotations

import asyncio
import json
import random
import time
from typing import Any, AsyncIterator, Awaitable, Callable, Dict, Iterator, Optional, TypeVar, Union

import httpx

from . import errors
from ._calls import Call
from ._version import __version__

SDK_VERSION_HEADER = "X-Tokenvault-SDK-Version"

#: A bearer token, or a function that returns a fresh one (for OIDC access tokens).
BearerSource = Union[str, Callable[[], str]]
#: The same for the async client: a string, a function, or an async function.
AsyncBearerSource = Union[str, Callable[[], str], Callable[[], Awaitable[str]]]

T = TypeVar("T")


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


class _Attempts:
    """The retry decisions of one call: after each failure, how long to wait, or raise."""

    def __init__(self, policy: RetryPolicy, replay_safe: bool) -> None:
        self.policy = policy
        self.replay_safe = replay_safe
        self.started = time.monotonic()
        self.attempt = 0

    def _allowed(self, delay: float) -> bool:
        elapsed = time.monotonic() - self.started
        return self.attempt < self.policy.max_retries and elapsed + delay <= self.policy.deadline

    def after_transport_error(self, e: httpx.TransportError) -> float:
        nothing_sent = isinstance(e, (httpx.ConnectError, httpx.ConnectTimeout))
        failure = errors.ConnectionFailedError(
            f"could not reach the server ({type(e).__name__})",
            code="CONNECTION_FAILED",
            retryable=nothing_sent or self.replay_safe,
        )
        delay = self.policy.backoff(self.attempt)
        if not failure.retryable or not self._allowed(delay):
            raise failure from None
        self.attempt += 1
        return delay

    def after_error_answer(self, response: httpx.Response) -> float:
        error = errors.from_response(response.status_code, _json_or_none(response), _retry_after(response))
        delay = (
            float(error.retry_after_seconds)
            if error.retry_after_seconds is not None
            else self.policy.backoff(self.attempt)
        )
        if not error.retryable or not self._allowed(delay):
            raise error
        self.attempt += 1
        return delay


def _headers(auth: Optional[str], credential: Optional[str]) -> Dict[str, str]:
    h = {SDK_VERSION_HEADER: __version__, "Accept": "application/json"}
    if auth == "api_key" and credential:
        h["X-API-Key"] = credential
    elif credential:
        h["Authorization"] = f"Bearer {credential}"
    return h


def _missing(what: str, code: str) -> errors.MissingCredentialError:
    return errors.MissingCredentialError(f"this call needs {what}", code=code)


def _body(response: httpx.Response) -> Any:
    if response.status_code == 204 or not response.content:
        return None
    return response.json()


def _params(call: Call[Any]) -> Dict[str, Any]:
    return {k: v for k, v in (call.params or {}).items() if v is not None}


class _Credentials:
    def __init__(self, api_key: Optional[str], has_bearer: bool) -> None:
        self.api_key = api_key
        self.has_bearer = has_bearer

    def check(self, auth: Optional[str]) -> None:
        """Raises before any request when the call's credential is missing."""
        if auth == "api_key" and not self.api_key:
            raise _missing("an API key: pass api_key= to the client", "MISSING_API_KEY")
        if auth == "bearer" and not self.has_bearer:
            raise _missing("a bearer JWT: pass jwt= (a string or a function returning one)", "MISSING_JWT")
        if auth == "client" and not (self.api_key or self.has_bearer):
            raise _missing("an API key or a JWT: pass api_key= or jwt= to the client", "MISSING_CREDENTIAL")


class Transport:
    """Sends the calls of the synchronous client."""

    def __init__(
        self,
        base_url: str,
        api_key: Optional[str],
        bearer: Optional[BearerSource],
        timeout: float,
        retry: RetryPolicy,
        http: Optional[httpx.Client] = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._creds = _Credentials(api_key, bearer is not None)
        self._bearer = bearer
        self._retry = retry
        self._sleep: Callable[[float], None] = time.sleep
        self._http = http or httpx.Client(timeout=timeout)

    def close(self) -> None:
        self._http.close()

    def _credential(self, auth: Optional[str]) -> Optional[str]:
        self._creds.check(auth)
        if auth is None:
            return None
        if auth == "api_key" or (auth == "client" and self._creds.api_key):
            return self._creds.api_key
        source = self._bearer
        token = source() if callable(source) else source
        if not token:
            raise _missing("a bearer JWT: the jwt function returned none", "MISSING_JWT")
        return token

    def run(self, call: Call[T]) -> T:
        """One call, retried while the policy and deadline allow; its answer read."""
        headers = _headers(call.auth, self._credential(call.auth))
        tries = _Attempts(self._retry, call.replay_safe or call.method in ("GET", "PUT", "DELETE"))
        while True:
            try:
                r = self._http.request(
                    call.method, self.base_url + call.path, json=call.json, params=_params(call), headers=headers
                )
            except httpx.TransportError as e:
                self._sleep(tries.after_transport_error(e))
                continue
            if r.status_code < 400:
                return call.parse(_body(r))
            self._sleep(tries.after_error_answer(r))

    def stream(self, path: str, *, auth: str, lines: Iterator[Any]) -> Iterator[Any]:
        """Sends ``lines`` as newline-delimited JSON and yields the answer's lines as they
        arrive. Not retried (the request body is read once); an error line raises."""
        headers = {**_headers(auth, self._credential(auth)), "Content-Type": "application/x-ndjson"}
        body = (json.dumps(line).encode() + b"\n" for line in lines)
        try:
            with self._http.stream("POST", self.base_url + path, content=body, headers=headers) as r:
                if r.status_code >= 400:
                    r.read()
                    raise errors.from_response(r.status_code, _json_or_none(r), _retry_after(r))
                for raw in r.iter_lines():
                    yield from _stream_line(raw, r.status_code)
        except httpx.TransportError as e:
            raise _interrupted(e) from None


class AsyncTransport:
    """Sends the calls of the asynchronous client."""

    def __init__(
        self,
        base_url: str,
        api_key: Optional[str],
        bearer: Optional[AsyncBearerSource],
        timeout: float,
        retry: RetryPolicy,
        http: Optional[httpx.AsyncClient] = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._creds = _Credentials(api_key, bearer is not None)
        self._bearer = bearer
        self._retry = retry
        self._sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
        self._http = http or httpx.AsyncClient(timeout=timeout)

    async def aclose(self) -> None:
        await self._http.aclose()

    async def _credential(self, auth: Optional[str]) -> Optional[str]:
        self._creds.check(auth)
        if auth is None:
            return None
        if auth == "api_key" or (auth == "client" and self._creds.api_key):
            return self._creds.api_key
        source = self._bearer
        token: Any = source() if callable(source) else source
        if asyncio.iscoroutine(token) or isinstance(token, Awaitable):
            token = await token
        if not isinstance(token, str) or not token:
            raise _missing("a bearer JWT: the jwt function returned none", "MISSING_JWT")
        return token

    async def run(self, call: Call[T]) -> T:
        """One call, retried while the policy and deadline allow; its answer read."""
        headers = _headers(call.auth, await self._credential(call.auth))
        tries = _Attempts(self._retry, call.replay_safe or call.method in ("GET", "PUT", "DELETE"))
        while True:
            try:
                r = await self._http.request(
                    call.method, self.base_url + call.path, json=call.json, params=_params(call), headers=headers
                )
            except httpx.TransportError as e:
                await self._sleep(tries.after_transport_error(e))
                continue
            if r.status_code < 400:
                return call.parse(_body(r))
            await self._sleep(tries.after_error_answer(r))

    async def stream(self, path: str, *, auth: str, lines: Iterator[Any]) -> AsyncIterator[Any]:
        """The async form of :meth:`Transport.stream`."""
        headers = {**_headers(auth, await self._credential(auth)), "Content-Type": "application/x-ndjson"}
        async def body() -> AsyncIterator[bytes]:
            for line in lines:
                yield json.dumps(line).encode() + b"\n"

        try:
            async with self._http.stream("POST", self.base_url + path, content=body(), headers=headers) as r:
                if r.status_code >= 400:
                    await r.aread()
                    raise errors.from_response(r.status_code, _json_or_none(r), _retry_after(r))
                async for raw in r.aiter_lines():
                    for line in _stream_line(raw, r.status_code):
                        yield line
        except httpx.TransportError as e:
            raise _interrupted(e) from None


def _stream_line(raw: str, status: int) -> Iterator[Any]:
    if not raw.strip():
        return
    line = json.loads(raw)
    if isinstance(line, dict) and "error" in line:
        raise errors.from_response(status, line, None)
    yield line


def _interrupted(e: httpx.TransportError) -> errors.ConnectionFailedError:
    return errors.ConnectionFailedError(
        f"the stream was interrupted ({type(e).__name__})", code="CONNECTION_FAILED"
    )


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
