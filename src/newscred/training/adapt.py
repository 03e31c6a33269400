"""Adapt the content model to an unlabelled corpus from sources it has never seen (self-training).

A model trained on some sources ranks a new source's articles worse than its own and shifts their
scores as a whole (docs/benchmarks.md, leave-one-dataset-out).  The new corpus's texts carry, even
without labels, part of what is missing: the words that its most clearly reliable and its most
clearly unreliable articles use.  Self-training reads them:

1. the model scores the target corpus;
2. the most confident ``share`` of it (half from each end, so the pseudo-labels are balanced like
   the calibrated even prior) is labelled by that score;
3. the model is refitted on its labelled training data plus these pseudo-labels, which together
   weigh ``weight`` training cells (see :func:`~newscred.training.prepare.balanced_weights`);
4. with ``rounds`` > 1, the refitted model relabels and the labelled data are refitted again
   (pseudo-labels are replaced, never accumulated).

No target label is read anywhere: the target's texts are all it needs.

The refit weighs every term, not only those that lean the same way in every labelled dataset
(the default's consistent-terms rule).  That rule keeps a term out when the labelled corpora
disagree on it or one of them lacks it; with pseudo-labels the target itself says which way such
a term leans in *its* texts, and that is where the gain comes from.  Keeping the rule (with or
without the pseudo-labelled set as one more group to agree with) gave back most of the gain in
the probe (``--consistency train`` / ``target``).

What it cannot do: the pseudo-labels are the model's own beliefs, and where those are wrong the
refit learns them harder.  Under the leave-one-dataset-out protocol it raised ROC-AUC on six
held-out sets of seven and lowered it on one (``python benchmarks/self_training_probe.py
--protocol``; numbers in docs/benchmarks.md).  The result is a model for *that* corpus, and its
card says so.
"""

from __future__ import annotations

import dataclasses
import hashlib
import random
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Sequence

import numpy as np

from ..datasets.record import Record
from ..errors import ConfigError, DataError
from ..model.content import ContentModel, ContentParams
from .prepare import NO_LABEL, Doc, balanced_weights, model_words, weight_cell

__all__ = ["AdaptParams", "MAX_TARGET_ARTICLES", "MIN_TARGET_ARTICLES", "Target", "adapt_model", "fold_adapter",
           "load_target", "pseudo_labels"]

#: Fewer usable target articles than this give too few pseudo-labels to learn a vocabulary from.
MIN_TARGET_ARTICLES = 100

#: A bigger target corpus is sampled down to this many texts (:func:`load_target`): about twice
#: the largest held-out set the adaptation was measured on (the FakeNewsNet crawl, 5,293).
MAX_TARGET_ARTICLES = 10_000


@dataclass(frozen=True)
class AdaptParams:
    """How a model is adapted (module docstring).  The defaults are the measured setting."""

    #: share of the target corpus that gets a pseudo-label, half from each end of the scores
    share: float = 0.5
    #: the pseudo-labels' total training weight, in (dataset[, sub-collection], class) cells
    weight: float = 4.0
    #: scoring and refitting rounds
    rounds: int = 1

    def __post_init__(self) -> None:
        if not 0.0 < self.share <= 1.0:
            raise ConfigError(f"adaptation share must be in (0, 1], got {self.share}")
        if self.weight <= 0:
            raise ConfigError(f"adaptation weight must be positive, got {self.weight}")
        if self.rounds < 1:
            raise ConfigError(f"adaptation rounds must be at least 1, got {self.rounds}")

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass
class Target:
    """The unlabelled corpus a model is adapted to: its usable articles and what was left out."""

    name: str
    docs: list[Doc]
    #: ``{"rows", "empty", "not_sampled", "too_short", "kept"}``
    stats: dict[str, int]
    params: AdaptParams = AdaptParams()

    def adapt(self, model: Any, train: Sequence[Doc], params: ContentParams,
              progress: Callable[[str, int, int], None] | None = None) -> ContentModel:
        """``model`` (fitted on ``train``) adapted to this corpus."""
        if progress:
            progress(f"adapting to {self.name} ({len(self.docs)} articles)", 0, 1)
        return adapt_model(model, train, self.docs, params, self.params)

    def fold_adapter(self, params: ContentParams) -> Callable[[Any, Sequence[Doc], Sequence[Doc]], ContentModel]:
        """:func:`fold_adapter` with this corpus's settings."""
        return fold_adapter(params, self.params)

    def summary(self) -> dict[str, Any]:
        """What the card and manifest say about the corpus (its words' digest identifies it)."""
        digest = hashlib.sha256()
        for d in self.docs:
            digest.update(" ".join(d.words).encode("utf-8"))
            digest.update(b"\n")
        return {"corpus": self.name, "rows": self.stats["rows"], "articles": len(self.docs),
                "left_out": {k: self.stats[k] for k in ("empty", "not_sampled", "too_short") if self.stats.get(k)},
                "pseudo_labelled": 2 * int(self.params.share * len(self.docs) / 2),
                "words_sha256": digest.hexdigest(), "params": self.params.to_dict()}


def fold_adapter(params: ContentParams, adapt: AdaptParams) -> Callable[[Any, Sequence[Doc], Sequence[Doc]], ContentModel]:
    """The ``adapt`` hook of :func:`~newscred.evaluation.protocol.cross_validate`: each fold's
    model adapted the same way to *its own* unlabelled test side, so held-out numbers and the
    calibration fitted on them describe an adapted model."""
    def adapt_fold(model: Any, train: Sequence[Doc], test: Sequence[Doc]) -> ContentModel:
        return adapt_model(model, train, test, params, adapt)
    return adapt_fold


def load_target(records: Iterable[Record], name: str, *, min_words: int, params: AdaptParams = AdaptParams(),
                max_articles: int = MAX_TARGET_ARTICLES, seed: int = 0,
                progress: Callable[[int], None] | None = None) -> Target:
    """The :class:`Target` of ``records`` (their labels, if any, are ignored): texts of at least
    ``min_words`` model words.  Refuses fewer than :data:`MIN_TARGET_ARTICLES`, saying how to fix it.

    ``records`` is read once, as a stream: a corpus of millions is never held.  Above
    ``max_articles`` texts a uniform random sample of them is kept (reservoir sampling, ``seed``):
    the pseudo-labels weigh a fixed total however many there are, so more articles would add
    time and memory, not weight.  ``progress(rows read)`` is called every 10,000 rows."""
    rng = random.Random(seed)
    sample: list[Record] = []
    stats = {"rows": 0, "empty": 0, "not_sampled": 0, "too_short": 0, "kept": 0}
    texts = 0
    for rec in records:
        stats["rows"] += 1
        if progress is not None and stats["rows"] % 10_000 == 0:
            progress(stats["rows"])
        if not (rec.text or "").strip():
            stats["empty"] += 1
            continue
        texts += 1
        if len(sample) < max_articles:
            sample.append(rec)
        else:
            slot = rng.randrange(texts)
            if slot < max_articles:
                sample[slot] = rec
    stats["not_sampled"] = texts - len(sample)
    docs: list[Doc] = []
    for rec in sample:
        words = model_words(rec.text)
        if len(words) < min_words:
            stats["too_short"] += 1
            continue
        stats["kept"] += 1
        docs.append(Doc(rec.id, "(target)", "(target)", rec.group or rec.domain or "", NO_LABEL, words))
    if len(docs) < MIN_TARGET_ARTICLES:
        raise DataError(f"{name}: {len(docs)} usable article(s) to adapt to (of {stats['rows']} rows; texts of at least "
                        f"{min_words} words count); adaptation needs at least {MIN_TARGET_ARTICLES}. Give the whole "
                        "corpus you will score, or train without adaptation")
    return Target(name, docs, stats, params)


def pseudo_labels(model: Any, target: Sequence[Doc], share: float) -> tuple[list[Doc], np.ndarray]:
    """The target's most confident ``share`` (half from each end of ``model.decision``) labelled
    by that score: (pseudo-labelled Docs, the model's logits on ``target``)."""
    z = np.array([model.decision(d.words)[0] for d in target])
    k = int(share * len(target) / 2)
    order = np.argsort(z, kind="stable")  # stable: the same corpus always gives the same labels
    low, high = order[:k], order[len(order) - k:]
    pseudo = [dataclasses.replace(target[i], y=0) for i in low] + [dataclasses.replace(target[i], y=1) for i in high]
    return pseudo, z


def adapt_model(model: Any, train: Sequence[Doc], target: Sequence[Doc], params: ContentParams,
                adapt: AdaptParams = AdaptParams(),
                refit: Callable[[Sequence[Doc], Sequence[Doc], np.ndarray], Any] | None = None) -> ContentModel:
    """``model`` (fitted on ``train``) refitted with pseudo-labels from ``target`` (module docstring).

    ``refit(train, pseudo, weights)`` replaces the refit for experiments
    (benchmarks/self_training_probe.py): ``weights`` covers ``train`` then ``pseudo``."""
    if any(d.y not in (0, 1) for d in train):
        raise DataError("adaptation needs labelled training documents")
    train_weights = balanced_weights(train, subsets=params.balance_subsets) if params.balance else np.ones(len(train))
    cells = len({weight_cell(d, params.balance_subsets) for d in train})
    for _ in range(adapt.rounds):
        pseudo, _ = pseudo_labels(model, target, adapt.share)
        if not pseudo:
            return model
        pseudo_weight = adapt.weight * train_weights.sum() / cells / len(pseudo)
        weights = np.concatenate([train_weights, np.full(len(pseudo), pseudo_weight)])
        if refit is not None:
            model = refit(train, pseudo, weights)
            continue
        docs = list(train) + pseudo
        # no groups: every term may carry a weight (module docstring)
        model = ContentModel(params=params).fit([d.words for d in docs], [d.y for d in docs], weights)
    return model
