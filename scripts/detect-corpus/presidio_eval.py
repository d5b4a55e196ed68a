#!/usr/bin/env python3
"""Microsoft Presidio's analyzer over the labelled corpus, pattern recognizers only (no NLP
model), the same categories as tokenvault-detect's global pack, each sentence on its own.
Prints one JSON object like `corpus_eval`: bytes, seconds, MB/s, tp/fp/fn per category.

    presidio_eval.py <corpus.jsonl> <repeat>
"""

import json
import sys
import time

from presidio_analyzer.predefined_recognizers import (
    CreditCardRecognizer, CryptoRecognizer, DateRecognizer, EmailRecognizer, IbanRecognizer,
    IpRecognizer, MacAddressRecognizer, PhoneRecognizer, UrlRecognizer)

ENTITY_TO_CATEGORY = {
    "EMAIL_ADDRESS": "email", "PHONE_NUMBER": "phone", "CREDIT_CARD": "creditCard", "IBAN_CODE": "iban",
    "IP_ADDRESS": "ipAddress", "URL": "url", "MAC_ADDRESS": "macAddress", "CRYPTO": "cryptoWallet", "DATE_TIME": "date",
}
CATEGORIES = set(ENTITY_TO_CATEGORY.values()) | {"tr_phone"}

RECOGNIZERS = [
    EmailRecognizer(), PhoneRecognizer(supported_regions=("US", "GB", "DE", "TR")), CreditCardRecognizer(), IbanRecognizer(),
    IpRecognizer(), UrlRecognizer(), MacAddressRecognizer(), CryptoRecognizer(), DateRecognizer(),
]


def analyze(text):
    results = []
    for r in RECOGNIZERS:
        results.extend(r.analyze(text, r.supported_entities, None) or [])
    # As the analyzer engine does: drop what a better-scored result overlaps.
    results.sort(key=lambda x: (-x.score, -(x.end - x.start)))
    kept = []
    for x in results:
        if x.score <= 0:
            continue
        if all(x.end <= k.start or k.end <= x.start for k in kept):
            kept.append(x)
    return kept


def main():
    path = sys.argv[1]
    repeat = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    corpus = [json.loads(line) for line in open(path, encoding="utf-8")]
    counts = {}
    for item in corpus:
        expected = [("phone" if s["category"] == "tr_phone" else s["category"], s["start"], s["end"])
                    for s in item["spans"] if s["category"] in CATEGORIES]
        for x in analyze(item["text"]):
            got = (ENTITY_TO_CATEGORY.get(x.entity_type, x.entity_type), x.start, x.end)
            c = counts.setdefault(got[0], {"tp": 0, "fp": 0, "fn": 0})
            if got in expected:
                expected.remove(got)
                c["tp"] += 1
            else:
                c["fp"] += 1
        for cat, _, _ in expected:
            counts.setdefault(cat, {"tp": 0, "fp": 0, "fn": 0})["fn"] += 1
    texts = [item["text"] for item in corpus]
    nbytes = sum(len(t.encode("utf-8")) for t in texts) * repeat
    started = time.perf_counter()
    found = 0
    for _ in range(repeat):
        for t in texts:
            found += len(analyze(t))
    seconds = time.perf_counter() - started
    print(json.dumps({"engine": "presidio-analyzer (pattern recognizers)", "sentences": len(texts), "bytes": nbytes,
                      "seconds": seconds, "mb_per_s": nbytes / seconds / 1e6, "findings": found, "per_category": counts}))


if __name__ == "__main__":
    main()
