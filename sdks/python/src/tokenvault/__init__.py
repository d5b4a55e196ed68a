"""tokenvault: the Python SDK of the tokenvault PII tokenization vault."""

from . import errors
from ._version import __version__
from .client import TokenVault
from .models import (
    DetokenizeItemResult,
    DetokenizeResult,
    Grant,
    Health,
    Policy,
    Revoked,
    TokenizeItemResult,
    TokenizeResult,
    Usage,
    VaultEntry,
)

__all__ = [
    "TokenVault",
    "errors",
    "__version__",
    "DetokenizeItemResult",
    "DetokenizeResult",
    "Grant",
    "Health",
    "Policy",
    "Revoked",
    "TokenizeItemResult",
    "TokenizeResult",
    "Usage",
    "VaultEntry",
]
