"""Probe (not a shipped feature): does adapting to an unlabelled target corpus help on sources the
model has never seen?

For each leave-one-dataset-out fold: train the recipe (``--recipe``: the default, consistent terms
and sub-collection weight cells; ``dataset-cells`` or ``every-term``, the defaults before it) on the other datasets, score the
held-out set, take the most confident ``share`` of its articles at each end as pseudo-labels (no
target labels are used), retrain with them added (total pseudo weight ``weight`` x one training
(dataset, class) cell), and score the held-out set again.  Reported: ROC-AUC before and after
(threshold-free: the LODO gap is in the ranking, see docs/benchmarks.md), and how often the
pseudo-labels were right.

    python benchmarks/self_training_probe.py --share 0.5 --weight 4

``--protocol`` also runs the full leave-one-dataset-out protocol of docs/benchmarks.md (Platt
calibration on the other folds, macro-F1, ECE, confident errors) with every fold's model adapted
this way, so its numbers sit beside the shipped model's.

Writes ``benchmarks/results/self_training_probe.json``.  About 4 minutes on 2 cores (8 with
``--protocol``).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time
from pathlib import Path
from typing import Sequence

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT / "src") not in sys.path:
    sys.path.insert(0, str(ROOT / "src"))


def main(argv: Sequence[str] | None = None) -> int:
    from sklearn.metrics import roc_auc_score

    from newscred.evaluation.protocol import fit_model
    from newscred.evaluation.splits import cross_dataset_folds
    from newscred.model.content import ContentModel, ContentParams
    from newscred.training.prepare import balanced_weights, weight_cell
    from newscred.training.recipe import load_corpus

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--share", type=float, default=0.5, help="share of the target set pseudo-labelled (half each end)")
    parser.add_argument("--weight", type=float, default=4.0, help="pseudo-labels' total weight, in training cells")
    parser.add_argument("--protocol", action="store_true", help="also macro-F1/ECE under the full LODO protocol")
    parser.add_argument("--recipe", choices=("default", "dataset-cells", "every-term"), default="default",
                        help="the shipped recipe (consistent terms, sub-collection weight cells), the one before it "
                        "((dataset, class) cells) or the one before that (every term weighted)")
    args = parser.parse_args(argv)
    started = time.time()
    corpus = load_corpus()
    docs = corpus.docs
    # (earlier recipes' numbers stay reproducible with --recipe dataset-cells / every-term)
    params = ContentParams(consistent_terms=args.recipe != "every-term", balance_subsets=args.recipe == "default")
    rows = []
    def adapt(model: ContentModel, train: list, test: list) -> tuple[ContentModel, np.ndarray, np.ndarray, np.ndarray]:
        """(adapted model, the base model's logits on ``test``, pseudo-negative and -positive indices)."""
        z = np.array([model.decision(d.words)[0] for d in test])
        k = int(args.share * len(test) / 2)
        order = np.argsort(z, kind="stable")
        neg, pos = order[:k], order[len(order) - k:]
        pseudo = [dataclasses.replace(test[i], y=0) for i in neg] + [dataclasses.replace(test[i], y=1) for i in pos]
        train_weights = balanced_weights(train, subsets=params.balance_subsets)
        n_cells = len({weight_cell(d, params.balance_subsets) for d in train})
        pseudo_weight = args.weight * train_weights.sum() / n_cells / max(1, len(pseudo))
        weights = np.concatenate([train_weights, np.full(len(pseudo), pseudo_weight)])
        adapted = ContentModel(params=params).fit([d.words for d in train + pseudo], [d.y for d in train + pseudo], weights)
        return adapted, z, neg, pos

    folds = cross_dataset_folds(docs, corpus.cluster)
    for fold in folds:
        train = [docs[i] for i in fold.train]
        test = [docs[i] for i in fold.test]
        y = np.array([d.y for d in test])
        adapted, z, neg, pos = adapt(fit_model(train, params), train, test)
        z2 = np.array([adapted.decision(d.words)[0] for d in test])
        row = {"held_out": fold.name, "articles": len(test), "auc_before": float(roc_auc_score(y, z)),
               "auc_after": float(roc_auc_score(y, z2)),
               "pseudo_label_accuracy": float(np.mean(np.concatenate([y[neg] == 0, y[pos] == 1])))}
        rows.append(row)
        print(f"{fold.name}: AUC {row['auc_before']:.3f} -> {row['auc_after']:.3f} "
              f"(pseudo-labels right {row['pseudo_label_accuracy']:.0%})", flush=True)
    result = {"recipe": args.recipe, "share": args.share, "weight": args.weight, "folds": rows,
              "mean_auc_before": float(np.mean([r["auc_before"] for r in rows])),
              "mean_auc_after": float(np.mean([r["auc_after"] for r in rows])),
              "seconds": round(time.time() - started), "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}
    print(f"mean AUC {result['mean_auc_before']:.4f} -> {result['mean_auc_after']:.4f}")
    if args.protocol:
        from newscred.training.recipe import evaluate_lodo

        # cross_validate hands the fit function a fold's training docs only: find the fold by its size
        by_size = {len(f.train): [docs[i] for i in f.test] for f in folds}
        if len(by_size) != len(folds):
            raise SystemExit("folds of equal training size: cannot tell them apart")

        def adapted_fit(train: list, p: ContentParams) -> ContentModel:
            model = fit_model(train, p)
            test = by_size.get(len(train))
            return model if test is None else adapt(model, train, test)[0]

        lodo, _, _ = evaluate_lodo(corpus, params, probes=(), fit=adapted_fit)
        sets = {k: v["model"] for k, v in lodo["results"].items() if k != "(all)"}
        result["protocol"] = {"mean_macro_f1": lodo["mean"]["model"], "macro_f1": {k: m["macro_f1"] for k, m in sets.items()},
                              "ece_balanced": lodo["pooled"].get("ece_balanced"),
                              "confident_error_rate": lodo["pooled"].get("confident_error_rate")}
        print(f"full protocol: mean macro-F1 {lodo['mean']['model']:.4f}, pooled ECE (even prior) "
              f"{result['protocol']['ece_balanced']:.3f}, confident errors {result['protocol']['confident_error_rate']:.1%}")
    out = ROOT / "benchmarks" / "results" / "self_training_probe.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
