"""The synchronous client of the tokens API (seeds 000–002)."""

from __future__ import annotations

import uuid
from typing import Any, Dict, Iterable, Iterator, List, Mapping, Optional, Sequence

import httpx

from ._http import BearerSource, RetryPolicy, Transport
from .pii import PiiApi
from .rehydrate import AuditEvent, Rehydrated, StreamEvent, stream_events, stream_lines
from .models import (
    DetokenizeResult,
    Grant,
    Health,
    Policy,
    Revoked,
    TokenizeResult,
    Usage,
    VaultEntry,
)

API = "/api/v1/tokens"
DEFAULT_BASE_URL = "http://127.0.0.1:8700"


class TokenVault:
    """A tokenvault client.

    ``api_key`` authenticates tokenize; ``jwt`` (a string, or a function returning a fresh
    token for OIDC) authenticates grants, detokenize and the management calls. A call made
    without the credential it needs raises :class:`~tokenvault.errors.MissingCredentialError`
    before anything is sent.
    """

    def __init__(
        self,
        api_key: Optional[str] = None,
        *,
        jwt: Optional[BearerSource] = None,
        base_url: str = DEFAULT_BASE_URL,
        timeout: float = 10.0,
        max_retries: int = 4,
        deadline: float = 30.0,
        http_client: Optional[httpx.Client] = None,
    ) -> None:
        self._t = Transport(
            base_url,
            api_key,
            jwt,
            timeout,
            RetryPolicy(max_retries=max_retries, deadline=deadline),
            http_client,
        )
        #: The PII API of seed 003 (``client.pii.tokenize(text, policy_key)``, …).
        self.pii = PiiApi(self._t)

    def close(self) -> None:
        """Closes the connection pool."""
        self._t.close()

    def __enter__(self) -> "TokenVault":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def tokenize(
        self,
        items: Sequence[Mapping[str, Any]],
        policy_id: str,
        *,
        idempotency_key: Optional[str] = None,
        batch_mode: Optional[str] = None,
        dry_run: bool = False,
        trace_id: Optional[str] = None,
    ) -> TokenizeResult:
        """Tokenizes ``items`` (``{"value", "pii_type"}`` each) under ``policy_id``. Retries
        are safe: without an ``idempotency_key`` the SDK makes one for the call."""
        body: Dict[str, Any] = {
            "items": [dict(i) for i in items],
            "policy_id": policy_id,
            "idempotency_key": idempotency_key or f"sdk-{uuid.uuid4()}",
        }
        if batch_mode is not None:
            body["batch_mode"] = batch_mode
        if trace_id is not None:
            body["trace_id"] = trace_id
        answer = self._t.request(
            "POST",
            f"{API}/tokenize",
            auth="api_key",
            json=body,
            params={"dry_run": "true"} if dry_run else None,
            replay_safe=True,
        )
        return TokenizeResult.from_json(answer)

    def create_grant(
        self, token_ids: Sequence[str], purpose: str, reason: Optional[str] = None
    ) -> Grant:
        """A single-use grant to detokenize ``token_ids`` for ``purpose``."""
        body: Dict[str, Any] = {"token_ids": list(token_ids), "purpose": purpose}
        if reason is not None:
            body["reason"] = reason
        return Grant.from_json(self._t.request("POST", f"{API}/grant", auth="bearer", json=body))

    def detokenize(self, tokens: Sequence[str], grant_jwt: str) -> DetokenizeResult:
        """The values of ``tokens`` under a grant (which is consumed)."""
        body = {"tokens": list(tokens), "grant_jwt": grant_jwt}
        return DetokenizeResult.from_json(
            self._t.request("POST", f"{API}/detokenize", auth="bearer", json=body)
        )

    def vault(
        self,
        *,
        pii_type: Optional[str] = None,
        status: Optional[str] = None,
        page_size: int = 50,
    ) -> Iterator[VaultEntry]:
        """Every token's metadata, newest first, fetching cursor pages as it goes."""
        cursor: Optional[str] = None
        while True:
            page = self._t.request(
                "GET",
                f"{API}/vault",
                auth="bearer",
                params={
                    "limit": page_size,
                    "cursor": cursor,
                    "pii_type": pii_type,
                    "status": status,
                },
            )
            for entry in page.get("entries", []):
                yield VaultEntry.from_json(entry)
            cursor = page.get("next_cursor")
            if not page.get("has_more") or not cursor:
                return

    def revoke(self, token_id: str, reason: Optional[str] = None) -> Revoked:
        """Revokes a token: it can no longer be detokenized."""
        body = {"reason": reason} if reason is not None else {}
        return Revoked.from_json(
            self._t.request("DELETE", f"{API}/vault/{token_id}", auth="bearer", json=body)
        )

    def list_policies(self) -> List[Policy]:
        """The tenant's token policies."""
        answer = self._t.request("GET", f"{API}/policies", auth="bearer")
        items = answer.get("policies", answer) if isinstance(answer, dict) else answer
        return [Policy.from_json(p) for p in items]

    def get_policy(self, policy_id: str) -> Policy:
        """One policy."""
        return Policy.from_json(self._t.request("GET", f"{API}/policies/{policy_id}", auth="bearer"))

    def create_policy(self, policy: Mapping[str, Any]) -> Policy:
        """Creates a policy from its definition (``id``, ``name``, ``type_rules``, …)."""
        return Policy.from_json(
            self._t.request("POST", f"{API}/policies", auth="bearer", json=dict(policy))
        )

    def update_policy(self, policy_id: str, policy: Mapping[str, Any]) -> Policy:
        """Replaces a policy's definition (a new version)."""
        return Policy.from_json(
            self._t.request("PUT", f"{API}/policies/{policy_id}", auth="bearer", json=dict(policy))
        )

    def delete_policy(self, policy_id: str) -> None:
        """Deletes a policy."""
        self._t.request("DELETE", f"{API}/policies/{policy_id}", auth="bearer")

    def usage(self) -> Usage:
        """Token counts and this period's billable operations."""
        return Usage.from_json(self._t.request("GET", f"{API}/usage", auth="bearer"))

    def rehydrate(
        self,
        text: str,
        *,
        grant_jwt: Optional[str] = None,
        purpose: Optional[str] = None,
        reason: Optional[str] = None,
    ) -> Rehydrated:
        """``text`` (a model's reply) with the vault tokens in it restored: under a grant, or
        under ``purpose`` (and ``reason``) checked against each token's policy."""
        body: Dict[str, Any] = {"text": text}
        for k, v in (("grant_jwt", grant_jwt), ("purpose", purpose), ("reason", reason)):
            if v is not None:
                body[k] = v
        return Rehydrated.from_json(self._t.request("POST", f"{API}/rehydrate", auth="bearer", json=body))

    def rehydrate_stream(
        self, chunks: Iterable[str], *, purpose: str, reason: Optional[str] = None
    ) -> Iterator[StreamEvent]:
        """Rehydrates model output as it arrives: yields :class:`StreamChunk` events as text
        settles (a token split across chunks is restored whole) and a final :class:`StreamDone`."""
        lines = self._t.stream(
            f"{API}/rehydrate/stream", auth="bearer", lines=stream_lines(chunks, purpose, reason)
        )
        return stream_events(lines)

    def audit(
        self,
        *,
        action: Optional[str] = None,
        actor: Optional[str] = None,
        token_id: Optional[str] = None,
        trace_id: Optional[str] = None,
        result: Optional[str] = None,
        page_size: int = 100,
    ) -> Iterator[AuditEvent]:
        """The audit log, newest first, fetching pages as it goes."""
        before: Optional[int] = None
        while True:
            page = self._t.request(
                "GET",
                f"{API}/audit",
                auth="bearer",
                params={
                    "action": action,
                    "actor": actor,
                    "token_id": token_id,
                    "trace_id": trace_id,
                    "result": result,
                    "limit": page_size,
                    "before": before,
                },
            )
            events = page.get("events", [])
            for e in events:
                yield AuditEvent.from_json(e)
            nxt = page.get("next_before")
            if not events or not isinstance(nxt, int):
                return
            before = nxt

    def health(self) -> Health:
        """The server's health (no credential needed)."""
        return Health.from_json(self._t.request("GET", f"{API}/health", auth=None))
