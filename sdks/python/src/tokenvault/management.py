"""Typed answers of the management calls whose shape is fixed (roles and changes answer either
the result or a pending change under the two-person rule, so they stay the server's objects)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, List, Mapping, Optional


@dataclass(frozen=True)
class Permissions:
    """The caller's roles and the permissions they hold."""

    actor: str
    roles: List[str]
    permissions: List[str]

    @classmethod
    def from_json(cls, m: Mapping[str, Any]) -> "Permissions":
        return cls(str(m.get("actor", "")), [str(r) for r in m.get("roles", [])], [str(p) for p in m.get("permissions", [])])


@dataclass(frozen=True)
class ApiKeyInfo:
    """An API key's metadata (never its secret)."""

    id: str
    name: str
    created_at: str
    revoked_at: Optional[str] = None


def api_keys(m: Mapping[str, Any]) -> List[ApiKeyInfo]:
    out = []
    for k in m.get("api_keys", []):
        r = k.get("revoked_at")
        out.append(ApiKeyInfo(str(k.get("id", "")), str(k.get("name", "")), str(k.get("created_at", "")), r if isinstance(r, str) else None))
    return out


@dataclass(frozen=True)
class ApiKeyCreated:
    """A new API key; ``api_key`` is its secret, shown this once."""

    id: str
    name: str
    api_key: str

    def __repr__(self) -> str:
        return f"ApiKeyCreated(id={self.id!r}, name={self.name!r}, api_key=<hidden>)"

    @classmethod
    def from_json(cls, m: Mapping[str, Any]) -> "ApiKeyCreated":
        return cls(str(m.get("id", "")), str(m.get("name", "")), str(m.get("api_key", "")))


@dataclass(frozen=True)
class KeyVersion:
    """One tenant key version."""

    version: int
    created_at: str


@dataclass(frozen=True)
class KeyVersions:
    """The tenant's key versions; new tokens use ``current_version``."""

    current_version: int
    versions: List[KeyVersion]

    @classmethod
    def from_json(cls, m: Mapping[str, Any]) -> "KeyVersions":
        return cls(
            int(m.get("current_version", 0)),
            [KeyVersion(int(v.get("version", 0)), str(v.get("created_at", ""))) for v in m.get("versions", [])],
        )


@dataclass(frozen=True)
class Tenant:
    """The tenant's settings."""

    tenant_id: str
    name: str
    created_at: str
    kill_switch: bool
    quota: Optional[int]
    two_person_rule: bool

    @classmethod
    def from_json(cls, m: Mapping[str, Any]) -> "Tenant":
        q = m.get("quota")
        return cls(
            str(m.get("tenant_id", "")),
            str(m.get("name", "")),
            str(m.get("created_at", "")),
            bool(m.get("kill_switch", False)),
            q if isinstance(q, int) else None,
            bool(m.get("two_person_rule", False)),
        )
