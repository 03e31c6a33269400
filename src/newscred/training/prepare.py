"""From dataset records to model-ready documents, the same way for training and inference."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Hashable, Iterable, Sequence

import numpy as np

from ..datasets.record import Record
from ..text.artefacts import find_artefacts, strip_artefacts
from ..text.normalise import tokenize

# Corpora that re-publish the same 2016 BuzzFeed fact-check under different scrapes: they must
# be held out together, or a "cross-dataset" score is really an in-domain one.
_BUZZFEED_2016 = "buzzfeed-2016-factcheck"
# How much of each end of a text the source/boilerplate probe may see.
PROBE_EDGE_WORDS = 30


def overlap_family(record: Record) -> str:
    """Datasets (or subsets) that share items are one family for leave-one-out purposes."""
    if record.dataset == "buzzfeed_webis_2016" or (record.subset or "").lower() == "buzzfeed":
        return _BUZZFEED_2016
    return record.dataset


#: ``Doc.y`` of a document whose label must not be read: the unlabelled corpus a model is
#: adapted to (training.adapt), and a test fold's texts as adaptation sees them.
NO_LABEL = -1


@dataclass
class Doc:
    """A labelled document ready for the model: normalised, artefact-stripped words.

    ``probe_words`` is what the source/boilerplate probe sees: the first and last 30 words of the
    *unstripped* text, the kinds of artefacts found, and the domain.  If that alone predicts the
    label nearly as well as the model, the dataset leaks its labels through who published it.
    """

    id: str
    dataset: str
    family: str
    group: str
    y: int
    words: list[str]
    probe_words: list[str] = field(default_factory=list)
    date: str | None = None
    subset: str | None = None
    #: the sub-collection of a dataset made of several (FakeNewsNet: gossipcop / politifact);
    #: None where ``subset`` is an official split or a snapshot (see DatasetSpec.subset_is_collection)
    collection: str | None = None


def _cell_weights(cells: Sequence[Hashable]) -> np.ndarray:
    """Weights giving every distinct cell the same total weight (mean weight 1)."""
    counts = Counter(cells)
    w = np.array([1.0 / counts[c] for c in cells])
    return w * len(cells) / w.sum()


def weight_cell(doc: Doc, subsets: bool = False) -> tuple[str, str | None, int]:
    """The training-weight cell of ``doc``: (dataset, class), or with ``subsets`` (dataset,
    sub-collection, class); see :func:`balanced_weights`."""
    return (doc.dataset, doc.collection if subsets else None, doc.y)


def balanced_weights(docs: Sequence[Doc], subsets: bool = False) -> np.ndarray:
    """Every (dataset, class) cell gets the same total weight; with ``subsets``, every (dataset,
    sub-collection, class) cell (``Doc.collection``: never an official split).

    Without this the biggest, most lopsided corpus (GossipCop: 9 fakes to 1 real) teaches the
    model that celebrity news is fake, and a "cross-dataset" score measures topic priors.  A
    dataset made of collections with different class mixes (the FakeNewsNet crawl: GossipCop at
    9 to 1 and PolitiFact at 1 to 1) still teaches it inside one (dataset, class) cell, hence
    ``subsets``; documents without a sub-collection form one per dataset.
    """
    return _cell_weights([weight_cell(d, subsets) for d in docs])


def model_words(text: str) -> list[str]:
    """The exact word list the content model sees for ``text``."""
    tokens = tokenize(text)
    return [t.text for t in strip_artefacts(tokens, find_artefacts(tokens))]


def _probe_words(tokens: list, artefacts: list, domain: str | None) -> list[str]:
    head = [t.text for t in tokens[:PROBE_EDGE_WORDS]]
    tail = [t.text for t in tokens[-PROBE_EDGE_WORDS:]] if len(tokens) > PROBE_EDGE_WORDS else []
    marks = [f"artefact:{a.kind}" for a in artefacts] + [f"agency:{a.agency}" for a in artefacts if a.agency]
    return head + tail + marks + ([f"domain:{domain}"] if domain else [])


def _subset_is_collection(dataset: str) -> bool:
    from ..datasets.registry import DATASETS

    spec = DATASETS.get(dataset)
    return spec is not None and spec.subset_is_collection


def prepare(records: Iterable[Record], *, min_words: int = 50) -> tuple[list[Doc], dict[str, dict[str, int]]]:
    """Labelled records -> Docs; also counts per dataset of what was dropped and why
    (``unlabelled``, ``empty``: no text at all, ``too_short``: under ``min_words``)."""
    docs: list[Doc] = []
    stats: dict[str, dict[str, int]] = {}
    for rec in records:
        s = stats.setdefault(rec.dataset, {"rows": 0, "unlabelled": 0, "empty": 0, "too_short": 0, "kept": 0})
        s["rows"] += 1
        if rec.label not in ("reliable", "unreliable"):
            s["unlabelled"] += 1
            continue
        if not (rec.text or "").strip():
            # counted apart from short texts: a blank cell is usually a broken export, not a short item
            s["empty"] += 1
            continue
        tokens = tokenize(rec.text or "")
        artefacts = find_artefacts(tokens)
        words = [t.text for t in strip_artefacts(tokens, artefacts)]
        if len(words) < min_words:
            s["too_short"] += 1
            continue
        s["kept"] += 1
        docs.append(
            Doc(rec.id, rec.dataset, overlap_family(rec), rec.group or rec.domain or "", rec.y, words,
                _probe_words(tokens, artefacts, rec.domain), rec.date, rec.subset,
                rec.subset if _subset_is_collection(rec.dataset) else None)
        )
    return docs, stats
