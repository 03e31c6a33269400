"""Honest splits.  Every split here keeps duplicate clusters whole: no text (or near copy of it)
is ever on both sides.

* ``random_folds``: stratified k-fold over duplicate clusters.
* ``group_folds``: k-fold where a group (publisher, domain, FakeNewsAMT pair, any user column)
  never straddles train and test.
* ``time_split``: train strictly before a date, test on or after it.
* ``cross_dataset_folds``: leave one dataset out (with its overlap family and every duplicate).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from ..errors import ConfigError, DataError
from ..training.prepare import Doc


@dataclass(frozen=True)
class Fold:
    """One train/test split: ``name`` labels the test side in reports.

    ``left_out`` counts the documents the split could not place on either side (the undated
    ones of a time split); documents purged from train as duplicates of the test side are not
    in it.  Every other split places every document, so it is 0 there.
    """

    name: str
    train: list[int]
    test: list[int]
    left_out: int = 0


def purge(train: Sequence[int], test: Sequence[int], clusters: Sequence[int]) -> list[int]:
    """Train indices minus any document sharing a duplicate cluster with the test side."""
    test_clusters = {clusters[i] for i in test}
    return [i for i in train if clusters[i] not in test_clusters]


def _merge(keys_a: Sequence[object], keys_b: Sequence[object]) -> list[int]:
    """Connected components over two keyings: docs sharing either key end up in one group."""
    parent = list(range(len(keys_a)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for keys in (keys_a, keys_b):
        first: dict[object, int] = {}
        for i, k in enumerate(keys):
            if k is None:
                continue
            j = first.setdefault(k, i)
            ri, rj = find(i), find(j)
            if ri != rj:
                parent[max(ri, rj)] = min(ri, rj)
    return [find(i) for i in range(len(keys_a))]


def _stratified_group_folds(y: np.ndarray, groups: Sequence[int], n_splits: int, seed: int, kind: str) -> list[Fold]:
    from sklearn.model_selection import StratifiedGroupKFold

    n_groups = len(set(groups))
    if n_groups < n_splits:
        raise DataError(
            f"a {kind} split into {n_splits} folds needs at least {n_splits} distinct groups; the data has {n_groups}. "
            "Use fewer folds (n_folds= / --folds) or another split."
        )
    counts = np.bincount(np.asarray(y, dtype=int), minlength=2)
    if counts.min() < n_splits:
        # sklearn would only warn, and some test folds would hold one class: nothing to measure there
        rare = "reliable" if counts[0] < counts[1] else "unreliable"
        raise DataError(
            f"a {kind} split into {n_splits} folds needs at least {n_splits} {rare} rows (one per test fold); the data "
            f"has {counts.min()}. Use fewer folds (n_folds= / --folds, at least 2) or add {rare} examples."
        )
    splitter = StratifiedGroupKFold(n_splits=n_splits, shuffle=True, random_state=seed)
    folds = []
    for k, (train, test) in enumerate(splitter.split(np.zeros(len(y)), y, groups)):
        folds.append(Fold(f"fold {k + 1}", train.tolist(), test.tolist()))
    return folds


def random_folds(docs: Sequence[Doc], clusters: Sequence[int], n_splits: int = 5, seed: int = 13) -> list[Fold]:
    """Stratified k-fold in which duplicate clusters stay whole."""
    y = np.array([d.y for d in docs])
    return _stratified_group_folds(y, list(clusters), n_splits, seed, "random")


def group_folds(docs: Sequence[Doc], clusters: Sequence[int], n_splits: int = 5, seed: int = 13) -> list[Fold]:
    """k-fold with groups (``Doc.group``) disjoint between train and test, duplicates kept whole.

    Documents without a group get their own; a duplicate cluster that spans two groups merges them.
    A group is its value alone, whichever file or dataset it comes from: "site A" in two files is
    one publisher, and splitting it would leak its style into the test side.
    """
    y = np.array([d.y for d in docs])
    keys = [d.group if d.group else None for d in docs]
    groups = _merge(keys, list(clusters))
    return _stratified_group_folds(y, groups, n_splits, seed, "group")


def time_split(docs: Sequence[Doc], clusters: Sequence[int], cutoff: str | None = None,
               date_order: str | None = None) -> list[Fold]:
    """Train on documents dated before ``cutoff`` (ISO date), test on those on or after it.

    Undated documents are left out of both sides and counted in the fold's ``left_out``.
    Without a cutoff, the date that puts 80% of the dated documents in train is used.
    ``cutoff`` is read like a date cell (``YYYY-MM-DD``, ``5/3/2020`` month first, ``22/5/2020``,
    ``22.5.2020``...); one that is not a date is refused rather than compared as a string.
    Fewer than 10 dated documents is a :class:`~newscred.errors.DataError` saying how many have
    no readable date.
    """
    from ..datasets.readers import DATE_FORMATS_HINT, iso_date

    if cutoff is not None:
        parsed = iso_date(cutoff, order=date_order)  # a slashed cutoff is read as the date column is
        if parsed is None:
            raise ConfigError(f"cutoff= / --cutoff must be a date such as 2020-06-01, got {cutoff!r}")
        cutoff = parsed
    dated = [i for i, d in enumerate(docs) if d.date]
    undated = len(docs) - len(dated)
    if len(dated) < 10:
        raise DataError(
            f"a time split needs at least 10 dated rows, but {undated} of {len(docs)} rows have no readable date. "
            f"Name the date column with date_col= / --date-col if you have not; accepted date formats: {DATE_FORMATS_HINT}."
        )
    if cutoff is None:
        dates = sorted(docs[i].date for i in dated)  # type: ignore[misc]
        cutoff = dates[int(0.8 * len(dates))]
    train = [i for i in dated if docs[i].date < cutoff]  # type: ignore[operator]
    test = [i for i in dated if docs[i].date >= cutoff]  # type: ignore[operator]
    if not train or not test:
        raise DataError(f"cutoff {cutoff} leaves an empty side (train {len(train)}, test {len(test)}); choose another cutoff= / --cutoff")
    return [Fold(f"on or after {cutoff}", purge(train, test, clusters), test, left_out=undated)]


def cross_dataset_folds(docs: Sequence[Doc], clusters: Sequence[int], held_out: Sequence[str] | None = None) -> list[Fold]:
    """Leave one dataset out: train excludes it, its overlap family and any duplicate of its texts."""
    names = sorted({d.dataset for d in docs}) if held_out is None else list(held_out)
    if len({d.dataset for d in docs}) < 2:
        raise DataError("a cross-dataset split needs at least two datasets: give several DATA files (each one is a "
                        "dataset) or choose the random, group or time split")
    folds = []
    for name in names:
        test = [i for i, d in enumerate(docs) if d.dataset == name]
        families = {docs[i].family for i in test}
        train = [i for i, d in enumerate(docs) if d.dataset != name and d.family not in families]
        folds.append(Fold(name, purge(train, test, clusters), test))
    return folds
