"""The PII API's results (seed 003): findings, the transformed text, and the tokenize vault."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, List, Mapping, Optional


@dataclass(frozen=True)
class PiiFinding:
    """One occurrence of PII (offsets in characters, not bytes)."""

    category: str
    value: str
    start: int
    end: int
    severity: str
    confidence: float
    blocking: bool
    label: str
    replacement: Optional[str] = None

    def __repr__(self) -> str:  # never print the matched text by accident
        return (
            f"PiiFinding(category={self.category!r}, start={self.start}, end={self.end}, "
            f"severity={self.severity!r}, replacement={self.replacement!r}, value=<hidden>)"
        )

    @classmethod
    def from_json(cls, m: Mapping[str, Any]) -> "PiiFinding":
        r = m.get("replacement")
        return cls(
            category=str(m.get("category", "")),
            value=str(m.get("value", "")),
            start=int(m.get("start", 0)),
            end=int(m.get("end", 0)),
            severity=str(m.get("severity", "")),
            confidence=float(m.get("confidence", 0.0)),
            blocking=bool(m.get("blocking", False)),
            label=str(m.get("label", "")),
            replacement=r if isinstance(r, str) else None,
        )


@dataclass(frozen=True)
class PiiVaultEntry:
    """The original behind a placeholder."""

    value: str
    category: str

    def __repr__(self) -> str:
        return f"PiiVaultEntry(category={self.category!r}, value=<hidden>)"


@dataclass(frozen=True)
class PiiResult:
    """The answer of detect, redact, mask, tokenize and scan."""

    policy_key: str
    policy_name: str
    action: str
    findings: List[PiiFinding]
    output_text: str
    input_length: int
    has_blocking: bool
    languages: List[str]
    locale: str
    #: Only for tokenize: placeholder → original, in order of first appearance.
    vault: Optional[Dict[str, PiiVaultEntry]] = None

    @classmethod
    def from_json(cls, m: Mapping[str, Any]) -> "PiiResult":
        raw = m.get("vault")
        vault = (
            {
                str(k): PiiVaultEntry(str(v.get("value", "")), str(v.get("category", "")))
                for k, v in raw.items()
            }
            if isinstance(raw, dict)
            else None
        )
        return cls(
            policy_key=str(m.get("policy_key", "")),
            policy_name=str(m.get("policy_name", "")),
            action=str(m.get("action", "")),
            findings=[PiiFinding.from_json(f) for f in m.get("findings", [])],
            output_text=str(m.get("output_text", "")),
            input_length=int(m.get("input_length", 0)),
            has_blocking=bool(m.get("has_blocking", False)),
            languages=[str(x) for x in m.get("languages", [])],
            locale=str(m.get("locale", "")),
            vault=vault,
        )


@dataclass(frozen=True)
class PiiDetokenized:
    """A text with the placeholders found in the vault restored."""

    output_text: str
    replaced: int
