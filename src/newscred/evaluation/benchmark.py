"""``newscred benchmark``: every published number of ours, regenerated from ../shared/data.

1. Leave-one-dataset-out on the seven article sets for the default configuration and baselines,
   each beside the majority, length and source/boilerplate probes.
2. The cross-dataset matrix (train on one set, test on another).
3. Our recipe on the settings of published results (official splits where they exist), with the
   published number, its source, and how our setting differs.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np

from ..model.content import ContentParams
from ..training.prepare import Doc, prepare
from .protocol import Progress, cross_dataset_matrix, cross_validate
from .splits import Fold, group_folds, purge, random_folds

BASELINES: dict[str, ContentParams] = {
    "previous default (dataset cells)": ContentParams(balance_subsets=False),
    "plain TF-IDF + LR": ContentParams(fw_top_k=0, style_scale=0.0, balance=False, consistent_terms=False),
    "style signals only": ContentParams(use_words=False, fw_top_k=0, consistent_terms=False),
}


def _official(docs: Sequence[Doc], clusters: Sequence[int], test_subsets: set[str]) -> list[Fold]:
    test = [i for i, d in enumerate(docs) if d.subset in test_subsets]
    train = [i for i, d in enumerate(docs) if d.subset not in test_subsets]
    return [Fold("official test", purge(train, test, clusters), test)]


def _docs(name: str, root: Any, min_words: int, keep: Callable[[Doc], bool] = lambda d: True) -> tuple[list[Doc], list[int]]:
    from ..datasets.registry import load_dataset
    from ..training.recipe import dedupe_docs

    docs, _ = prepare(load_dataset(name, root), min_words=min_words)
    docs = [d for d in docs if keep(d)]
    kept, clusters, _ = dedupe_docs(docs)
    return kept, clusters


def published_comparisons(root: Any = None, progress: Progress | None = None) -> list[dict[str, Any]]:
    """Our recipe in (or as near as we can get to) the settings of published results."""
    from sklearn.metrics import accuracy_score, f1_score

    rows: list[dict[str, Any]] = []
    article = ContentParams()
    claim = ContentParams(min_words=1, min_df=3)

    def run(name: str, docs: list[Doc], clusters: list[int], folds: list[Fold], params: ContentParams) -> tuple[np.ndarray, np.ndarray]:
        result, preds, _ = cross_validate(docs, folds, params, split=name, probes=(), group_results_by="dataset"
                                          if len(folds) > 1 else "fold", ci=False, progress=progress)
        y, p = next(iter(preds.values())) if len(preds) == 1 else preds.get("(all)", next(iter(preds.values())))
        return y, p

    # FakeNewsAMT and Celebrity: Pérez-Rosas et al. 2018 report accuracy with 5-fold cross-validation.
    for name, published, label in (("perez_rosas_fakenewsamt", "0.74", "FakeNewsAMT"), ("perez_rosas_celebrity", "0.76", "Celebrity")):
        docs, clusters = _docs(name, root, 20)
        y, p = run(name, docs, clusters, group_folds(docs, clusters, 5), article)
        rows.append({"dataset": label, "setting": "5-fold CV, accuracy", "system": "linear SVM on linguistic features (Pérez-Rosas et al. 2018)",
                     "score": published, "source": "Pérez-Rosas et al., COLING 2018 (field-notes B)",
                     "ours": f"{accuracy_score(y, p >= 0.5):.3f}",
                     "note": "ours keeps each legit/fake pair on one side of the split (theirs did not say), which removes topic overlap"})
    # BuzzFeed-Webis: Potthast et al. 2018, style-based fake-vs-real F1 0.46 (fake class).
    docs, clusters = _docs("buzzfeed_webis_2016", root, 50)
    y, p = run("buzzfeed", docs, clusters, group_folds(docs, clusters, 5), article)
    rows.append({"dataset": "BuzzFeed-Webis 2016", "setting": "fake vs real, F1 of the fake class", "system": "style-based unmasking (Potthast et al. 2018)",
                 "score": "0.46", "source": "Potthast et al., ACL 2018 (field-notes C)",
                 "ours": f"{f1_score(y, p >= 0.5):.3f}",
                 "note": "ours: 5-fold with Facebook pages disjoint; 'mixture' counted as unreliable, 'no factual content' dropped"})
    # dEFEND: accuracy on FakeNewsNet PolitiFact / GossipCop with news content + user comments.
    for subset, published in (("politifact", "0.904"), ("gossipcop", "0.808")):
        docs, clusters = _docs("fakenewsnet_crawl_krishg", root, 50, lambda d, s=subset: d.subset == s)
        y, p = run(subset, docs, clusters, random_folds(docs, clusters, 5), article)
        rows.append({"dataset": f"FakeNewsNet {subset}", "setting": "accuracy, random split", "system": "dEFEND (content + user comments)",
                     "score": published, "source": "Shu et al., KDD 2019 (field-notes B)",
                     "ours": f"{accuracy_score(y, p >= 0.5):.3f}",
                     "note": "ours: text only, no comments; partial 2019 crawl (GossipCop 9:1 fake-heavy here, unlike the full set)"})
    # Constraint COVID-19: official test split, weighted F1.
    docs, clusters = _docs("constraint_covid19", root, 1)
    folds = _official(docs, clusters, {"test"})
    y, p = run("constraint", docs, clusters, folds, claim)
    ours = f"{100 * f1_score(y, p >= 0.5, average='weighted'):.2f}"
    rows.append({"dataset": "Constraint COVID-19", "setting": "official test split, weighted F1", "system": "TF-IDF + SVM baseline / winner (CT-BERT ensemble)",
                 "score": "93.32 / 98.69", "source": "Patwa et al. 2021; Glazkova et al. 2021 (field-notes B)", "ours": ours,
                 "note": "ours: the article recipe (words + function-word patterns + style) trained on train+val; artefacts like URLs are stripped"})
    # LIAR binary: official test split.
    docs, clusters = _docs("liar", root, 1)
    y, p = run("liar", docs, clusters, _official(docs, clusters, {"test"}), claim)
    rows.append({"dataset": "LIAR (binary)", "setting": "official test split, accuracy (pants-fire/false/barely-true vs rest)",
                 "system": "BERT-base (Sentimental LIAR)", "score": "~0.70", "source": "field-notes B (emergentmind summary)",
                 "ours": f"{accuracy_score(y, p >= 0.5):.3f}",
                 "note": "ours: the binary article recipe on the statement text only, trained on train+valid; no speaker metadata"})
    rows.append(liar_six_way(root))
    return rows


def liar_six_way(root: Any = None) -> dict[str, Any]:
    """LIAR 6-way on the official split with a multinomial TF-IDF + logistic regression over the
    statement text alone (our claim-level baseline; the article model is binary)."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import accuracy_score

    from ..datasets.registry import load_dataset
    from ..training.prepare import model_words

    records = [r for r in load_dataset("liar", root) if r.original_label]
    train = [r for r in records if r.subset in ("train", "valid")]
    test = [r for r in records if r.subset == "test"]
    vec = TfidfVectorizer(analyzer=lambda text: model_words(text), sublinear_tf=True, min_df=2, ngram_range=(1, 1))
    X = vec.fit_transform([r.text for r in train])
    clf = LogisticRegression(C=0.5, max_iter=3000).fit(X, [r.original_label for r in train])
    pred = clf.predict(vec.transform([r.text for r in test]))
    acc = accuracy_score([r.original_label for r in test], pred)
    return {"dataset": "LIAR (6-way)", "setting": "official test split, accuracy, statement text only",
            "system": "CNN, text only (Wang 2017)", "score": "0.270", "source": "Wang 2017 (field-notes B)",
            "ours": f"{acc:.3f}", "note": "ours: multinomial TF-IDF + logistic regression on the statement, trained on train+valid; no speaker metadata"}


def run_benchmark(report_dir: str | Path | None = None, root: Any = None, progress: Progress | None = None,
                  baselines: dict[str, ContentParams] | None = None) -> dict[str, Any]:
    """Run everything; write the report (JSON, Markdown, HTML, plots) when ``report_dir`` is given."""
    from ..training.recipe import evaluate_lodo, load_corpus
    from .render import check_report_output

    if report_dir is not None:
        check_report_output(report_dir)  # before the long run, not after it
    started = time.perf_counter()
    corpus = load_corpus(root, progress=progress)
    result, _, predictions = evaluate_lodo(corpus, ContentParams(), progress=progress)
    result["title"] = "newscred benchmark: leave-one-dataset-out on the shared article sets"
    result["baselines"] = {}
    for name, params in (baselines if baselines is not None else BASELINES).items():
        base, _, _ = evaluate_lodo(corpus, params, progress=progress, probes=())
        result["baselines"][name] = {k: {"macro_f1": v["model"]["macro_f1"], "roc_auc": v["model"]["roc_auc"]}
                                     for k, v in base["results"].items()}
        result["baselines"][name]["(mean)"] = {"macro_f1": base["mean"]["model"]}
    result["matrix"] = cross_dataset_matrix(corpus.docs, corpus.cluster, ContentParams(), progress=progress)
    result["published"] = published_comparisons(root, progress=progress)
    result["data"] = {"deduplication": corpus.dedup_stats, "preparation": corpus.prep_stats}
    result["seconds"] = time.perf_counter() - started
    if report_dir is not None:
        from .render import write_report

        write_report(result, predictions, report_dir, title=result["title"])
    return result
