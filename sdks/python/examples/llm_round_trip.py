"""An LLM round trip without exposing anyone: tokenize a prompt with the PII API, give the
model only placeholders, then restore the reply.

    TOKENVAULT_API_KEY=tvk_... python examples/llm_round_trip.py

Needs a running server (`tokenvault serve`) with a PII policy whose key is `support-intake`
(see docs/policies.md). The "model" here is a local stand-in that echoes placeholders.
"""

from __future__ import annotations

import os

from tokenvault import TokenVault


def model(prompt: str) -> str:
    """A stand-in for a language model: it sees placeholders only."""
    assert "@" not in prompt, "the model must never see an e-mail address"
    return "Reply drafted: I refunded [CREDITCARD_1] and emailed [EMAIL_1] the receipt."


def main() -> None:
    client = TokenVault(
        api_key=os.environ["TOKENVAULT_API_KEY"],
        base_url=os.environ.get("TOKENVAULT_URL", "http://127.0.0.1:8700"),
    )
    ticket = "Refund the order for sara@acme.com, card 5555 5555 5555 4444"
    safe = client.pii.tokenize(ticket, "support-intake")
    print("to the model:", safe.output_text)
    reply = model(safe.output_text)
    assert safe.vault is not None
    restored = client.pii.detokenize(reply, safe.vault)
    print("to the agent:", restored.output_text)


if __name__ == "__main__":
    main()
