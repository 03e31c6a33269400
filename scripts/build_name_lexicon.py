"""Build the list of words news writes capitalised mid-sentence (names of people, places, bodies).

    python scripts/build_name_lexicon.py     # writes src/newscred/provenance/data/capitalised_words.txt

Sourcing in normalised text (no capitals, no punctuation) counts a word as a name only with
evidence; one piece of evidence is that news writers capitalise the word wherever it stands:
"trump argued", "cuomo said", "facebook said".  The list holds every word of three or more letters
that raw news text writes at least 5 times in mid-sentence (not after a stop, colon, line break,
quotation mark or bracket), capitalised at least 95% of those times.

It is built from four shared article corpora that the provenance benchmark's sourcing set does not
use (misinfotext_sfu, fakenewsnet_v1, semeval2019_hyperpartisan_byarticle, perez_rosas_fakenewsamt),
so the benchmark measures it on articles it never saw.  Deterministic: the same data gives the
same file.
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from newscred.datasets.registry import load_dataset  # noqa: E402

DATASETS = ("misinfotext_sfu", "fakenewsnet_v1", "semeval2019_hyperpartisan_byarticle", "perez_rosas_fakenewsamt")
OUT = ROOT / "src" / "newscred" / "provenance" / "data" / "capitalised_words.txt"
MIN_COUNT, MIN_CAPITALISED = 5, 0.95
_WORD = re.compile(r"[A-Za-z]+")
# what may stand before a sentence's (or a heading's, a quotation's) first word: its capital says nothing
_OPENERS = frozenset(".!?\n:\"'\u201c\u2018(-\u2014|")


def count(texts: list[str]) -> tuple[Counter, Counter]:
    capital: Counter = Counter()
    lower: Counter = Counter()
    for text in texts:
        if text == text.lower():
            continue  # a lower-cased corpus says nothing about capitals
        for m in _WORD.finditer(text):
            if m.start() and text[m.start() - 1] in "'\u2019":
                continue  # the rest of a word: "don't", "O'Brien"
            i = m.start() - 1
            while i >= 0 and text[i] in " \t":
                i -= 1
            if i < 0 or text[i] in _OPENERS:
                continue  # a sentence's (or heading's, quotation's) first word: its capital says nothing
            word = m.group()
            (capital if word[0].isupper() else lower)[word.lower()] += 1
    return capital, lower


def main() -> int:
    texts = [r.text for name in DATASETS for r in load_dataset(name) if r.text]
    capital, lower = count(texts)
    words = sorted(w for w, n in capital.items()
                   if len(w) >= 3 and n >= MIN_COUNT and n / (n + lower[w]) >= MIN_CAPITALISED)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text("\n".join(words) + "\n")
    print(f"{len(words)} words from {len(texts)} articles of {', '.join(DATASETS)} -> {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
