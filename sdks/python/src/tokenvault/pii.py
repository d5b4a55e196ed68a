"""The PII API of seed 003: find PII in free text and detect, redact, mask, tokenize or scan
it under a stored policy; detokenize a model's reply with the vault a tokenize returned."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, List, Mapping, Optional

from ._http import Transport

PII = "/api/client/v1/pii"


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


class PiiApi:
    """``client.pii``: the PII API, with the client's API key (or JWT)."""

    def __init__(self, transport: Transport) -> None:
        self._t = transport

    def _run(
        self, action: str, text: str, policy_key: str, locale: Optional[str], scan_action: Optional[str] = None
    ) -> PiiResult:
        body: Dict[str, Any] = {"policy_key": policy_key, "text": text}
        if locale is not None:
            body["locale"] = locale
        if scan_action is not None:
            body["action"] = scan_action
        return PiiResult.from_json(self._t.request("POST", f"{PII}/{action}", auth="client", json=body, replay_safe=True))

    def detect(self, text: str, policy_key: str, *, locale: Optional[str] = None) -> PiiResult:
        """The findings; the text unchanged."""
        return self._run("detect", text, policy_key, locale)

    def redact(self, text: str, policy_key: str, *, locale: Optional[str] = None) -> PiiResult:
        """Each finding replaced by its label (``[EMAIL]``)."""
        return self._run("redact", text, policy_key, locale)

    def mask(self, text: str, policy_key: str, *, locale: Optional[str] = None) -> PiiResult:
        """Each finding masked (``s***@acme.com``)."""
        return self._run("mask", text, policy_key, locale)

    def tokenize(self, text: str, policy_key: str, *, locale: Optional[str] = None) -> PiiResult:
        """Each finding replaced by a numbered placeholder; ``vault`` maps them back."""
        return self._run("tokenize", text, policy_key, locale)

    def scan(
        self, text: str, policy_key: str, *, action: Optional[str] = None, locale: Optional[str] = None
    ) -> PiiResult:
        """The policy's default action, or ``action``."""
        return self._run("scan", text, policy_key, locale, action)

    def detokenize(self, text: str, vault: Mapping[str, PiiVaultEntry]) -> PiiDetokenized:
        """``text`` (a model's reply) with the vault's placeholders restored."""
        body = {
            "text": text,
            "vault": {k: {"value": v.value, "category": v.category} for k, v in vault.items()},
        }
        m = self._t.request("POST", f"{PII}/detokenize", auth="client", json=body, replay_safe=True)
        return PiiDetokenized(str(m.get("output_text", "")), int(m.get("replaced", 0)))
