"""LLM context rehydration (seed 001): a model's reply with vault tokens restored, at once or
as its chunks arrive; and the audit listing."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Iterator, List, Mapping, Optional, Union


@dataclass(frozen=True)
class RehydratedToken:
    """A token found in the text: ``RESTORED``, or left as ``NOT_FOUND``, ``DENIED``,
    ``REVOKED`` or ``EXPIRED``."""

    token: str
    status: str
    occurrences: int = 0


def _tokens(raw: Any) -> List[RehydratedToken]:
    return [
        RehydratedToken(str(t.get("token", "")), str(t.get("status", "")), int(t.get("occurrences", 0)))
        for t in (raw or [])
    ]


@dataclass(frozen=True)
class Rehydrated:
    """The text with the tokens the caller may read restored."""

    output_text: str
    tokens: List[RehydratedToken]
    restored_count: int
    left_count: int
    trace_id: str

    @classmethod
    def from_json(cls, m: Mapping[str, Any]) -> "Rehydrated":
        return cls(
            output_text=str(m.get("output_text", "")),
            tokens=_tokens(m.get("tokens")),
            restored_count=int(m.get("restored_count", 0)),
            left_count=int(m.get("left_count", 0)),
            trace_id=str(m.get("trace_id", "")),
        )


@dataclass(frozen=True)
class StreamChunk:
    """Text that has settled (tokens in it restored, or left as they were)."""

    text: str


@dataclass(frozen=True)
class StreamDone:
    """The end of a rehydration stream."""

    tokens_seen: int
    restored_count: int
    left_count: int
    tokens: List[RehydratedToken]


StreamEvent = Union[StreamChunk, StreamDone]


def stream_lines(chunks: Iterable[str], purpose: str, reason: Optional[str]) -> Iterator[Any]:
    """The request lines: the authority first, then one line per chunk."""
    head = {"purpose": purpose}
    if reason is not None:
        head["reason"] = reason
    yield head
    for c in chunks:
        yield {"chunk": c}


def stream_event(line: Mapping[str, Any]) -> StreamEvent:
    """One answer line as an event."""
    if line.get("done"):
        return StreamDone(
            tokens_seen=int(line.get("tokens_seen", 0)),
            restored_count=int(line.get("restored_count", 0)),
            left_count=int(line.get("left_count", 0)),
            tokens=_tokens(line.get("tokens")),
        )
    return StreamChunk(str(line.get("chunk", "")))


def stream_events(lines: Iterator[Any]) -> Iterator[StreamEvent]:
    """The answer lines as events, up to the final summary."""
    for line in lines:
        event = stream_event(line)
        yield event
        if isinstance(event, StreamDone):
            return


@dataclass(frozen=True)
class AuditEvent:
    """One record of the hash-chained audit log (never a value)."""

    seq: int
    at: str
    action: str
    actor: str
    result: str
    trace_id: str
    token_ids: List[str]
    purpose: Optional[str]
    reason: Optional[str]
    hash: str
    prev_hash: str
    detail: Any

    @classmethod
    def from_json(cls, m: Mapping[str, Any]) -> "AuditEvent":
        p, r = m.get("purpose"), m.get("reason")
        return cls(
            seq=int(m.get("seq", 0)),
            at=str(m.get("at", "")),
            action=str(m.get("action", "")),
            actor=str(m.get("actor", "")),
            result=str(m.get("result", "")),
            trace_id=str(m.get("trace_id", "")),
            token_ids=[str(t) for t in m.get("token_ids", [])],
            purpose=p if isinstance(p, str) else None,
            reason=r if isinstance(r, str) else None,
            hash=str(m.get("hash", "")),
            prev_hash=str(m.get("prev_hash", "")),
            detail=m.get("detail"),
        )
