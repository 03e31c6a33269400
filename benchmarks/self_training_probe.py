"""Adapting to an unlabelled corpus (``newscred train --adapt-to``, newscred.training.adapt): how
much does it help on sources the model has never seen?

For each leave-one-dataset-out fold: train the recipe (``--recipe``: the default, consistent terms
and sub-collection weight cells; ``dataset-cells`` or ``every-term``, the defaults before it) on
the other datasets, score the held-out set, adapt the model to the held-out set's texts (its
most confident ``share`` becomes pseudo-labels, half from each end, weighing ``weight`` training
cells; ``rounds`` times; no held-out label is read) and score it again.  Reported: ROC-AUC before
and after (threshold-free: the LODO gap is in the ranking, see docs/benchmarks.md), and how often
the first round's pseudo-labels were right.

    python benchmarks/self_training_probe.py --protocol                  # the shipped setting
    python benchmarks/self_training_probe.py --protocol --rounds 3
    python benchmarks/self_training_probe.py --protocol --consistency train

``--protocol`` also runs the full leave-one-dataset-out protocol of docs/benchmarks.md (Platt
calibration on the other folds, macro-F1, ECE, confident errors) with every fold's model adapted
this way, as ``newscred train --recipe default --adapt-to`` measures the model it writes.

Writes one run per setting into ``benchmarks/results/self_training_probe.json`` (a rerun replaces
that setting's run).  About 4 minutes on 2 cores (8 with ``--protocol``; a round more adds half).
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


def run_name(args: argparse.Namespace) -> str:
    """The key of a setting's run: "shipped" for the setting `newscred train --adapt-to` uses."""
    from newscred.training.adapt import AdaptParams

    shipped = AdaptParams()
    if ((args.share, args.weight, args.rounds, args.consistency, args.recipe)
            == (shipped.share, shipped.weight, shipped.rounds, "off", "default")):
        return "shipped"
    return f"{args.recipe}, share {args.share:g}, weight {args.weight:g}, {args.rounds} round(s), consistency {args.consistency}"


def main(argv: Sequence[str] | None = None) -> int:
    from sklearn.metrics import roc_auc_score

    from newscred.evaluation.protocol import fit_model
    from newscred.evaluation.splits import cross_dataset_folds
    from newscred.model.content import ContentModel, ContentParams
    from newscred.training.adapt import AdaptParams, adapt_model, pseudo_labels
    from newscred.training.prepare import NO_LABEL
    from newscred.training.recipe import load_corpus

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--share", type=float, default=0.5, help="share of the target set pseudo-labelled (half each end)")
    parser.add_argument("--weight", type=float, default=4.0, help="pseudo-labels' total weight, in training cells")
    parser.add_argument("--rounds", type=int, default=1, help="adapt this many times, each from the last round's scores")
    parser.add_argument("--consistency", choices=("off", "train", "target"), default="off",
                        help="the consistent-terms rule when refitting: off (every term weighted: the shipped "
                        "adaptation), train (only terms consistent across the training datasets), target (also "
                        "with the pseudo-labelled set)")
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
    adapt_params = AdaptParams(share=args.share, weight=args.weight, rounds=args.rounds)

    def refit_keeping_consistency(train: list, pseudo: list, weights: np.ndarray) -> ContentModel:
        """The refit with the consistent-terms rule kept (``--consistency train|target``): a group
        holding one class says nothing about direction and is skipped by the rule."""
        pseudo_groups = (["(target)"] * len(pseudo) if args.consistency == "target"
                         else [f"(target {d.y})" for d in pseudo])
        docs_ = train + pseudo
        return ContentModel(params=params).fit([d.words for d in docs_], [d.y for d in docs_], weights,
                                               groups=[d.dataset for d in train] + pseudo_groups)

    def adapt(model: ContentModel, train: list, test: list) -> ContentModel:
        """``model`` adapted to ``test``'s texts (its labels are dropped first)."""
        unlabelled = [dataclasses.replace(d, y=NO_LABEL) for d in test]
        return adapt_model(model, train, unlabelled, params, adapt_params,
                           refit=None if args.consistency == "off" else refit_keeping_consistency)

    folds = cross_dataset_folds(docs, corpus.cluster)
    for fold in folds:
        train = [docs[i] for i in fold.train]
        test = [docs[i] for i in fold.test]
        y = np.array([d.y for d in test])
        base = fit_model(train, params)
        adapted = adapt(base, train, test)
        z = np.array([base.decision(d.words)[0] for d in test])
        z2 = np.array([adapted.decision(d.words)[0] for d in test])
        # how right the first round's pseudo-labels were (the only place test labels are read)
        pseudo, _ = pseudo_labels(base, test, args.share)
        by_id = {d.id: d.y for d in test}
        row = {"held_out": fold.name, "articles": len(test), "auc_before": float(roc_auc_score(y, z)),
               "auc_after": float(roc_auc_score(y, z2)),
               "pseudo_label_accuracy": float(np.mean([by_id[d.id] == d.y for d in pseudo]))}
        rows.append(row)
        print(f"{fold.name}: AUC {row['auc_before']:.3f} -> {row['auc_after']:.3f} "
              f"(pseudo-labels right {row['pseudo_label_accuracy']:.0%})", flush=True)
    result = {"recipe": args.recipe, "share": args.share, "weight": args.weight, "rounds": args.rounds, "consistency": args.consistency, "folds": rows,
              "mean_auc_before": float(np.mean([r["auc_before"] for r in rows])),
              "mean_auc_after": float(np.mean([r["auc_after"] for r in rows])),
              "seconds": round(time.time() - started), "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}
    print(f"mean AUC {result['mean_auc_before']:.4f} -> {result['mean_auc_after']:.4f}")
    if args.protocol:
        from newscred.training.recipe import evaluate_lodo

        lodo, _, _ = evaluate_lodo(corpus, params, probes=(), adapt=adapt)
        sets = {k: v["model"] for k, v in lodo["results"].items() if k != "(all)"}
        result["protocol"] = {"mean_macro_f1": lodo["mean"]["model"], "macro_f1": {k: m["macro_f1"] for k, m in sets.items()},
                              "ece_balanced": lodo["pooled"].get("ece_balanced"),
                              "confident_error_rate": lodo["pooled"].get("confident_error_rate")}
        print(f"full protocol: mean macro-F1 {lodo['mean']['model']:.4f}, pooled ECE (even prior) "
              f"{result['protocol']['ece_balanced']:.3f}, confident errors {result['protocol']['confident_error_rate']:.1%}")
    # one file, a run per setting: rerunning a setting replaces its run and keeps the others
    out = ROOT / "benchmarks" / "results" / "self_training_probe.json"
    saved = json.loads(out.read_text()) if out.exists() else {}
    runs = saved.get("runs", {})
    runs[run_name(args)] = result
    out.write_text(json.dumps({"runs": runs}, indent=2, sort_keys=True) + "\n")
    print(f"wrote {out} (run {run_name(args)!r})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
