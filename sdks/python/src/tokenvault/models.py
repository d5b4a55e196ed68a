"""Results as typed objects with attributes (no runtime dependency beyond the standard library)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Mapping, Optional


def _opt_str(m: Mapping[str, Any], key: str) -> Optional[str]:
    v = m.get(key)
    return v if isinstance(v, str) else None


@dataclass(frozen=True)
class TokenizeItemResult:
    """One item's outcome: ``status`` is ``TOKENIZED``, ``MASKED``, ``SKIPPED`` or ``FAILED``."""

    status: str
    token_id: Optional[str] = None
    token: Optional[str] = None
    mode: Optional[str] = None
    reason: Optional[str] = None
    error_code: Optional[str] = None
    error_message: Optional[str] = None
    expires_at: Optional[str] = None
    masked: Optional[str] = None

    @classmethod
    def from_json(cls, m: Mapping[str, Any]) -> "TokenizeItemResult":
        err = m.get("error") if isinstance(m.get("error"), dict) else {}
        assert isinstance(err, dict)
        return cls(
            status=str(m.get("status", "")),
            token_id=_opt_str(m, "token_id"),
            token=_opt_str(m, "token"),
            mode=_opt_str(m, "mode"),
            reason=_opt_str(m, "reason"),
            error_code=_opt_str(err, "code"),
            error_message=_opt_str(err, "message"),
            expires_at=_opt_str(m, "expires_at"),
            masked=_opt_str(m, "masked"),
        )


@dataclass(frozen=True)
class TokenizeResult:
    """The answer to a tokenize call, results in request order."""

    results: List[TokenizeItemResult]
    success_count: int
    failure_count: int
    skipped_count: int
    masked_count: int
    batch_policy_version: int
    trace_id: str
    dry_run: bool = False

    @classmethod
    def from_json(cls, m: Mapping[str, Any]) -> "TokenizeResult":
        return cls(
            results=[TokenizeItemResult.from_json(r) for r in m.get("results", [])],
            success_count=int(m.get("success_count", 0)),
            failure_count=int(m.get("failure_count", 0)),
            skipped_count=int(m.get("skipped_count", 0)),
            masked_count=int(m.get("masked_count", 0)),
            batch_policy_version=int(m.get("batch_policy_version", 0)),
            trace_id=str(m.get("trace_id", "")),
            dry_run=bool(m.get("dry_run", False)),
        )


@dataclass(frozen=True)
class Grant:
    """A short-lived, single-use grant to detokenize named tokens."""

    jwt: str
    expires_in_seconds: int
    trace_id: str

    @property
    def grant_jwt(self) -> str:
        """The wire name of :attr:`jwt`."""
        return self.jwt

    @classmethod
    def from_json(cls, m: Mapping[str, Any]) -> "Grant":
        return cls(
            jwt=str(m["grant_jwt"]),
            expires_in_seconds=int(m.get("expires_in_seconds", 0)),
            trace_id=str(m.get("trace_id", "")),
        )


@dataclass(frozen=True)
class DetokenizeItemResult:
    """One token's outcome; ``value`` is set when ``status`` is ``SUCCESS``."""

    token_id: str
    status: str
    value: Optional[str] = None
    revoked_at: Optional[str] = None

    def __repr__(self) -> str:  # never print a value by accident
        return f"DetokenizeItemResult(token_id={self.token_id!r}, status={self.status!r}, value=<hidden>)"

    @classmethod
    def from_json(cls, m: Mapping[str, Any]) -> "DetokenizeItemResult":
        return cls(
            token_id=str(m.get("token_id", "")),
            status=str(m.get("status", "")),
            value=_opt_str(m, "value"),
            revoked_at=_opt_str(m, "revoked_at"),
        )


@dataclass(frozen=True)
class DetokenizeResult:
    """The answer to a detokenize call."""

    results: List[DetokenizeItemResult]
    success_count: int
    failure_count: int
    trace_id: str

    @classmethod
    def from_json(cls, m: Mapping[str, Any]) -> "DetokenizeResult":
        return cls(
            results=[DetokenizeItemResult.from_json(r) for r in m.get("results", [])],
            success_count=int(m.get("success_count", 0)),
            failure_count=int(m.get("failure_count", 0)),
            trace_id=str(m.get("trace_id", "")),
        )


@dataclass(frozen=True)
class VaultEntry:
    """A token's metadata in the vault listing (never its value)."""

    token_id: str
    pii_type: str
    mode: str
    scope: str
    status: str
    policy_id: str
    policy_version: int
    key_version: int
    created_at: str
    expires_at: Optional[str] = None
    revoked_at: Optional[str] = None

    @classmethod
    def from_json(cls, m: Mapping[str, Any]) -> "VaultEntry":
        return cls(
            token_id=str(m["token_id"]),
            pii_type=str(m.get("pii_type", "")),
            mode=str(m.get("mode", "")),
            scope=str(m.get("scope", "")),
            status=str(m.get("status", "")),
            policy_id=str(m.get("policy_id", "")),
            policy_version=int(m.get("policy_version", 0)),
            key_version=int(m.get("key_version", 0)),
            created_at=str(m.get("created_at", "")),
            expires_at=_opt_str(m, "expires_at"),
            revoked_at=_opt_str(m, "revoked_at"),
        )


@dataclass(frozen=True)
class Revoked:
    """A revoked token."""

    token_id: str
    status: str
    revoked_at: str
    trace_id: str

    @classmethod
    def from_json(cls, m: Mapping[str, Any]) -> "Revoked":
        return cls(
            token_id=str(m.get("token_id", "")),
            status=str(m.get("status", "")),
            revoked_at=str(m.get("revoked_at", "")),
            trace_id=str(m.get("trace_id", "")),
        )


@dataclass(frozen=True)
class Usage:
    """The tenant's token counts and billable operations this period."""

    tokens_created: int
    active: int
    revoked: int
    expired: int
    operations_this_period: int
    quota: Optional[int]
    period_start: str
    period_end: str

    @classmethod
    def from_json(cls, m: Mapping[str, Any]) -> "Usage":
        quota = m.get("quota")
        return cls(
            tokens_created=int(m.get("tokens_created", 0)),
            active=int(m.get("active", 0)),
            revoked=int(m.get("revoked", 0)),
            expired=int(m.get("expired", 0)),
            operations_this_period=int(m.get("operations_this_period", 0)),
            quota=int(quota) if isinstance(quota, int) else None,
            period_start=str(m.get("period_start", "")),
            period_end=str(m.get("period_end", "")),
        )


@dataclass(frozen=True)
class Health:
    """The server's health."""

    status: str
    version: str
    store: str

    @classmethod
    def from_json(cls, m: Mapping[str, Any]) -> "Health":
        return cls(
            status=str(m.get("status", "")),
            version=str(m.get("version", "")),
            store=str(m.get("store", "")),
        )


@dataclass(frozen=True)
class Policy:
    """A token policy; ``body`` is the whole definition as the server answered it."""

    id: str
    name: str
    version: int
    body: Dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_json(cls, m: Mapping[str, Any]) -> "Policy":
        return cls(
            id=str(m.get("id", "")),
            name=str(m.get("name", "")),
            version=int(m.get("version", 0)),
            body=dict(m),
        )


@dataclass(frozen=True)
class MaskItemResult:
    """One item masked for good (``MASKED``), or ``FAILED`` with an error code."""

    index: int
    status: str
    masked: Optional[str] = None
    error_code: Optional[str] = None


@dataclass(frozen=True)
class MaskResult:
    """The answer to a mask call."""

    results: List[MaskItemResult]
    success_count: int
    failure_count: int
    trace_id: str

    @classmethod
    def from_json(cls, m: Mapping[str, Any]) -> "MaskResult":
        out = []
        for r in m.get("results", []):
            err = r.get("error") if isinstance(r.get("error"), dict) else {}
            out.append(
                MaskItemResult(int(r.get("index", 0)), str(r.get("status", "")), _opt_str(r, "masked"), _opt_str(err, "code"))
            )
        return cls(out, int(m.get("success_count", 0)), int(m.get("failure_count", 0)), str(m.get("trace_id", "")))
