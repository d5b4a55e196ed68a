// An LLM round trip without exposing anyone: tokenize a prompt with the PII API, give the
// model only placeholders, then restore its reply.
//
//   TOKENVAULT_API_KEY=tvk_... node examples/llm-round-trip.mjs
//
// Needs a running server (`tokenvault serve`) with a PII policy whose key is `support-intake`
// (docs/policies.md). The "model" is a local stand-in that echoes placeholders.
import { TokenVault } from '../dist/esm/index.js';

/** A stand-in for a language model: it sees placeholders only. */
async function model(prompt) {
  if (prompt.includes('@')) throw new Error('the model must never see an e-mail address');
  return 'Reply drafted: I refunded [CREDITCARD_1] and emailed [EMAIL_1] the receipt.';
}

const client = new TokenVault({
  apiKey: process.env.TOKENVAULT_API_KEY,
  baseUrl: process.env.TOKENVAULT_URL ?? 'http://127.0.0.1:8700',
});
const ticket = 'Refund the order for sara@acme.com, card 5555 5555 5555 4444';
const safe = await client.pii.tokenize(ticket, 'support-intake');
console.log('to the model:', safe.outputText);
const restored = await client.pii.detokenize(await model(safe.outputText), safe.vault);
console.log('to the agent:', restored.outputText);
