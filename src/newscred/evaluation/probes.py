"""Probes: deliberately dumb models that reveal what a dataset leaks.

If a model that sees only the majority class, only the length, or only the first and last 30 words
plus bylines and domain comes within 5 points of the real model (or beats it), the dataset can be
solved without reading the article, and its score says little about credibility.
"""

from __future__ import annotations

from collections import Counter
from typing import Sequence

import numpy as np

from ..training.prepare import Doc, balanced_weights

LEAK_MARGIN = 0.05
#: a probe must reach this ROC-AUC to show a leak (a coin gets 0.5 whatever the class mix) ...
LEAK_FLOOR_AUC = 0.6
#: ... or, when its AUC is not known, this macro-F1
LEAK_FLOOR = 0.6
#: probes that read something besides the article's words; the majority probe reads nothing at all
LEAK_REVEALING = ("length", "source")
PROBES = ("majority", "length", "source")
DESCRIPTIONS = {
    "majority": "the training data's majority class for every article",
    "length": "the article's length alone",
    "source": "the first and last 30 words, bylines/credits and the domain alone",
}


def majority_probe(train: Sequence[Doc], test: Sequence[Doc]) -> np.ndarray:
    majority = Counter(d.y for d in train).most_common(1)[0][0]
    return np.full(len(test), float(majority))


def length_probe(train: Sequence[Doc], test: Sequence[Doc]) -> np.ndarray:
    from sklearn.linear_model import LogisticRegression

    x = np.log1p([[len(d.words)] for d in train])
    lr = LogisticRegression().fit(x, [d.y for d in train], sample_weight=balanced_weights(train))
    return lr.predict_proba(np.log1p([[len(d.words)] for d in test]))[:, 1]


def source_probe(train: Sequence[Doc], test: Sequence[Doc]) -> np.ndarray:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    vec = TfidfVectorizer(analyzer=lambda words: words, sublinear_tf=True, min_df=2)
    try:
        X = vec.fit_transform([d.probe_words for d in train])
    except ValueError:  # nothing seen twice: the probe knows nothing
        return np.full(len(test), 0.5)
    lr = LogisticRegression(C=1.0, max_iter=2000).fit(X, [d.y for d in train], sample_weight=balanced_weights(train))
    return lr.predict_proba(vec.transform([d.probe_words for d in test]))[:, 1]


PROBE_FUNCTIONS = {"majority": majority_probe, "length": length_probe, "source": source_probe}


def leak_warnings(model_f1: float, probe_f1: dict[str, float], margin: float = LEAK_MARGIN,
                  probe_auc: dict[str, float] | None = None) -> list[str]:
    """A warning for every probe within ``margin`` macro-F1 of the model (or above it).

    Only a probe that reads the text's surroundings (length, source) and is itself clearly
    better than chance shows a leak: ROC-AUC >= ``LEAK_FLOOR_AUC`` when ``probe_auc`` gives it
    (AUC does not move with the class mix, macro-F1 does), else macro-F1 >= ``LEAK_FLOOR``.  A
    near-chance probe level with a near-chance model says the *model* is weak, not that the data
    leaks: that case gets a ``WEAK`` warning, and only ``LEAKY`` warnings mark a dataset leaky.
    """
    out = []
    for name, f1 in probe_f1.items():
        if not (f1 == f1 and f1 >= model_f1 - margin):
            continue
        # "within 5 points" would be false of a probe that beats the model by 13
        gap = (f1 - model_f1) * 100
        if gap > 0.05:
            relation = f"{gap:.1f} points above the model ({model_f1:.3f})"
        elif gap >= -0.05:
            relation = f"as high as the model ({model_f1:.3f})"
        else:
            relation = f"within {margin * 100:.0f} points of the model ({model_f1:.3f}: {-gap:.1f} below it)"
        auc = (probe_auc or {}).get(name)
        above_chance = auc >= LEAK_FLOOR_AUC if auc is not None and auc == auc else f1 >= LEAK_FLOOR
        if name in LEAK_REVEALING and above_chance:
            out.append(
                f"LEAKY: the {name} probe ({DESCRIPTIONS[name]}) reaches macro-F1 {f1:.3f}, {relation}. This dataset "
                "can be scored without reading the article; do not read its number as credibility detection."
            )
        else:
            out.append(
                f"WEAK: the {name} probe ({DESCRIPTIONS[name]}) reaches macro-F1 {f1:.3f}, {relation}. The model does "
                "not beat a trivial baseline on this set: it has learned little that carries over to it."
            )
    return out


def is_leak(warning: str) -> bool:
    """Whether a warning from :func:`leak_warnings` marks the dataset as leaky."""
    return warning.startswith("LEAKY")
