"""Every call of the API as data — method, path, credential, body, and how to read the answer —
so the synchronous and asynchronous clients send exactly the same requests."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any, Callable, Dict, Generic, List, Mapping, Optional, Sequence, TypeVar

from .models import (
    DetokenizeResult,
    Grant,
    Health,
    MaskResult,
    Policy,
    Revoked,
    TokenizeResult,
    Usage,
)
from .pii import PiiDetokenized, PiiResult, PiiVaultEntry
from .rehydrate import Rehydrated

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)

API = "/api/v1/tokens"
PII = "/api/client/v1/pii"


@dataclass(frozen=True)
class Call(Generic[T_co]):
    """One request and the reading of its answer."""

    method: str
    path: str
    auth: Optional[str]
    parse: Callable[[Any], T_co]
    json: Any = None
    params: Optional[Mapping[str, Any]] = None
    replay_safe: bool = False


def _raw(answer: Any) -> Any:
    return answer


def tokenize(
    items: Sequence[Mapping[str, Any]],
    policy_id: str,
    idempotency_key: Optional[str],
    batch_mode: Optional[str],
    dry_run: bool,
    trace_id: Optional[str],
) -> Call[TokenizeResult]:
    body: Dict[str, Any] = {
        "items": [dict(i) for i in items],
        "policy_id": policy_id,
        # Retries are safe: the same key replays the first answer instead of tokenizing twice.
        "idempotency_key": idempotency_key or f"sdk-{uuid.uuid4()}",
    }
    if batch_mode is not None:
        body["batch_mode"] = batch_mode
    if trace_id is not None:
        body["trace_id"] = trace_id
    return Call(
        "POST",
        f"{API}/tokenize",
        "api_key",
        TokenizeResult.from_json,
        json=body,
        params={"dry_run": "true"} if dry_run else None,
        replay_safe=True,
    )


def mask(
    items: Sequence[Mapping[str, Any]],
    strategy: Optional[str],
    keep_last: Optional[int],
    scope: Optional[str],
    batch_mode: Optional[str],
) -> Call[MaskResult]:
    body: Dict[str, Any] = {"items": [dict(i) for i in items]}
    for k, v in (("strategy", strategy), ("keep_last", keep_last), ("scope", scope), ("batch_mode", batch_mode)):
        if v is not None:
            body[k] = v
    # Nothing is stored, so sending it again is harmless.
    return Call("POST", f"{API}/mask", "api_key", MaskResult.from_json, json=body, replay_safe=True)


def create_grant(token_ids: Sequence[str], purpose: str, reason: Optional[str]) -> Call[Grant]:
    body: Dict[str, Any] = {"token_ids": list(token_ids), "purpose": purpose}
    if reason is not None:
        body["reason"] = reason
    return Call("POST", f"{API}/grant", "bearer", Grant.from_json, json=body)


def detokenize(tokens: Sequence[str], grant_jwt: str) -> Call[DetokenizeResult]:
    body = {"tokens": list(tokens), "grant_jwt": grant_jwt}
    return Call("POST", f"{API}/detokenize", "bearer", DetokenizeResult.from_json, json=body)


def vault_page(
    pii_type: Optional[str], status: Optional[str], page_size: int, cursor: Optional[str]
) -> Call[Any]:
    params = {"limit": page_size, "cursor": cursor, "pii_type": pii_type, "status": status}
    return Call("GET", f"{API}/vault", "bearer", _raw, params=params)


def revoke(token_id: str, reason: Optional[str]) -> Call[Revoked]:
    body = {"reason": reason} if reason is not None else {}
    return Call("DELETE", f"{API}/vault/{token_id}", "bearer", Revoked.from_json, json=body)


def _policies(answer: Any) -> List[Policy]:
    items = answer.get("policies", []) if isinstance(answer, dict) else answer
    return [Policy.from_json(p) for p in items]


def list_policies() -> Call[List[Policy]]:
    return Call("GET", f"{API}/policies", "bearer", _policies)


def get_policy(policy_id: str) -> Call[Policy]:
    return Call("GET", f"{API}/policies/{policy_id}", "bearer", Policy.from_json)


def create_policy(policy: Mapping[str, Any]) -> Call[Policy]:
    return Call("POST", f"{API}/policies", "bearer", Policy.from_json, json=dict(policy))


def update_policy(policy_id: str, policy: Mapping[str, Any]) -> Call[Policy]:
    return Call("PUT", f"{API}/policies/{policy_id}", "bearer", Policy.from_json, json=dict(policy))


def delete_policy(policy_id: str) -> Call[None]:
    return Call("DELETE", f"{API}/policies/{policy_id}", "bearer", lambda _: None)


def usage() -> Call[Usage]:
    return Call("GET", f"{API}/usage", "bearer", Usage.from_json)


def health() -> Call[Health]:
    return Call("GET", f"{API}/health", None, Health.from_json)


def rehydrate(
    text: str, grant_jwt: Optional[str], purpose: Optional[str], reason: Optional[str]
) -> Call[Rehydrated]:
    body: Dict[str, Any] = {"text": text}
    for k, v in (("grant_jwt", grant_jwt), ("purpose", purpose), ("reason", reason)):
        if v is not None:
            body[k] = v
    return Call("POST", f"{API}/rehydrate", "bearer", Rehydrated.from_json, json=body)


def audit_page(filters: Mapping[str, Any], page_size: int, before: Optional[int]) -> Call[Any]:
    params = {**filters, "limit": page_size, "before": before}
    return Call("GET", f"{API}/audit", "bearer", _raw, params=params)


def pii_run(
    action: str, text: str, policy_key: str, locale: Optional[str], scan_action: Optional[str]
) -> Call[PiiResult]:
    body: Dict[str, Any] = {"policy_key": policy_key, "text": text}
    if locale is not None:
        body["locale"] = locale
    if scan_action is not None:
        body["action"] = scan_action
    return Call("POST", f"{PII}/{action}", "client", PiiResult.from_json, json=body, replay_safe=True)


def pii_detokenize(text: str, vault: Mapping[str, PiiVaultEntry]) -> Call[PiiDetokenized]:
    body = {
        "text": text,
        "vault": {k: {"value": v.value, "category": v.category} for k, v in vault.items()},
    }
    return Call(
        "POST",
        f"{PII}/detokenize",
        "client",
        lambda m: PiiDetokenized(str(m.get("output_text", "")), int(m.get("replaced", 0))),
        json=body,
        replay_safe=True,
    )


# Management (a JWT whose roles hold the endpoint's permission; docs/api.md "Management").
# Answers are returned as the server's JSON objects.


def _dict(answer: Any) -> Dict[str, Any]:
    return dict(answer) if isinstance(answer, dict) else {}


def manage(method: str, path: str, body: Any = None, params: Optional[Mapping[str, Any]] = None) -> Call[Dict[str, Any]]:
    return Call(method, f"{API}{path}", "bearer", _dict, json=body, params=params)
