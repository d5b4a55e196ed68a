"""The asynchronous client: the same calls as :class:`tokenvault.TokenVault`, awaited, with
async iterators for the vault, the audit log and streamed rehydration."""

from __future__ import annotations

from typing import Any, Dict, AsyncIterator, Iterable, List, Mapping, Optional, Sequence

import httpx

from . import _calls as calls
from ._http import AsyncBearerSource, AsyncTransport, RetryPolicy
from .client import DEFAULT_BASE_URL
from .management import ApiKeyCreated, ApiKeyInfo, KeyVersions, Permissions, Tenant, api_keys
from .models import DetokenizeResult, Grant, Health, MaskResult, Policy, Revoked, TokenizeResult, Usage, VaultEntry
from .pii import PiiDetokenized, PiiResult, PiiVaultEntry
from .rehydrate import AuditEvent, Rehydrated, StreamDone, StreamEvent, stream_event, stream_lines


class AsyncPiiApi:
    """``client.pii`` of the async client."""

    def __init__(self, transport: AsyncTransport) -> None:
        self._t = transport

    async def detect(self, text: str, policy_key: str, *, locale: Optional[str] = None) -> PiiResult:
        return await self._t.run(calls.pii_run("detect", text, policy_key, locale, None))

    async def redact(self, text: str, policy_key: str, *, locale: Optional[str] = None) -> PiiResult:
        return await self._t.run(calls.pii_run("redact", text, policy_key, locale, None))

    async def mask(self, text: str, policy_key: str, *, locale: Optional[str] = None) -> PiiResult:
        return await self._t.run(calls.pii_run("mask", text, policy_key, locale, None))

    async def tokenize(self, text: str, policy_key: str, *, locale: Optional[str] = None) -> PiiResult:
        return await self._t.run(calls.pii_run("tokenize", text, policy_key, locale, None))

    async def scan(
        self, text: str, policy_key: str, *, action: Optional[str] = None, locale: Optional[str] = None
    ) -> PiiResult:
        return await self._t.run(calls.pii_run("scan", text, policy_key, locale, action))

    async def detokenize(self, text: str, vault: Mapping[str, PiiVaultEntry]) -> PiiDetokenized:
        return await self._t.run(calls.pii_detokenize(text, vault))


class AsyncTokenVault:
    """The async client; ``jwt`` may also be an async function returning a fresh token."""

    def __init__(
        self,
        api_key: Optional[str] = None,
        *,
        jwt: Optional[AsyncBearerSource] = None,
        base_url: str = DEFAULT_BASE_URL,
        timeout: float = 10.0,
        max_retries: int = 4,
        deadline: float = 30.0,
        http_client: Optional[httpx.AsyncClient] = None,
    ) -> None:
        retry = RetryPolicy(max_retries=max_retries, deadline=deadline)
        self._t = AsyncTransport(base_url, api_key, jwt, timeout, retry, http_client)
        self.pii = AsyncPiiApi(self._t)

    async def aclose(self) -> None:
        """Closes the connection pool."""
        await self._t.aclose()

    async def __aenter__(self) -> "AsyncTokenVault":
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def tokenize(
        self,
        items: Sequence[Mapping[str, Any]],
        policy_id: str,
        *,
        idempotency_key: Optional[str] = None,
        batch_mode: Optional[str] = None,
        dry_run: bool = False,
        trace_id: Optional[str] = None,
    ) -> TokenizeResult:
        return await self._t.run(calls.tokenize(items, policy_id, idempotency_key, batch_mode, dry_run, trace_id))

    async def mask(
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
        return await self._t.run(calls.mask(items, strategy, keep_last, scope, batch_mode))

    async def create_grant(self, token_ids: Sequence[str], purpose: str, reason: Optional[str] = None) -> Grant:
        return await self._t.run(calls.create_grant(token_ids, purpose, reason))

    async def detokenize(self, tokens: Sequence[str], grant_jwt: str) -> DetokenizeResult:
        return await self._t.run(calls.detokenize(tokens, grant_jwt))

    async def vault(
        self, *, pii_type: Optional[str] = None, status: Optional[str] = None, page_size: int = 50
    ) -> AsyncIterator[VaultEntry]:
        cursor: Optional[str] = None
        while True:
            page = await self._t.run(calls.vault_page(pii_type, status, page_size, cursor))
            for entry in page.get("entries", []):
                yield VaultEntry.from_json(entry)
            cursor = page.get("next_cursor")
            if not page.get("has_more") or not cursor:
                return

    async def revoke(self, token_id: str, reason: Optional[str] = None) -> Revoked:
        return await self._t.run(calls.revoke(token_id, reason))

    async def list_policies(self) -> List[Policy]:
        return await self._t.run(calls.list_policies())

    async def get_policy(self, policy_id: str) -> Policy:
        return await self._t.run(calls.get_policy(policy_id))

    async def create_policy(self, policy: Mapping[str, Any]) -> Policy:
        return await self._t.run(calls.create_policy(policy))

    async def update_policy(self, policy_id: str, policy: Mapping[str, Any]) -> Policy:
        return await self._t.run(calls.update_policy(policy_id, policy))

    async def delete_policy(self, policy_id: str) -> None:
        await self._t.run(calls.delete_policy(policy_id))

    async def usage(self) -> Usage:
        return await self._t.run(calls.usage())

    # Management: each needs a JWT whose roles hold the endpoint's permission.

    async def my_permissions(self) -> Permissions:
        """The caller's roles and permissions."""
        return Permissions.from_json(await self._t.run(calls.manage("GET", "/permissions")))

    async def list_roles(self) -> Dict[str, Any]:
        """The role → permission mapping."""
        return await self._t.run(calls.manage("GET", "/roles"))

    async def set_role(self, role: str, permissions: Sequence[str]) -> Dict[str, Any]:
        """Maps ``role`` to ``permissions`` (may answer a pending change under the two-person rule)."""
        return await self._t.run(calls.manage("PUT", f"/roles/{role}", {"permissions": list(permissions)}))

    async def delete_role(self, role: str) -> Dict[str, Any]:
        """Removes a role's mapping."""
        return await self._t.run(calls.manage("DELETE", f"/roles/{role}"))

    async def list_changes(self, status: Optional[str] = None) -> Dict[str, Any]:
        """Changes waiting under the two-person rule."""
        return await self._t.run(calls.manage("GET", "/changes", params={"status": status}))

    async def decide_change(self, change_id: str, approve: bool) -> Dict[str, Any]:
        """Approves or rejects a pending change (not the proposer's own)."""
        return await self._t.run(calls.manage("POST", f"/changes/{change_id}/{'approve' if approve else 'reject'}"))

    async def tenant(self) -> Tenant:
        """The tenant's settings."""
        return Tenant.from_json(await self._t.run(calls.manage("GET", "/tenant")))

    async def set_tenant_settings(self, *, quota: Optional[int] = None, two_person_rule: Optional[bool] = None) -> Dict[str, Any]:
        """Sets the quota and/or the two-person rule."""
        body = {k: v for k, v in (("quota", quota), ("two_person_rule", two_person_rule)) if v is not None}
        return await self._t.run(calls.manage("PUT", "/tenant/settings", body))

    async def set_kill_switch(self, on: bool) -> Dict[str, Any]:
        """The emergency stop: tokenize and detokenize refused while on."""
        return await self._t.run(calls.manage("PUT", "/tenant/kill-switch", {"on": on}))

    async def list_api_keys(self) -> List[ApiKeyInfo]:
        """The tenant's API keys (never their secrets)."""
        return api_keys(await self._t.run(calls.manage("GET", "/api-keys")))

    async def create_api_key(self, name: str) -> ApiKeyCreated:
        """A new API key; its secret (``api_key``) is shown once."""
        return ApiKeyCreated.from_json(await self._t.run(calls.manage("POST", "/api-keys", {"name": name})))

    async def revoke_api_key(self, key_id: str) -> Dict[str, Any]:
        """Revokes an API key."""
        return await self._t.run(calls.manage("DELETE", f"/api-keys/{key_id}"))

    async def key_versions(self) -> KeyVersions:
        """The tenant's key versions."""
        return KeyVersions.from_json(await self._t.run(calls.manage("GET", "/keys")))

    async def rotate_keys(self) -> Dict[str, Any]:
        """Makes a new tenant key version (new tokens use it)."""
        return await self._t.run(calls.manage("POST", "/keys/rotate"))

    async def health(self) -> Health:
        return await self._t.run(calls.health())

    async def rehydrate(
        self,
        text: str,
        *,
        grant_jwt: Optional[str] = None,
        purpose: Optional[str] = None,
        reason: Optional[str] = None,
    ) -> Rehydrated:
        return await self._t.run(calls.rehydrate(text, grant_jwt, purpose, reason))

    async def rehydrate_stream(
        self, chunks: Iterable[str], *, purpose: str, reason: Optional[str] = None
    ) -> AsyncIterator[StreamEvent]:
        lines = self._t.stream(
            f"{calls.API}/rehydrate/stream", auth="bearer", lines=iter(stream_lines(chunks, purpose, reason))
        )
        async for line in lines:
            event = stream_event(line)
            yield event
            if isinstance(event, StreamDone):
                return

    async def audit(self, *, action: Optional[str] = None, page_size: int = 100) -> AsyncIterator[AuditEvent]:
        before: Optional[int] = None
        while True:
            page = await self._t.run(calls.audit_page({"action": action}, page_size, before))
            events = page.get("events", [])
            for e in events:
                yield AuditEvent.from_json(e)
            nxt = page.get("next_before")
            if not events or not isinstance(nxt, int):
                return
            before = nxt
