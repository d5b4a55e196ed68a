"""tokenvault: the Python SDK of the tokenvault PII tokenization vault."""

from . import errors
from ._version import __version__
from .aio import AsyncTokenVault
from .client import TokenVault
from .management import ApiKeyCreated, ApiKeyInfo, KeyVersion, KeyVersions, Permissions, Tenant
from .pii import PiiDetokenized, PiiFinding, PiiResult, PiiVaultEntry
from .rehydrate import AuditEvent, Rehydrated, RehydratedToken, StreamChunk, StreamDone
from .models import (
    DetokenizeItemResult,
    DetokenizeResult,
    Grant,
    Health,
    MaskItemResult,
    MaskResult,
    Policy,
    Revoked,
    TokenizeItemResult,
    TokenizeResult,
    Usage,
    VaultEntry,
)

__all__ = [
    "TokenVault",
    "ApiKeyCreated",
    "ApiKeyInfo",
    "KeyVersion",
    "KeyVersions",
    "Permissions",
    "Tenant",
    "AsyncTokenVault",
    "AuditEvent",
    "PiiDetokenized",
    "PiiFinding",
    "PiiResult",
    "PiiVaultEntry",
    "Rehydrated",
    "RehydratedToken",
    "StreamChunk",
    "StreamDone",
    "errors",
    "__version__",
    "DetokenizeItemResult",
    "DetokenizeResult",
    "Grant",
    "Health",
    "MaskItemResult",
    "MaskResult",
    "Policy",
    "Revoked",
    "TokenizeItemResult",
    "TokenizeResult",
    "Usage",
    "VaultEntry",
]
