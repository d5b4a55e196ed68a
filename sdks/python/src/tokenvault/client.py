"""The synchronous client: the tokens API (seeds 000–002), LLM rehydration (seed 001), the
PII API (seed 003) and the audit listing."""

from __future__ import annotations

from typing import Any, Dict, Iterable, Iterator, List, Mapping, Optional, Sequence

import httpx

from . import _calls as calls
from ._http import BearerSource, RetryPolicy, Transport
from .management import ApiKeyCreated, ApiKeyInfo, KeyVersions, Permissions, Tenant, api_keys
from .models import DetokenizeResult, Grant, Health, MaskResult, Policy, Revoked, TokenizeResult, Usage, VaultEntry
from .pii import PiiDetokenized, PiiResult, PiiVaultEntry
from .rehydrate import AuditEvent, Rehydrated, StreamEvent, stream_events, stream_lines

DEFAULT_BASE_URL = "http://127.0.0.1:8700"


class PiiApi:
    """``client.pii``: the PII API, with the client's API key (or its JWT)."""

    def __init__(self, transport: Transport) -> None:
        self._t = transport

    def detect(self, text: str, policy_key: str, *, locale: Optional[str] = None) -> PiiResult:
        """The findings; the text unchanged."""
        return self._t.run(calls.pii_run("detect", text, policy_key, locale, None))

    def redact(self, text: str, policy_key: str, *, locale: Optional[str] = None) -> PiiResult:
        """Each finding replaced by its label."""
        return self._t.run(calls.pii_run("redact", text, policy_key, locale, None))

    def mask(self, text: str, policy_key: str, *, locale: Optional[str] = None) -> PiiResult:
        """Each finding masked."""
        return self._t.run(calls.pii_run("mask", text, policy_key, locale, None))

    def tokenize(self, text: str, policy_key: str, *, locale: Optional[str] = None) -> PiiResult:
        """Each finding replaced by a numbered placeholder; ``vault`` maps them back."""
        return self._t.run(calls.pii_run("tokenize", text, policy_key, locale, None))

    def scan(
        self, text: str, policy_key: str, *, action: Optional[str] = None, locale: Optional[str] = None
    ) -> PiiResult:
        """The policy's default action, or ``action``."""
        return self._t.run(calls.pii_run("scan", text, policy_key, locale, action))

    def detokenize(self, text: str, vault: Mapping[str, PiiVaultEntry]) -> PiiDetokenized:
        """``text`` (a model's reply) with the vault's placeholders restored."""
        return self._t.run(calls.pii_detokenize(text, vault))


class TokenVault:
    """A tokenvault client.

    ``api_key`` authenticates tokenize and the PII API; ``jwt`` (a string, or a function
    returning a fresh token for OIDC) authenticates grants, detokenize, rehydration and the
    management calls. A call made without the credential it needs raises
    :class:`~tokenvault.errors.MissingCredentialError` before anything is sent.
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
        retry = RetryPolicy(max_retries=max_retries, deadline=deadline)
        self._t = Transport(base_url, api_key, jwt, timeout, retry, http_client)
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
        return self._t.run(calls.tokenize(items, policy_id, idempotency_key, batch_mode, dry_run, trace_id))

    def mask(
        self,
        items: Sequence[Mapping[str, Any]],
        *,
        strategy: Optional[str] = None,
        keep_last: Optional[int] = None,
        scope: Optional[str] = None,
        batch_mode: Optional[str] = None,
    ) -> MaskResult:
        """Masks ``items`` for good (seed 001's strategies: redact, partial, category, hash,
        null); nothing is stored."""
        return self._t.run(calls.mask(items, strategy, keep_last, scope, batch_mode))

    def create_grant(self, token_ids: Sequence[str], purpose: str, reason: Optional[str] = None) -> Grant:
        """A single-use grant to detokenize ``token_ids`` for ``purpose``."""
        return self._t.run(calls.create_grant(token_ids, purpose, reason))

    def detokenize(self, tokens: Sequence[str], grant_jwt: str) -> DetokenizeResult:
        """The values of ``tokens`` under a grant (which is consumed)."""
        return self._t.run(calls.detokenize(tokens, grant_jwt))

    def vault(
        self, *, pii_type: Optional[str] = None, status: Optional[str] = None, page_size: int = 50
    ) -> Iterator[VaultEntry]:
        """Every token's metadata, newest first, fetching cursor pages as it goes."""
        cursor: Optional[str] = None
        while True:
            page = self._t.run(calls.vault_page(pii_type, status, page_size, cursor))
            for entry in page.get("entries", []):
                yield VaultEntry.from_json(entry)
            cursor = page.get("next_cursor")
            if not page.get("has_more") or not cursor:
                return

    def revoke(self, token_id: str, reason: Optional[str] = None) -> Revoked:
        """Revokes a token: it can no longer be detokenized."""
        return self._t.run(calls.revoke(token_id, reason))

    def list_policies(self) -> List[Policy]:
        """The tenant's token policies."""
        return self._t.run(calls.list_policies())

    def get_policy(self, policy_id: str) -> Policy:
        """One policy."""
        return self._t.run(calls.get_policy(policy_id))

    def create_policy(self, policy: Mapping[str, Any]) -> Policy:
        """Creates a policy from its definition (``id``, ``name``, ``type_rules``, …)."""
        return self._t.run(calls.create_policy(policy))

    def update_policy(self, policy_id: str, policy: Mapping[str, Any]) -> Policy:
        """Replaces a policy's definition (a new version)."""
        return self._t.run(calls.update_policy(policy_id, policy))

    def delete_policy(self, policy_id: str) -> None:
        """Deletes a policy."""
        self._t.run(calls.delete_policy(policy_id))

    def usage(self) -> Usage:
        """Token counts and this period's billable operations."""
        return self._t.run(calls.usage())

    # Management: each needs a JWT whose roles hold the endpoint's permission.

    def my_permissions(self) -> Permissions:
        """The caller's roles and permissions."""
        return Permissions.from_json(self._t.run(calls.manage("GET", "/permissions")))

    def list_roles(self) -> Dict[str, Any]:
        """The role → permission mapping."""
        return self._t.run(calls.manage("GET", "/roles"))

    def set_role(self, role: str, permissions: Sequence[str]) -> Dict[str, Any]:
        """Maps ``role`` to ``permissions`` (may answer a pending change under the two-person rule)."""
        return self._t.run(calls.manage("PUT", f"/roles/{role}", {"permissions": list(permissions)}))

    def delete_role(self, role: str) -> Dict[str, Any]:
        """Removes a role's mapping."""
        return self._t.run(calls.manage("DELETE", f"/roles/{role}"))

    def list_changes(self, status: Optional[str] = None) -> Dict[str, Any]:
        """Changes waiting under the two-person rule."""
        return self._t.run(calls.manage("GET", "/changes", params={"status": status}))

    def decide_change(self, change_id: str, approve: bool) -> Dict[str, Any]:
        """Approves or rejects a pending change (not the proposer's own)."""
        return self._t.run(calls.manage("POST", f"/changes/{change_id}/{'approve' if approve else 'reject'}"))

    def tenant(self) -> Tenant:
        """The tenant's settings."""
        return Tenant.from_json(self._t.run(calls.manage("GET", "/tenant")))

    def set_tenant_settings(self, *, quota: Optional[int] = None, two_person_rule: Optional[bool] = None) -> Dict[str, Any]:
        """Sets the quota and/or the two-person rule."""
        body = {k: v for k, v in (("quota", quota), ("two_person_rule", two_person_rule)) if v is not None}
        return self._t.run(calls.manage("PUT", "/tenant/settings", body))

    def set_kill_switch(self, on: bool) -> Dict[str, Any]:
        """The emergency stop: tokenize and detokenize refused while on."""
        return self._t.run(calls.manage("PUT", "/tenant/kill-switch", {"on": on}))

    def list_api_keys(self) -> List[ApiKeyInfo]:
        """The tenant's API keys (never their secrets)."""
        return api_keys(self._t.run(calls.manage("GET", "/api-keys")))

    def create_api_key(self, name: str) -> ApiKeyCreated:
        """A new API key; its secret (``api_key``) is shown once."""
        return ApiKeyCreated.from_json(self._t.run(calls.manage("POST", "/api-keys", {"name": name})))

    def revoke_api_key(self, key_id: str) -> Dict[str, Any]:
        """Revokes an API key."""
        return self._t.run(calls.manage("DELETE", f"/api-keys/{key_id}"))

    def key_versions(self) -> KeyVersions:
        """The tenant's key versions."""
        return KeyVersions.from_json(self._t.run(calls.manage("GET", "/keys")))

    def rotate_keys(self) -> Dict[str, Any]:
        """Makes a new tenant key version (new tokens use it)."""
        return self._t.run(calls.manage("POST", "/keys/rotate"))

    def health(self) -> Health:
        """The server's health (no credential needed)."""
        return self._t.run(calls.health())

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
        return self._t.run(calls.rehydrate(text, grant_jwt, purpose, reason))

    def rehydrate_stream(
        self, chunks: Iterable[str], *, purpose: str, reason: Optional[str] = None
    ) -> Iterator[StreamEvent]:
        """Rehydrates model output as it arrives: yields :class:`StreamChunk` events as text
        settles (a token split across chunks is restored whole) and a final :class:`StreamDone`."""
        lines = self._t.stream(
            f"{calls.API}/rehydrate/stream", auth="bearer", lines=stream_lines(chunks, purpose, reason)
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
        filters = {"action": action, "actor": actor, "token_id": token_id, "trace_id": trace_id, "result": result}
        before: Optional[int] = None
        while True:
            page = self._t.run(calls.audit_page(filters, page_size, before))
            events = page.get("events", [])
            for e in events:
                yield AuditEvent.from_json(e)
            nxt = page.get("next_before")
            if not events or not isinstance(nxt, int):
                return
            before = nxt
