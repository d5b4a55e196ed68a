"""The PII API's seed examples, LLM rehydration (at once and streamed) and the audit listing,
against the real server."""

from __future__ import annotations

from typing import List

import pytest

from tokenvault import StreamChunk, StreamDone, TokenVault, errors

from .conftest import Server

def test_the_pii_round_trip_of_the_seed(client: TokenVault) -> None:
    text = "Refund the order for sara@acme.com, card 5555 5555 5555 4444"
    tok = client.pii.tokenize(text, "support-intake")
    assert tok.output_text == "Refund the order for [EMAIL_1], card [CREDITCARD_1]"
    assert tok.vault is not None and tok.vault["[EMAIL_1]"].value == "sara@acme.com"
    assert "sara@acme.com" not in repr(tok.findings) and "sara@acme.com" not in repr(tok.vault)
    reply = "I refunded [CREDITCARD_1] and emailed [EMAIL_1] the receipt."
    back = client.pii.detokenize(reply, tok.vault)
    assert back.output_text == "I refunded 5555 5555 5555 4444 and emailed sara@acme.com the receipt."
    assert back.replaced == 2


def test_detect_redact_mask_and_scan(client: TokenVault) -> None:
    text = "Wire to IBAN TR33 0006 1005 1978 6457 8413 26 before Friday"
    found = client.pii.detect(text, "support-intake")
    assert [f.category for f in found.findings] == ["iban"]
    assert found.output_text == text and found.policy_name == "Support Intake"
    assert client.pii.redact(text, "support-intake").output_text == "Wire to IBAN [REDACTED_IBAN] before Friday"
    assert client.pii.mask(text, "support-intake").output_text != text
    scanned = client.pii.scan("card 5555 5555 5555 4444", "support-intake")
    assert scanned.has_blocking and scanned.action == "redact"
    with pytest.raises(errors.TokenVaultError) as e:
        client.pii.detect(text, "no-such-policy")
    assert e.value.status == 404 and text not in str(e.value)


def test_rehydration_at_once_and_streamed(client: TokenVault) -> None:
    made = client.tokenize(items=[{"value": "jane@rehydrate.example", "pii_type": "email"}], policy_id="pol_hipaa")
    token = made.results[0].token
    assert token
    answer = client.rehydrate(f"Write to {token} today.", purpose="customer_support")
    assert answer.output_text == "Write to jane@rehydrate.example today."
    assert answer.restored_count == 1 and answer.tokens[0].status == "RESTORED"
    # Streamed, with the token split across chunks.
    reply = f"Dear {token}, thanks."
    chunks = [reply[:7], reply[7:12], reply[12:]]
    events = list(client.rehydrate_stream(chunks, purpose="customer_support"))
    text = "".join(e.text for e in events if isinstance(e, StreamChunk))
    done = events[-1]
    assert text == "Dear jane@rehydrate.example, thanks."
    assert isinstance(done, StreamDone) and done.restored_count == 1


def test_the_audit_log_pages(client: TokenVault) -> None:
    seen: List[int] = [e.seq for e in client.audit(page_size=2)]
    assert len(seen) >= 3 and seen == sorted(seen, reverse=True)
    grants = list(client.audit(action="grant", page_size=5))
    assert all(e.action == "grant" for e in grants)


def test_the_llm_round_trip_example_runs(server: Server, client: TokenVault) -> None:
    import os
    import subprocess
    import sys
    from pathlib import Path

    example = Path(__file__).parent.parent / "examples" / "llm_round_trip.py"
    env = {**os.environ, "TOKENVAULT_API_KEY": server.api_key, "TOKENVAULT_URL": server.base_url}
    out = subprocess.run([sys.executable, str(example)], env=env, check=True, capture_output=True, text=True).stdout
    assert "to the model: Refund the order for [EMAIL_1], card [CREDITCARD_1]" in out
    assert "to the agent: Reply drafted: I refunded 5555 5555 5555 4444 and emailed sara@acme.com the receipt." in out
