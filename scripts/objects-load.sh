#!/usr/bin/env bash
# Load test of the object vault: starts a release server on a fresh store (SQLite, or
# PostgreSQL with DATABASE_URL, in a fresh schema) with limits raised, then measures bulk add
# (objects/s) and exact-match query and get-by-id latency.
#
#   scripts/objects-load.sh [objects=100000] [clients=3] [batch=1000] [queries=2000]
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -q -p tokenvault --bin tokenvault --example objects_load
work=$(mktemp -d)
pid=""
schema=""
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
  if [ -n "$schema" ]; then psql -q "$DATABASE_URL" -c "DROP SCHEMA IF EXISTS $schema CASCADE" >/dev/null 2>&1 || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
cat > "$work/load.toml" <<TOML
log_format = "text"
max_body_bytes = 16777216
[rate_limits]
other = { per_user = 10000000, per_tenant = 10000000 }
TOML
store=()
label=sqlite
if [ -n "${DATABASE_URL:-}" ]; then
  schema="tv_objload_$$"
  psql -q "$DATABASE_URL" -c "CREATE SCHEMA $schema" >/dev/null
  case "$DATABASE_URL" in *\?*) sep='&' ;; *) sep='?' ;; esac
  store=(--database-url "${DATABASE_URL}${sep}options=-csearch_path%3D${schema}" --root-key-file "$work/root.key")
  label=postgresql
fi
boot=$(./target/release/tokenvault --data-dir "$work/data" "${store[@]}" init --json 2>/dev/null)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
TOKENVAULT_LOG=warn ./target/release/tokenvault --config "$work/load.toml" --data-dir "$work/data" "${store[@]}" \
  serve --listen "127.0.0.1:$port" 2>"$work/server.log" &
pid=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/api/v1/tokens/health" >/dev/null && break; sleep 0.1; done
key=$(echo "$boot" | python3 -c 'import json,sys; print(json.load(sys.stdin)["api_key"])')
echo "machine: $(nproc) cores, $(grep -m1 "model name" /proc/cpuinfo | cut -d: -f2 | xargs); store: $label"
./target/release/examples/objects_load "http://127.0.0.1:$port" "$key" "${1:-100000}" "${2:-3}" "${3:-1000}" "${4:-2000}"
if [ -n "$schema" ]; then
  # Autovacuum analyzes a bulk-loaded table within a minute or so; measure after it has.
  psql -q "$DATABASE_URL" -c "ANALYZE $schema.objects; ANALYZE $schema.object_index" >/dev/null
  echo "after ANALYZE:"
  ./target/release/examples/objects_load "http://127.0.0.1:$port" "$key" "${1:-100000}" "${2:-3}" "${3:-1000}" "${4:-2000}" query-only
fi
