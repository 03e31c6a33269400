"""The ``default`` training recipe: de-duplicate, evaluate leave-one-dataset-out, calibrate, fit.

One command rebuilds the bundled model::

    newscred train --recipe default -o src/newscred/models/default

Every number in the model card comes from this run: each article set is scored by a model that
never saw it (nor any other scrape of the same items, nor a near-duplicate of any of its texts),
and the probabilities are calibrated on the *other* datasets' held-out predictions.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np

from ..datasets.registry import data_root, load_dataset
from ..evaluation.metrics import binary_metrics
from ..model.content import ContentModel, ContentParams
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


def balanced_weights(docs: Sequence[Doc]) -> np.ndarray:
    """Every (dataset, class) cell gets the same total weight.

    Without this the biggest, most lopsided corpus (GossipCop: 9 fakes to 1 real) teaches the
    model that celebrity news is fake, and the "cross-dataset" score measures topic priors.
    """
    counts = Counter((d.dataset, d.y) for d in docs)
    w = np.array([1.0 / counts[(d.dataset, d.y)] for d in docs])
    return w * len(docs) / w.sum()


def load_corpus(root: str | Path | None = None, datasets: Sequence[str] = ARTICLE_SETS,
                progress: Progress | None = None, min_words: int = 50) -> Corpus:
    """Load, prepare and de-duplicate the article sets."""
    from ..corpus.dedup import find_duplicates

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
    dedup = find_duplicates([d.words for d in docs])
    # Within a cluster keep the first member per dataset; drop whole clusters whose labels conflict.
    labels_by_cluster: dict[int, set[int]] = {}
    for d, c in zip(docs, dedup.cluster):
        labels_by_cluster.setdefault(c, set()).add(d.y)
    seen: set[tuple[int, str]] = set()
    kept_docs, kept_cluster = [], []
    dedup_stats: dict[str, dict[str, int]] = {}
    for d, c in zip(docs, dedup.cluster):
        s = dedup_stats.setdefault(d.dataset, {"removed_duplicates": 0, "removed_conflicting": 0, "kept": 0, "cross_dataset_duplicates": 0})
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
            dedup_stats[d.dataset]["cross_dataset_duplicates"] += 1
    return Corpus(kept_docs, kept_cluster, prep_stats, dedup_stats, digests)


def lodo_split(corpus: Corpus, held_out: str) -> tuple[list[int], list[int]]:
    """Indices of train and test for one leave-one-dataset-out fold.

    Train excludes the held-out dataset, every dataset of its overlap family, and every document
    in a duplicate cluster that touches the held-out set.
    """
    docs = corpus.docs
    test = [i for i, d in enumerate(docs) if d.dataset == held_out]
    families = {docs[i].family for i in test}
    clusters = {corpus.cluster[i] for i in test}
    train = [
        i for i, d in enumerate(docs)
        if d.dataset != held_out and d.family not in families and corpus.cluster[i] not in clusters
    ]
    return train, test


def fit_model(docs: Sequence[Doc], params: ContentParams) -> ContentModel:
    weights = balanced_weights(docs) if params.balance else None
    return ContentModel(params=params).fit([d.words for d in docs], [d.y for d in docs], weights)


def _length_probe(train: Sequence[Doc], test: Sequence[Doc]) -> np.ndarray:
    from sklearn.linear_model import LogisticRegression

    x = np.log1p([[len(d.words)] for d in train])
    lr = LogisticRegression().fit(x, [d.y for d in train], sample_weight=balanced_weights(train))
    return lr.predict_proba(np.log1p([[len(d.words)] for d in test]))[:, 1]


def evaluate_lodo(corpus: Corpus, params: ContentParams, progress: Progress | None = None) -> dict[str, Any]:
    """Leave-one-dataset-out logits for every document, metrics per dataset, and probes."""
    docs = corpus.docs
    names = sorted({d.dataset for d in docs})
    z = np.full(len(docs), np.nan)
    length_p = np.full(len(docs), np.nan)
    folds = {}
    for k, name in enumerate(names):
        if progress:
            progress(f"leave-one-dataset-out: {name}", k, len(names))
        train, test = lodo_split(corpus, name)
        model = fit_model([docs[i] for i in train], params)
        z[test] = [model.decision(docs[i].words)[0] for i in test]
        length_p[test] = _length_probe([docs[i] for i in train], [docs[i] for i in test])
        folds[name] = {"train": len(train), "test": len(test)}
    y = np.array([d.y for d in docs])
    ds = np.array([d.dataset for d in docs])
    # Calibrate each held-out dataset with Platt scaling fitted on the *other* datasets' held-out
    # logits, so no dataset's own labels touch its reported probabilities.  Every (dataset, class)
    # cell weighs the same, so probabilities are calibrated for an even prior (see calibration_weights).
    p = np.full(len(docs), np.nan)
    w_all = calibration_weights(ds, y)
    for name in names:
        m = ds == name
        cal = ContentModel(params=params).fit_calibration(z[~m], y[~m], w_all[~m])
        p[m] = cal.calibrate(z[m])
    per_dataset = {}
    band = (params.uncertain_low, params.uncertain_high)
    for name in names:
        m = ds == name
        majority = int(Counter(y[~m]).most_common(1)[0][0])  # majority class of the training data
        per_dataset[name] = {
            **folds[name],
            "model": binary_metrics(y[m], p[m], band=band),
            "majority_probe": binary_metrics(y[m], np.full(m.sum(), float(majority))),
            "length_probe": binary_metrics(y[m], length_p[m]),
        }
    mean = {key: float(np.mean([per_dataset[n][key]["macro_f1"] for n in names])) for key in ("model", "majority_probe", "length_probe")}
    return {
        "protocol": "leave-one-dataset-out; overlap families held out together; near-duplicates of test items removed from train; Platt calibration fitted on the other datasets' held-out logits",
        "datasets": per_dataset,
        "mean_macro_f1": mean,
        "pooled": binary_metrics(y, p, band=band),
        "_z": z,
        "_p": p,
    }


def calibration_weights(ds: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Weights for Platt scaling: each (dataset, class) cell the same total weight.

    A probability is only calibrated relative to a base rate, and the base rate of unreliable
    articles differs wildly between corpora (19% in BuzzFeed-Webis, 84% in the FakeNewsNet crawl)
    and between users.  We calibrate for an even prior and let users state their own
    (``Analyzer.analyze(..., prior=0.1)`` shifts the logit by log(prior / (1 - prior))).
    """
    counts = Counter(zip(ds.tolist(), y.tolist()))
    w = np.array([1.0 / counts[(d, c)] for d, c in zip(ds.tolist(), y.tolist())])
    return w * len(ds) / w.sum()


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
) -> dict[str, Any]:
    """Run the whole recipe and write the artifact; returns the evaluation dict."""
    from ..model.artifact import save_artifact
    from ..model.card import render_card

    params = params or ContentParams()
    corpus = load_corpus(root, progress=progress, min_words=params.min_words)
    evaluation = evaluate_lodo(corpus, params, progress=progress)
    if progress:
        progress("fitting the final model on all article sets", 0, 1)
    model = fit_model(corpus.docs, params)
    y = np.array([d.y for d in corpus.docs])
    ds = np.array([d.dataset for d in corpus.docs])
    model.fit_calibration(evaluation["_z"], y, calibration_weights(ds, y))
    metrics = {k: v for k, v in evaluation.items() if not k.startswith("_")}
    metrics["params"] = params.to_dict()
    metrics["data"] = {"preparation": corpus.prep_stats, "deduplication": corpus.dedup_stats, "digests": corpus.digests}
    metrics["calibration"] = list(model.calibration_)
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
    )
    return metrics
