#!/usr/bin/env bash
# Replays the "How to Tokenize PII" walkthrough (seed 000) with curl against a running server.
#
#   tokenvault init --json > boot.json        # once: tenant, API key, admin JWT
#   scripts/seed-000-walkthrough.sh boot.json [http://127.0.0.1:8700]
#
# Needs curl and python3 (for reading JSON).
set -euo pipefail
boot=${1:?usage: $0 boot.json [base-url]}
base=${2:-http://127.0.0.1:8700}/api/v1/tokens
field() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }
API_KEY=$(field 'd["api_key"]' < "$boot")
JWT=$(field 'd["admin_jwt"]' < "$boot")
show() { echo; echo "### $1"; }

show "Step 1: create the policy (pol_hipaa)"
curl -sS -X POST "$base/policies" \
  -H "Authorization: Bearer $JWT" -H "Content-Type: application/json" \
  -d '{
    "id": "pol_hipaa",
    "name": "HIPAA SSN Protection",
    "type_rules": {
      "us_ssn": {"mode": "deterministic", "min_confidence": 0.85, "deterministic_scope": "global"},
      "email": {"mode": "deterministic", "min_confidence": 0.8}
    },
    "allowed_roles": ["admin", "privacy_officer"],
    "allowed_purposes": ["customer_support", "regulatory", "data_recovery"],
    "require_reason": true
  }'
echo

show "Step 2: tokenize (the phone number has no rule in this policy, so it is SKIPPED)"
tokenized=$(curl -sS -X POST "$base/tokenize" \
  -H "X-API-Key: $API_KEY" -H "Content-Type: application/json" \
  -d '{
    "items": [
      {"value": "123-45-6789", "pii_type": "us_ssn"},
      {"value": "john@example.com", "pii_type": "email"},
      {"value": "(555) 123-4567", "pii_type": "phone"}
    ],
    "policy_id": "pol_hipaa"
  }')
echo "$tokenized"
echo "$tokenized" | field '"\n".join("%s: %s → %s" % (r["status"], r["token_id"], r["token"]) for r in d["results"])'
TOKEN_ID=$(echo "$tokenized" | field 'd["results"][0]["token_id"]')

show "Dry run (nothing is written)"
curl -sS -X POST "$base/tokenize?dry_run=true" \
  -H "X-API-Key: $API_KEY" -H "Content-Type: application/json" \
  -d '{"items": [{"value": "234-56-7890", "pii_type": "us_ssn"}], "policy_id": "pol_hipaa"}'
echo

show "Step 3a: request a grant"
grant=$(curl -sS -X POST "$base/grant" \
  -H "Authorization: Bearer $JWT" -H "Content-Type: application/json" \
  -d "{\"token_ids\": [\"$TOKEN_ID\"], \"purpose\": \"customer_support\", \"reason\": \"Case #12345 — identity verification\"}")
echo "$grant"
GRANT=$(echo "$grant" | field 'd["grant_jwt"]')

show "Step 3b: detokenize (expect 123-45-6789)"
curl -sS -X POST "$base/detokenize" \
  -H "Authorization: Bearer $JWT" -H "Content-Type: application/json" \
  -d "{\"tokens\": [\"$TOKEN_ID\"], \"grant_jwt\": \"$GRANT\"}"
echo

show "The grant is single-use (expect GRANT_NONCE_REUSED)"
curl -sS -X POST "$base/detokenize" \
  -H "Authorization: Bearer $JWT" -H "Content-Type: application/json" \
  -d "{\"tokens\": [\"$TOKEN_ID\"], \"grant_jwt\": \"$GRANT\"}"
echo

show "Step 4: the vault, the audit trail and usage"
curl -sS "$base/vault?limit=50&pii_type=us_ssn&status=active" -H "Authorization: Bearer $JWT"
echo
curl -sS "$base/audit?action=detokenize&limit=5" -H "Authorization: Bearer $JWT"
echo
curl -sS "$base/usage" -H "Authorization: Bearer $JWT"
echo
