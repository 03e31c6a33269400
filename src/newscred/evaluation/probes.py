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


def leak_warnings(model_f1: float, probe_f1: dict[str, float], margin: float = LEAK_MARGIN) -> list[str]:
    """A warning for every probe within ``margin`` macro-F1 of the model (or above it)."""
    out = []
    for name, f1 in probe_f1.items():
        if f1 == f1 and f1 >= model_f1 - margin:
            # "within 5 points" would be false of a probe that beats the model by 13
            gap = (f1 - model_f1) * 100
            if gap > 0.05:
                relation = f"{gap:.1f} points above the model ({model_f1:.3f})"
            elif gap >= -0.05:
                relation = f"as high as the model ({model_f1:.3f})"
            else:
                relation = f"within {margin * 100:.0f} points of the model ({model_f1:.3f}: {-gap:.1f} below it)"
            out.append(
                f"LEAKY: the {name} probe ({DESCRIPTIONS[name]}) reaches macro-F1 {f1:.3f}, {relation}. This dataset "
                "can be scored without reading the article; do not read its number as credibility detection."
            )
    return out
