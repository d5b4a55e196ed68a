#!/usr/bin/env bash
# Side-by-side: tokenvault-detect and Microsoft Presidio's analyzer (pattern recognizers only,
# installed from PyPI into a venv) over the same labelled corpus and categories, on one core
# each. Prints throughput, F1 per category, and the ratio.
#
#   scripts/detect-corpus/compare-presidio.sh [repeat-rust] [repeat-presidio]
set -euo pipefail
cd "$(dirname "$0")/../.."
CORPUS=crates/tokenvault-detect/tests/corpus/labelled.jsonl
VENV=${PRESIDIO_VENV:-target/presidio-venv}
if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q presidio-analyzer phonenumbers
fi
cargo build -q --release -p tokenvault-detect --example corpus_eval
ours=$(taskset -c 0 target/release/examples/corpus_eval "$CORPUS" "${1:-50}")
theirs=$(taskset -c 0 "$VENV/bin/python" scripts/detect-corpus/presidio_eval.py "$CORPUS" "${2:-2}")
python3 - "$ours" "$theirs" <<'PY'
import json, sys
ours, theirs = json.loads(sys.argv[1]), json.loads(sys.argv[2])
def f1(c):
    p = c["tp"] / max(1, c["tp"] + c["fp"]); r = c["tp"] / max(1, c["tp"] + c["fn"])
    return 0.0 if p + r == 0 else 2 * p * r / (p + r)
def total(run):
    t = {"tp": 0, "fp": 0, "fn": 0}
    for c in run["per_category"].values():
        for k in t: t[k] += c[k]
    return t
cats = sorted(set(ours["per_category"]) | set(theirs["per_category"]))
print(f"{'category':<14} {'tokenvault F1':>14} {'Presidio F1':>12}")
z = {"tp": 0, "fp": 0, "fn": 0}
for c in cats:
    print(f"{c:<14} {f1(ours['per_category'].get(c, z)):>14.3f} {f1(theirs['per_category'].get(c, z)):>12.3f}")
print(f"{'all':<14} {f1(total(ours)):>14.3f} {f1(total(theirs)):>12.3f}")
print(f"throughput: tokenvault {ours['mb_per_s']:.2f} MB/s, Presidio {theirs['mb_per_s']:.4f} MB/s, "
      f"ratio {ours['mb_per_s'] / theirs['mb_per_s']:.0f}x ({ours['sentences']} sentences, one core each)")
PY
