#!/usr/bin/env bash
# Load test of the tokens API on the embedded SQLite store: starts a release server on a fresh
# data directory with limits raised for the test, then measures tokenize throughput in batches
# of 1,000 and single grant+detokenize latency. Usage: scripts/load.sh [seconds=20] [clients=3] [batch=1000]
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -q -p tokenvault --bin tokenvault --example load
work=$(mktemp -d)
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT
cat > "$work/load.toml" <<TOML
log_format = "text"
[rate_limits]
tokenize = { per_user = 1000000, per_tenant = 1000000 }
grant = { per_user = 1000000, per_tenant = 1000000 }
detokenize = { per_user = 1000000, per_tenant = 1000000 }
TOML
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
boot=$(./target/release/tokenvault --data-dir "$work/data" init --json 2>/dev/null)
TOKENVAULT_LOG=warn ./target/release/tokenvault --config "$work/load.toml" --data-dir "$work/data" serve --listen "127.0.0.1:$port" 2>"${SERVER_LOG:-$work/server.log}" &
server=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/api/v1/tokens/health" >/dev/null && break; sleep 0.1; done
key=$(echo "$boot" | python3 -c 'import json,sys; print(json.load(sys.stdin)["api_key"])')
jwt=$(echo "$boot" | python3 -c 'import json,sys; print(json.load(sys.stdin)["admin_jwt"])')
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
./target/release/examples/load "http://127.0.0.1:$port" "$key" "$jwt" "${1:-20}" "${2:-3}" "${3:-1000}"
