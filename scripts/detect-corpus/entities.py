#!/usr/bin/env python3
"""The labelled corpus for people, addresses, organizations and locations, made with a tool
nobody here wrote: the sentence templates and fake identities that ship in the PyPI package
`presidio-evaluator` (MIT), seeded so the file is reproducible. Writes
`crates/tokenvault-detect/tests/corpus/entities.jsonl`.

    python3 -m venv target/entities-venv
    target/entities-venv/bin/pip install presidio-evaluator==0.3.2 spacy
    target/entities-venv/bin/python scripts/detect-corpus/entities.py [count] [seed]

Mapping of presidio-evaluator's labels: PERSON -> person; ORGANIZATION -> organization;
STREET_ADDRESS fragments (building number, street, unit, postcode) together with the GPE
fragments (city, state, country) written next to them, separated only by commas, spaces or
line breaks, -> one `address` span, as tokenvault reports a street address; a GPE standing
alone -> `location`. Other labels (phone, card, ...) are scored by the pattern corpus instead
and left out here. The templates write line breaks as a literal backslash-n; they are turned
into real ones.
"""

import json
import re
import sys
from pathlib import Path

from presidio_evaluator.data_generator.presidio_sentence_faker import PresidioSentenceFaker

OUT = Path(__file__).resolve().parents[2] / "crates/tokenvault-detect/tests/corpus/entities.jsonl"
GAP = re.compile(r"^[\s,]*$")


def unescape(text, spans):
    """Replaces literal backslash-n with a newline, moving offsets."""
    out, moved, i = [], [], 0
    shift = [0] * (len(text) + 1)
    removed = 0
    while i < len(text):
        shift[i] = removed
        if text.startswith("\\n", i):
            out.append("\n")
            shift[i + 1] = removed + 1
            removed += 1
            i += 2
            continue
        out.append(text[i])
        i += 1
    shift[len(text)] = removed
    for t, s, e in spans:
        moved.append((t, s - shift[s], e - shift[e]))
    return "".join(out), moved


def merge_addresses(text, spans):
    spans = sorted(spans, key=lambda x: x[1])
    groups = []
    for t, s, e in spans:
        place = t in ("STREET_ADDRESS", "GPE")
        if groups and place and groups[-1]["place"] and GAP.match(text[groups[-1]["end"]:s]):
            g = groups[-1]
            g["end"] = max(g["end"], e)
            g["types"].add(t)
            continue
        groups.append({"type": t, "start": s, "end": e, "types": {t}, "place": place})
    out = []
    for g in groups:
        if "STREET_ADDRESS" in g["types"]:
            out.append(("address", g["start"], g["end"]))
        elif g["types"] == {"GPE"}:
            out.append(("location", g["start"], g["end"]))
        elif g["type"] == "PERSON":
            out.append(("person", g["start"], g["end"]))
        elif g["type"] == "ORGANIZATION":
            out.append(("organization", g["start"], g["end"]))
    return out


def main():
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1500
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else 42
    faker = PresidioSentenceFaker("en_US", lower_case_ratio=0.0, random_seed=seed)
    samples = faker.generate_new_fake_sentences(num_samples=count)
    with OUT.open("w", encoding="utf-8") as f:
        for sample in samples:
            raw = [(sp.entity_type, sp.start_position, sp.end_position) for sp in sample.spans]
            text, spans = unescape(sample.full_text, raw)
            labelled = merge_addresses(text, spans)
            # Offsets in characters, as the API reports them.
            f.write(json.dumps({
                "text": text,
                "spans": [{"category": c, "start": s, "end": e} for c, s, e in labelled],
            }, ensure_ascii=False) + "\n")
    print(f"wrote {count} sentences to {OUT}")


if __name__ == "__main__":
    main()
