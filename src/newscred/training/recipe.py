"""The ``default`` training recipe: de-duplicate, evaluate leave-one-dataset-out, calibrate, fit.

One command rebuilds the bundled model::

    newscred train --recipe default -o src/newscred/models/default

Every number in the model card comes from this run: each article set is scored by a model that
never saw it (nor any other scrape of the same items, nor a near-duplicate of any of its texts),
and the probabilities are calibrated on the *other* datasets' held-out predictions.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np

from ..datasets.registry import data_root, load_dataset
from ..evaluation.protocol import calibration_weights, cross_validate, fit_model
from ..evaluation.splits import cross_dataset_folds
from ..model.content import ContentParams
from .adapt import Target
from .prepare import Doc, prepare

ARTICLE_SETS: tuple[str, ...] = (
    "buzzfeed_webis_2016",
    "fakenewsnet_v1",
    "fakenewsnet_crawl_krishg",
    "perez_rosas_fakenewsamt",
    "perez_rosas_celebrity",
    "recovery_covid19",
    "misinfotext_sfu",
)

Progress = Callable[[str, int, int], None]


@dataclass
class Corpus:
    docs: list[Doc]
    cluster: list[int]
    prep_stats: dict[str, dict[str, int]]
    dedup_stats: dict[str, dict[str, int]]
    digests: list[dict[str, Any]] = field(default_factory=list)


def dedupe_docs(docs: Sequence[Doc]) -> tuple[list[Doc], list[int], dict[str, dict[str, int]]]:
    """Remove duplicates before any split: (kept docs, their cluster ids, counts per dataset).

    Within a duplicate cluster the first member of each dataset is kept; a cluster whose members
    disagree on the label is dropped whole (there is no telling which label is right).  Kept
    documents keep their cluster id, so splits can still keep cross-dataset copies together.
    """
    from ..corpus.dedup import find_duplicates

    dedup = find_duplicates([d.words for d in docs])
    labels_by_cluster: dict[int, set[int]] = {}
    for d, c in zip(docs, dedup.cluster):
        labels_by_cluster.setdefault(c, set()).add(d.y)
    seen: set[tuple[int, str]] = set()
    kept_docs, kept_cluster = [], []
    stats: dict[str, dict[str, int]] = {}
    for d, c in zip(docs, dedup.cluster):
        s = stats.setdefault(d.dataset, {"removed_duplicates": 0, "removed_conflicting": 0, "kept": 0, "cross_dataset_duplicates": 0})
        if len(labels_by_cluster[c]) > 1:
            s["removed_conflicting"] += 1
            continue
        if (c, d.dataset) in seen:
            s["removed_duplicates"] += 1
            continue
        seen.add((c, d.dataset))
        s["kept"] += 1
        kept_docs.append(d)
        kept_cluster.append(c)
    datasets_by_cluster: dict[int, set[str]] = {}
    for d, c in zip(kept_docs, kept_cluster):
        datasets_by_cluster.setdefault(c, set()).add(d.dataset)
    for d, c in zip(kept_docs, kept_cluster):
        if len(datasets_by_cluster[c]) > 1:
            stats[d.dataset]["cross_dataset_duplicates"] += 1
    return kept_docs, kept_cluster, stats


def load_corpus(root: str | Path | None = None, datasets: Sequence[str] = ARTICLE_SETS,
                progress: Progress | None = None, min_words: int = 50) -> Corpus:
    """Load, prepare and de-duplicate the article sets."""
    root_path = data_root(root)
    docs: list[Doc] = []
    prep_stats: dict[str, dict[str, int]] = {}
    digests = []
    for i, name in enumerate(datasets):
        if progress:
            progress(f"reading {name}", i, len(datasets))
        records = list(load_dataset(name, root_path))
        d, s = prepare(records, min_words=min_words)
        docs.extend(d)
        prep_stats.update(s)
        path = root_path / name / "data.jsonl"
        digests.append({"name": name, "rows": len(records), "sha256": hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else None})

    if progress:
        progress("de-duplicating (exact + MinHash LSH)", 0, len(docs))
    kept_docs, kept_cluster, dedup_stats = dedupe_docs(docs)
    return Corpus(kept_docs, kept_cluster, prep_stats, dedup_stats, digests)


def evaluate_lodo(corpus: Corpus, params: ContentParams, progress: Progress | None = None,
                  probes: Sequence[str] = ("majority", "length", "source"),
                  fit: Callable[[Sequence[Doc], ContentParams], Any] | None = None,
                  adapt: Callable[[Any, Sequence[Doc], Sequence[Doc]], Any] | None = None,
                  ) -> tuple[dict[str, Any], np.ndarray, dict[str, tuple[np.ndarray, np.ndarray]]]:
    """Leave-one-dataset-out evaluation of ``params``: (result, raw logits, (y, p) per dataset).
    ``fit`` swaps the model for an experiment and ``adapt`` adapts each fold's model to its
    unlabelled held-out set (see :func:`~newscred.evaluation.protocol.cross_validate`)."""
    folds = cross_dataset_folds(corpus.docs, corpus.cluster)
    result, predictions, z = cross_validate(corpus.docs, folds, params, split="cross-dataset", probes=probes,
                                            progress=progress, fit=fit, adapt=adapt)
    result["protocol"] = (
        "leave-one-dataset-out: each dataset is scored by a model trained on the other article sets only; "
        "datasets sharing items (the BuzzFeed 2016 fact-check in buzzfeed_webis_2016, fakenewsnet_v1 and misinfotext_sfu) "
        "are held out together; exact and near duplicates (MinHash, 5-word shingles, Jaccard >= 0.8) of test texts are "
        "removed from training; Platt calibration (slope only) is fitted on the other folds' held-out logits (even prior)"
    )
    return result, z, predictions


def build_lexicon(docs: Sequence[Doc], min_docs: int = 3, max_size: int = 60000) -> list[str]:
    """Words seen in at least ``min_docs`` documents: "is this English news prose?" and truncation."""
    df: Counter[str] = Counter()
    for d in docs:
        df.update(set(d.words))
    return [w for w, c in df.most_common(max_size) if c >= min_docs]


def train_default(
    output: str | Path,
    *,
    root: str | Path | None = None,
    params: ContentParams | None = None,
    name: str = "newscred-content",
    version: str = "0.1.0",
    progress: Progress | None = None,
    adapt_to: Target | None = None,
) -> dict[str, Any]:
    """Run the whole recipe and write the artifact; returns the evaluation dict.

    With ``adapt_to`` (:func:`~newscred.training.adapt.load_target`) the model is adapted to that
    unlabelled corpus, and each leave-one-dataset-out fold's model to its own held-out set, so the
    card's numbers and the calibration describe the adapted recipe."""
    from ..model.artifact import save_artifact
    from ..model.card import render_card

    params = params or ContentParams()
    corpus = load_corpus(root, progress=progress, min_words=params.min_words)
    adapt = adapt_to.fold_adapter(params) if adapt_to is not None else None
    metrics, z, _ = evaluate_lodo(corpus, params, progress=progress, adapt=adapt)
    if progress:
        progress("fitting the final model on all article sets", 0, 1)
    model = fit_model(corpus.docs, params)
    if adapt_to is not None:
        model = adapt_to.adapt(model, corpus.docs, params, progress)
        metrics["adaptation"] = adapt_to.summary()
    y = np.array([d.y for d in corpus.docs])
    model.fit_calibration(z, y, calibration_weights([d.dataset for d in corpus.docs], y))
    metrics["data"] = {"preparation": corpus.prep_stats, "deduplication": corpus.dedup_stats, "digests": corpus.digests}
    metrics["calibration"] = list(model.calibration_)
    metrics["terms"] = model.term_summary()
    metrics["top_terms"] = model.top_terms()
    card = render_card(name, version, metrics)
    save_artifact(
        model,
        output,
        name=name,
        version=version,
        lexicon=build_lexicon(corpus.docs),
        metrics=metrics,
        training_data=corpus.digests,
        card=card,
        training_texts=[d.words for d in corpus.docs],
    )
    return metrics
