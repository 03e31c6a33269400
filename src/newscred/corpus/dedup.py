"""Exact and near-duplicate detection (MinHash LSH) over normalised word lists.

Duplicates are the quiet way an evaluation lies: the same story scraped twice lands in train and
test, and the model is graded on text it memorised.  ``find_duplicates`` groups documents into
clusters (exact duplicates after normalisation, and near duplicates whose 5-word shingle sets
have an estimated Jaccard similarity at or above ``threshold``); splits then keep clusters whole.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, Sequence

from ..errors import require

if TYPE_CHECKING:
    import numpy as np

SHINGLE = 5


@dataclass
class DedupResult:
    """``cluster[i]`` is the cluster id of document ``i`` (ids are indices of a member)."""

    cluster: list[int]
    exact_pairs: int = 0
    near_pairs: int = 0
    sizes: dict[int, int] = field(default_factory=dict)

    def is_duplicate(self, i: int) -> bool:
        return self.sizes.get(self.cluster[i], 1) > 1


class _UnionFind:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, x: int) -> int:
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: int, b: int) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return False
        if rb < ra:
            ra, rb = rb, ra
        self.parent[rb] = ra
        return True


def _shingles(words: Sequence[str]) -> set[bytes]:
    if len(words) < SHINGLE:
        return {" ".join(words).encode()}
    return {" ".join(words[i : i + SHINGLE]).encode() for i in range(len(words) - SHINGLE + 1)}


def text_fingerprints(docs: Sequence[Sequence[str]]) -> "np.ndarray":
    """One 64-bit fingerprint per normalised word list: equal texts, equal fingerprints.

    What an artifact keeps of its training texts (``training_texts.npz``) so that an evaluation
    can tell when it is being tested on them, whatever file format or line endings they come in.
    """
    import numpy as np

    return np.array([int.from_bytes(hashlib.blake2b(" ".join(w).encode(), digest_size=8).digest(), "little")
                     for w in docs], dtype=np.uint64)


def find_duplicates(
    docs: Sequence[Sequence[str]],
    *,
    threshold: float = 0.8,
    num_perm: int = 64,
    near: bool = True,
    progress: Callable[[int], None] | None = None,
) -> DedupResult:
    """Cluster ``docs`` (normalised word lists) into exact and near-duplicate groups."""
    n = len(docs)
    uf = _UnionFind(n)
    exact_pairs = near_pairs = 0
    first_by_hash: dict[bytes, int] = {}
    for i, words in enumerate(docs):
        key = hashlib.blake2b(" ".join(words).encode(), digest_size=16).digest()
        j = first_by_hash.setdefault(key, i)
        if j != i and uf.union(i, j):
            exact_pairs += 1
    if near and n:
        datasketch = require("datasketch", "train")
        lsh = datasketch.MinHashLSH(threshold=threshold, num_perm=num_perm)
        reps = [i for i in range(n) if uf.find(i) == i]
        for i in reps:
            m = datasketch.MinHash(num_perm=num_perm)
            m.update_batch(list(_shingles(docs[i])))
            for j in lsh.query(m):
                if uf.union(i, j):
                    near_pairs += 1
            lsh.insert(i, m)
            if progress is not None:
                progress(1)
    cluster = [uf.find(i) for i in range(n)]
    sizes: dict[int, int] = {}
    for c in cluster:
        sizes[c] = sizes.get(c, 0) + 1
    return DedupResult(cluster, exact_pairs, near_pairs, sizes)
