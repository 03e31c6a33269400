"""Check-worthiness: which sentences of an article a fact-checker should look at first.

A fast linear model (TF-IDF word 1-2 grams + a few number/length features, logistic regression,
Platt-calibrated) trained on sentence-level check-worthiness data: ClaimBuster debate sentences,
CLEF CheckThat! 2019 Task 1 debate/speech lines and CLEF CheckThat! 2020 Task 1 COVID tweets.

Why these choices:

* Every sentence is folded to the project's canonical form (:func:`newscred.text.normalise.tokenize`)
  before any feature is computed, and no feature looks at case or punctuation, so a raw sentence
  and its scraped lower-case/punctuation-less copy get *the same* score.
* Numbers are the strongest single cue of a checkable claim ("fell to 3.5 percent"), but the
  particular number rarely generalises: every token holding a digit becomes one ``#num`` term
  (runs of them collapse: "3.5" -> "3 5" -> ``#num``), and number words ("million", "percent",
  "twice") are counted by a hand feature as well as being ordinary terms.
* The artifact is plain numbers and JSON (``arrays.npz`` + ``vocabulary.json`` + ``config.json``)
  written by :func:`newscred.model.artifact.write_bundle`, so it loads without pickle and every
  file is hash-verified.

Retrain the bundled model (deterministic; about a minute on one core)::

    python -m newscred.claims.checkworthy train -o src/newscred/models/checkworthy
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import sys
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property
from itertools import repeat
from pathlib import Path
from typing import Any, Iterable, Sequence

import numpy as np

from ..errors import DataError
from ..model.artifact import npz_bytes, read_npz, read_verified_artifact, write_bundle
from ..text.normalise import tokenize
from ._arrays import search_sorted

__all__ = [
    "CheckWorthinessModel",
    "LabelledSentence",
    "SOURCES",
    "TrainParams",
    "average_precision",
    "default_model_path",
    "load_split",
    "number_count",
    "sentence_terms",
    "train_model",
]

TASK = "checkworthiness"
MODEL_NAME = "checkworthy"
MODEL_VERSION = "1.0.0"
DATA_FOLDER = "checkworthiness_claimbuster_clef"
REQUIRED_FILES = ("config.json", "vocabulary.json", "arrays.npz")

#: stands for any token holding a digit; "#" never survives normalisation, so it cannot collide
NUM_TOKEN = "#num"
NUMBER_WORDS = frozenset(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred "
    "hundreds thousand thousands million millions billion billions trillion trillions percent "
    "percentage half third quarter dozen dozens twice double doubled triple tripled quadrupled "
    "first second third fourth fifth tenth".split()
)
HAND_FEATURES = ("has_number", "log_numbers", "log_length", "short")
_NUMBERISH = NUMBER_WORDS | {NUM_TOKEN}  # what number_count counts


def default_model_path() -> Path:
    """The bundled model directory (``src/newscred/models/checkworthy``)."""
    return Path(__file__).resolve().parents[1] / "models" / MODEL_NAME


# ----------------------------------------------------------------------------- features


def sentence_terms(text: str) -> list[str]:
    """Canonical tokens of ``text`` with digit-bearing runs collapsed to :data:`NUM_TOKEN`."""
    return token_terms(tokenize(text))


def token_terms(tokens: Iterable[Any]) -> list[str]:
    """:func:`sentence_terms` of already tokenised text (an article's tokens, sliced to one
    sentence: tokenising each sentence again cost a fifth of the claims section's time)."""
    out: list[str] = []
    for token in tokens:
        word = token.text
        if not word.isalpha():  # canonical tokens are [a-z0-9]+: not all letters = holds a digit
            if out and out[-1] == NUM_TOKEN:
                continue
            word = NUM_TOKEN
        out.append(word)
    return out


def number_count(terms: Sequence[str]) -> int:
    """Quantities in a sentence: digit runs plus number words ("million", "percent", "twice")."""
    return sum(1 for t in terms if t == NUM_TOKEN or t in NUMBER_WORDS)


def _ngrams(terms: Sequence[str]) -> list[str]:
    return list(terms) + [f"{a} {b}" for a, b in zip(terms, terms[1:])]


def _hand_features(terms: Sequence[str]) -> list[float]:
    """Scaled to roughly [0, 1.5] so one L2 penalty suits them and the unit-norm TF-IDF block."""
    n_numbers = number_count(terms)
    return [
        1.0 if n_numbers else 0.0,
        math.log1p(n_numbers),
        math.log1p(len(terms)) / 4.0,
        1.0 if len(terms) <= 4 else 0.0,
    ]


@dataclass
class _Featuriser:
    """Sentences -> sparse rows: sublinear TF-IDF of 1-2 grams (L2-normalised) + hand features."""

    vocabulary: dict[str, int]
    idf: np.ndarray

    @property
    def n_features(self) -> int:
        return len(self.vocabulary) + len(HAND_FEATURES)

    @classmethod
    def fit(cls, term_lists: Sequence[Sequence[str]], min_df: int = 2) -> "_Featuriser":
        df: Counter[str] = Counter()
        for terms in term_lists:
            df.update(set(_ngrams(terms)))
        kept = sorted(t for t, n in df.items() if n >= min_df)
        n_docs = len(term_lists)
        idf = np.array([math.log((1 + n_docs) / (1 + df[t])) + 1.0 for t in kept], dtype=np.float64)
        return cls({t: i for i, t in enumerate(kept)}, idf)

    def transform(self, term_lists: Sequence[Sequence[str]]) -> Any:
        """A scipy CSR matrix of the features (training and evaluation)."""
        from scipy import sparse

        data, indices, indptr = self._rows(term_lists)
        return sparse.csr_matrix((data, indices, indptr), shape=(len(term_lists), self.n_features))

    def dot(self, term_lists: Sequence[Sequence[str]], coef: np.ndarray) -> np.ndarray:
        """``transform(term_lists) @ coef`` without building the matrix, vectorised over all
        sentences of an article at once; scoring needs no scipy (importing it would add ~0.1 s
        to every cold 'newscred analyze')."""
        n = len(term_lists)
        n_vocab = len(self.vocabulary)
        lengths = [len(terms) for terms in term_lists]
        flat = [t for terms in term_lists for t in terms]
        # terms are words (no space): looked up among the vocabulary's words only, unless one is not
        words = self._word_columns if " " not in "".join(flat) else self.vocabulary
        unigrams = np.fromiter(map(words.get, flat, repeat(-1)), dtype=np.int64, count=len(flat))
        sentence = np.repeat(np.arange(n, dtype=np.int64), lengths)
        known = unigrams >= 0
        ids, of = unigrams[known], sentence[known]
        pairs = self._bigram_table
        if pairs is not None and len(flat) > 1:
            # A kept bigram's two words are kept unigrams (each occurs in every sentence the bigram
            # does, and one min_df cut kept both), so bigrams are looked up as pairs of unigram
            # columns, in one sorted-array search, instead of joining and hashing every word pair.
            keys, cols = pairs
            inside = (sentence[1:] == sentence[:-1]) & known[1:] & known[:-1]
            wanted = unigrams[:-1][inside] * n_vocab + unigrams[1:][inside]
            pos = np.minimum(search_sorted(keys, wanted), max(len(keys) - 1, 0))
            hit = keys[pos] == wanted if len(keys) else np.zeros(len(wanted), dtype=bool)
            ids = np.concatenate([ids, cols[pos[hit]]])
            of = np.concatenate([of, sentence[:-1][inside][hit]])
        elif len(flat) > 1:
            bigrams = [f"{a} {b}" for terms in term_lists for a, b in zip(terms, terms[1:])]
            found = np.fromiter(map(self.vocabulary.get, bigrams, repeat(-1)), dtype=np.int64, count=len(bigrams))
            bigram_of = np.repeat(np.arange(n, dtype=np.int64), [max(k - 1, 0) for k in lengths])
            ids = np.concatenate([ids, found[found >= 0]])
            of = np.concatenate([of, bigram_of[found >= 0]])
        # one key per (sentence, term): counting keys gives every term frequency in one call
        keys, counts = np.unique(of * n_vocab + ids, return_counts=True)
        of, cols = keys // n_vocab, keys % n_vocab
        weights = (1.0 + np.log(counts)) * self.idf[cols]
        norms = np.sqrt(np.bincount(of, weights=weights * weights, minlength=n))
        text_part = np.bincount(of, weights=weights * coef[cols] / norms[of], minlength=n) if len(keys) else np.zeros(n)
        # _hand_features of every sentence at once
        numbers = np.bincount(sentence, weights=np.fromiter(map(_NUMBERISH.__contains__, flat), dtype=bool, count=len(flat)),
                              minlength=n)
        length = np.array(lengths, dtype=np.float64)
        hand = np.column_stack([(numbers > 0).astype(np.float64), np.log1p(numbers), np.log1p(length) / 4.0,
                                (length <= 4).astype(np.float64)])
        return text_part + hand @ coef[n_vocab:]

    @cached_property
    def _word_columns(self) -> dict[str, int]:
        """The vocabulary without its bigrams (a term without a space has the same column in both),
        most frequent (lowest idf) first.  Looking up an article's ~700 words in all ~40,000 terms,
        sorted alphabetically, reads from all over them: most of the time of :meth:`dot` in a
        running analysis is memory reads.  A fifth of the entries, with the common words' (and
        their strings and numbers) side by side, read less (~0.1 ms an article)."""
        words = [term for term in self.vocabulary if " " not in term]
        columns = np.fromiter(map(self.vocabulary.__getitem__, words), dtype=np.int64, count=len(words))
        order = np.argsort(self.idf[columns], kind="stable")
        # new strings and numbers, made in that order, so they lie in that order in memory
        fresh = [words[i].encode("utf-8", "surrogatepass").decode("utf-8", "surrogatepass") for i in order.tolist()]
        return dict(zip(fresh, columns[order].tolist()))

    @cached_property
    def _bigram_table(self) -> tuple[np.ndarray, np.ndarray] | None:
        """(sorted keys ``first word's column * vocabulary size + second's``, bigram columns), or
        None when some bigram's words are not in the vocabulary (then bigrams are looked up as text)."""
        n_vocab, keys, cols = len(self.vocabulary), [], []
        for term, col in self.vocabulary.items():
            if " " in term:
                first, second = term.split(" ", 1)
                a, b = self.vocabulary.get(first), self.vocabulary.get(second)
                if a is None or b is None:
                    return None
                keys.append(a * n_vocab + b)
                cols.append(col)
        order = np.argsort(np.array(keys, dtype=np.int64), kind="stable")
        return np.array(keys, dtype=np.int64)[order], np.array(cols, dtype=np.int64)[order]

    def _rows(self, term_lists: Sequence[Sequence[str]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        n_vocab = len(self.vocabulary)
        indptr, indices, data = [0], [], []
        for terms in term_lists:
            counts = Counter(self.vocabulary[g] for g in _ngrams(terms) if g in self.vocabulary)
            if counts:
                cols = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
                tf = 1.0 + np.log(np.fromiter(counts.values(), dtype=np.float64, count=len(counts)))
                weights = tf * self.idf[cols]
                weights /= np.linalg.norm(weights)
                indices.extend(cols.tolist())
                data.extend(weights.tolist())
            hand = _hand_features(terms)
            indices.extend(range(n_vocab, n_vocab + len(hand)))
            data.extend(hand)
            indptr.append(len(indices))
        return np.asarray(data, dtype=np.float64), np.asarray(indices, dtype=np.int64), np.asarray(indptr, dtype=np.int64)


# ----------------------------------------------------------------------------- the model


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -35.0, 35.0)))


@dataclass
class CheckWorthinessModel:
    """Scores sentences in [0, 1]: higher = more worth fact-checking.

    The score is Platt-calibrated on out-of-fold ClaimBuster training predictions, so it reads as
    "the probability that a ClaimBuster annotator would call this a check-worthy factual claim".
    Use it to *rank* the sentences of an article; ``threshold`` is the cut that maximised
    out-of-fold F1 on ClaimBuster train, for when a yes/no is needed.
    """

    featuriser: _Featuriser
    coef: np.ndarray
    intercept: float
    platt_a: float
    platt_b: float
    threshold: float = 0.5
    manifest: dict[str, Any] = field(default_factory=dict)
    metrics: dict[str, Any] = field(default_factory=dict)

    # -- scoring -------------------------------------------------------------------------------
    def decision_function(self, sentences: Sequence[str]) -> np.ndarray:
        """Uncalibrated linear scores (the logistic regression's log-odds)."""
        return self.decision_from_terms([sentence_terms(s) for s in sentences])

    def decision_from_terms(self, terms: Sequence[Sequence[str]]) -> np.ndarray:
        """:meth:`decision_function` of sentences given as their :func:`sentence_terms`."""
        if len(terms) == 0:
            return np.zeros(0, dtype=np.float64)
        return self.featuriser.dot(terms, self.coef) + self.intercept

    def score_terms(self, terms: Sequence[Sequence[str]]) -> np.ndarray:
        """:meth:`score` of sentences given as their :func:`sentence_terms` (or :func:`token_terms`)."""
        return _sigmoid(self.platt_a * self.decision_from_terms(terms) + self.platt_b)

    def score(self, sentences: Sequence[str]) -> np.ndarray:
        """Check-worthiness of every sentence, in [0, 1], in input order (empty in -> empty out)."""
        if isinstance(sentences, str):
            raise TypeError("score() takes a sequence of sentences, not one string; wrap it in a list")
        return _sigmoid(self.platt_a * self.decision_function(sentences) + self.platt_b)

    def rank(self, sentences: Sequence[str]) -> list[int]:
        """Indices of ``sentences``, most check-worthy first (ties keep text order)."""
        scores = self.score(sentences)
        return sorted(range(len(sentences)), key=lambda i: (-scores[i], i))

    # -- persistence ---------------------------------------------------------------------------
    @classmethod
    def load(cls, path: str | Path | None = None) -> "CheckWorthinessModel":
        """Verify (sha256 of every file, task ``checkworthiness``) and load a model directory."""
        root = Path(path) if path is not None else default_model_path()
        # each file read once: what is parsed is exactly what was hashed
        manifest, files = read_verified_artifact(root, required=REQUIRED_FILES, task=TASK)
        config = json.loads(files["config.json"])
        vocabulary_terms = json.loads(files["vocabulary.json"])
        arrays = read_npz(files["arrays.npz"])
        idf = np.asarray(arrays["idf"], dtype=np.float64)
        coef = np.asarray(arrays["coef"], dtype=np.float64)
        if len(vocabulary_terms) != len(idf) or len(coef) != len(idf) + len(HAND_FEATURES):
            from ..errors import CorruptArtifactError

            raise CorruptArtifactError(f"{root}: vocabulary, idf and coefficients disagree in length", path=str(root))
        metrics = json.loads(files["metrics.json"]) if "metrics.json" in files else {}
        return cls(
            featuriser=_Featuriser({t: i for i, t in enumerate(vocabulary_terms)}, idf),
            coef=coef,
            intercept=float(config["intercept"]),
            platt_a=float(config["platt_a"]),
            platt_b=float(config["platt_b"]),
            threshold=float(config.get("threshold", 0.5)),
            manifest=manifest,
            metrics=metrics,
        )

    def save(self, path: str | Path, *, training_data: list[dict[str, Any]] | None = None,
             params: dict[str, Any] | None = None, card: str | None = None) -> Path:
        """Write the model with :func:`write_bundle` (float32 arrays, JSON vocabulary, no pickle)."""
        terms = sorted(self.featuriser.vocabulary, key=self.featuriser.vocabulary.__getitem__)
        config = {
            "intercept": self.intercept,
            "platt_a": self.platt_a,
            "platt_b": self.platt_b,
            "threshold": self.threshold,
            "hand_features": list(HAND_FEATURES),
            "num_token": NUM_TOKEN,
            "params": params or {},
        }
        files = {
            "config.json": json.dumps(config, indent=2, sort_keys=True).encode(),
            "vocabulary.json": json.dumps(terms, ensure_ascii=True).encode(),
            "arrays.npz": npz_bytes({"idf": self.featuriser.idf.astype(np.float32),
                                     "coef": self.coef.astype(np.float32)}),
            "metrics.json": json.dumps(self.metrics, indent=2, sort_keys=True).encode(),
        }
        if card is not None:
            files["README.md"] = card.encode()
        return write_bundle(path, files, name=MODEL_NAME, version=MODEL_VERSION, task=TASK,
                            training_data=training_data, extra={"output": "check-worthiness score in [0, 1]"})


# ----------------------------------------------------------------------------- data


@dataclass(frozen=True)
class LabelledSentence:
    """One labelled sentence/tweet. ``group`` is the ranking unit (debate file, topic) and the
    unit kept together in cross-validation."""

    id: str
    text: str
    label: int
    group: str
    source: str


#: training sources (never an evaluation split); ``clef2020_dev`` is omitted because every one of
#: its 150 tweets is also in ``clef2020_train`` (training_v2).
SOURCES = ("claimbuster", "clef2019", "clef2020")
SPLITS = ("claimbuster_train", "claimbuster_test", "clef2019_train", "clef2019_test", "clef2020_train",
          "clef2020_test")
EVAL_SPLITS = ("claimbuster_test", "clef2019_test", "clef2020_test")


def _data_dir(root: str | Path | None) -> Path:
    from ..datasets.registry import data_root

    folder = data_root(root) / DATA_FOLDER / "raw" / "data"
    if not folder.is_dir():
        from ..errors import DatasetNotFoundError

        raise DatasetNotFoundError(f"{folder} not found: the check-worthiness data is not in the data root",
                                   name=DATA_FOLDER)
    return folder


def load_split(name: str, root: str | Path | None = None) -> list[LabelledSentence]:
    """One split of the shared check-worthiness data, as published (no filtering).

    ``claimbuster_{train,test}``: two_class/{train,test}.json (kfold_25ncs.json is never read:
    it contains 5,150 train and 533 test sentences); ``clef2019_{train,test}``: CT19-T1 lines,
    grouped by debate file; ``clef2020_{train,test}``: training_v2.tsv / test-gold.tsv tweets.
    """
    folder = _data_dir(root)
    if name.startswith("claimbuster_"):
        part = name.split("_", 1)[1]
        rows = json.loads((folder / "two_class" / f"{part}.json").read_text())
        return [LabelledSentence(f"cb{r['sentence_id']}", r["text"], int(r["label"]), "claimbuster", "claimbuster")
                for r in rows]
    if name.startswith("clef2019_"):
        fname = {"clef2019_train": "CT19-T1-Training.csv", "clef2019_test": "CT19-T1-Test.csv"}[name]
        with open(folder / "clef19" / fname, newline="", encoding="utf-8") as fh:
            return [LabelledSentence(f"{r['file_name']}:{r['line_number']}", r["text"], int(r["label"]),
                                     r["file_name"], "clef2019") for r in csv.DictReader(fh)]
    if name.startswith("clef2020_"):
        fname = {"clef2020_train": "training_v2.tsv", "clef2020_test": "test-gold.tsv"}[name]
        with open(folder / "clef20" / "task1" / fname, newline="", encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))
        label_col = "check_worthiness" if "check_worthiness" in rows[0] else "claim_worthiness"
        return [LabelledSentence(r["tweet_id"], r["tweet_text"], int(r[label_col]), r["topic_id"], "clef2020")
                for r in rows]
    raise DataError(f"unknown check-worthiness split {name!r}; known: {', '.join(SPLITS)}", name=name)


def _canonical(text: str) -> str:
    return " ".join(sentence_terms(text))


def training_sentences(sources: Iterable[str] = SOURCES, root: str | Path | None = None
                       ) -> tuple[list[LabelledSentence], dict[str, Any]]:
    """The training pool of ``sources`` with every text that occurs in *any* evaluation split
    removed (compared in canonical form) and exact (text, label) repeats dropped.

    The removal matters: 78 ClaimBuster test sentences are lines of the 2016 presidential
    debates in CLEF 2019 training, 3 ClaimBuster train sentences are in CLEF 2019 test, and 159
    lines ("(APPLAUSE)", "Thank you." and one real claim) are in both CLEF 2019 splits.
    """
    held_out = {_canonical(s.text) for split in EVAL_SPLITS for s in load_split(split, root)}
    pool: list[LabelledSentence] = []
    seen: set[tuple[str, int]] = set()
    report: dict[str, Any] = {}
    for source in sources:
        if source not in SOURCES:
            raise DataError(f"unknown training source {source!r}; known: {', '.join(SOURCES)}", name=source)
        rows = load_split(f"{source}_train", root)
        dropped_eval = dropped_dup = 0
        for row in rows:
            key = _canonical(row.text)
            if key in held_out:
                dropped_eval += 1
                continue
            if (key, row.label) in seen:
                dropped_dup += 1
                continue
            seen.add((key, row.label))
            pool.append(row)
        kept = [r for r in pool if r.source == source]
        report[source] = {"rows": len(rows), "dropped_in_eval_splits": dropped_eval, "dropped_duplicates": dropped_dup,
                          "kept": len(kept), "positives": sum(r.label for r in kept)}
    return pool, report


# ----------------------------------------------------------------------------- metrics


def average_precision(labels: Sequence[int], scores: Sequence[float]) -> float:
    """AP of one ranked list as CheckThat! computes it: mean of P@k over the ranks k of the
    positives, divided by all positives (ties broken by input order)."""
    order = sorted(range(len(scores)), key=lambda i: (-scores[i], i))
    hits, total = 0, 0.0
    for rank, i in enumerate(order, start=1):
        if labels[i]:
            hits += 1
            total += hits / rank
    positives = sum(1 for v in labels if v)
    return total / positives if positives else 0.0


def ranking_metrics(labels: Sequence[int], scores: Sequence[float], ks: Sequence[int] = (1, 3, 5, 10, 20, 30)
                    ) -> dict[str, float]:
    """AP, R-precision, reciprocal rank and P@k of one ranked list (CheckThat! definitions)."""
    order = sorted(range(len(scores)), key=lambda i: (-scores[i], i))
    ranked = [1 if labels[i] else 0 for i in order]
    positives = sum(ranked)
    first = next((k for k, v in enumerate(ranked, start=1) if v), None)
    out = {"ap": average_precision(labels, scores),
           "r_precision": sum(ranked[:positives]) / positives if positives else 0.0,
           "rr": 1.0 / first if first else 0.0}
    for k in ks:
        out[f"p@{k}"] = sum(ranked[:k]) / k
    return out


def grouped_ranking_metrics(rows: Sequence[LabelledSentence], scores: Sequence[float],
                            ks: Sequence[int] = (1, 3, 5, 10, 20, 30)) -> dict[str, float]:
    """Per group (debate file / topic) ranking metrics, averaged over groups (MAP, mean R-P...)."""
    by_group: dict[str, list[int]] = {}
    for i, row in enumerate(rows):
        by_group.setdefault(row.group, []).append(i)
    per_group = [ranking_metrics([rows[i].label for i in idx], [float(scores[i]) for i in idx], ks)
                 for _, idx in sorted(by_group.items())]
    out = {("map" if key == "ap" else key): float(np.mean([m[key] for m in per_group])) for key in per_group[0]}
    out["groups"] = len(per_group)
    return out


def classification_metrics(labels: Sequence[int], scores: Sequence[float], threshold: float) -> dict[str, float]:
    """F1 of the positive class, macro-F1 and accuracy at ``threshold``; ROC-AUC for context."""
    from sklearn.metrics import accuracy_score, f1_score, roc_auc_score

    y = np.asarray(labels)
    s = np.asarray(scores, dtype=np.float64)
    pred = (s >= threshold).astype(int)
    return {"f1_positive": float(f1_score(y, pred, pos_label=1, zero_division=0)),
            "macro_f1": float(f1_score(y, pred, average="macro", zero_division=0)),
            "accuracy": float(accuracy_score(y, pred)),
            "roc_auc": float(roc_auc_score(y, s)) if len(set(y.tolist())) == 2 else float("nan"),
            "threshold": float(threshold)}


def best_f1_threshold(labels: Sequence[int], scores: Sequence[float]) -> float:
    """The score cut that maximises F1 of the positive class (midpoint between distinct scores)."""
    from sklearn.metrics import precision_recall_curve

    precision, recall, thresholds = precision_recall_curve(np.asarray(labels), np.asarray(scores))
    f1 = 2 * precision[:-1] * recall[:-1] / np.maximum(precision[:-1] + recall[:-1], 1e-12)
    return float(thresholds[int(np.argmax(f1))])


# ----------------------------------------------------------------------------- training


@dataclass(frozen=True)
class TrainParams:
    """Hyper-parameters (chosen by the out-of-fold protocol in :func:`train_model`, never on a test split)."""

    sources: tuple[str, ...] = SOURCES
    C: float = 2.0
    min_df: int = 2
    #: "source_balanced": within each source both classes weigh half of that source's rows
    #: (sources keep their share); "none": one per row.  C=2 + source_balanced had the best
    #: out-of-fold ClaimBuster AUC / CLEF 2019 MAP / CLEF 2020 MAP trade-off among C in
    #: {0.5, 1, 2, 4} x {source_balanced, none} (training data only).
    weighting: str = "source_balanced"
    folds: int = 5

    def to_dict(self) -> dict[str, Any]:
        return {"sources": list(self.sources), "C": self.C, "min_df": self.min_df, "weighting": self.weighting,
                "folds": self.folds}


def _sample_weights(rows: Sequence[LabelledSentence], weighting: str) -> np.ndarray:
    """Per-row weights.  ``source_balanced``: within each source, both classes get half of that
    source's rows' weight (CLEF 2019's 2.7% positives would otherwise teach "never check-worthy");
    ``none``: 1 per row."""
    if weighting == "none":
        return np.ones(len(rows))
    if weighting != "source_balanced":
        raise ValueError(f"unknown weighting {weighting!r}")
    cells = Counter((r.source, r.label) for r in rows)
    per_source = Counter(r.source for r in rows)
    return np.array([per_source[r.source] / (2.0 * cells[(r.source, r.label)]) for r in rows])


def _fit_linear(terms: Sequence[Sequence[str]], labels: np.ndarray, weights: np.ndarray, params: TrainParams
                ) -> tuple[_Featuriser, np.ndarray, float]:
    from sklearn.linear_model import LogisticRegression

    featuriser = _Featuriser.fit(terms, min_df=params.min_df)
    X = featuriser.transform(terms)
    clf = LogisticRegression(C=params.C, solver="liblinear", max_iter=1000)
    clf.fit(X, labels, sample_weight=weights)
    return featuriser, clf.coef_[0].astype(np.float64), float(clf.intercept_[0])


def _fold_of(row: LabelledSentence, folds: int) -> int:
    """Deterministic fold: debate files / topics stay whole for CLEF 2019; ClaimBuster and the
    single-topic CLEF 2020 tweets are split by a stable hash of their id."""
    import zlib

    key = row.group if row.source == "clef2019" else row.id
    return zlib.crc32(key.encode()) % folds


def _platt(z: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    from sklearn.linear_model import LogisticRegression

    lr = LogisticRegression(C=1e6, solver="lbfgs", max_iter=1000).fit(z.reshape(-1, 1), y)
    return float(lr.coef_[0, 0]), float(lr.intercept_[0])


def train_model(params: TrainParams = TrainParams(), root: str | Path | None = None,
                progress: bool = False) -> CheckWorthinessModel:
    """Train on the training splits of ``params.sources`` only.

    Out-of-fold decision scores (``params.folds`` folds; CLEF 2019 debates kept whole) give the
    Platt calibration and the F1 threshold (both on ClaimBuster rows) and the cross-validated
    metrics stored in metrics.json; then the model is refitted on everything.
    """
    rows, data_report = training_sentences(params.sources, root)
    terms = [sentence_terms(r.text) for r in rows]
    y = np.array([r.label for r in rows])
    weights = _sample_weights(rows, params.weighting)
    folds = np.array([_fold_of(r, params.folds) for r in rows])
    oof = np.zeros(len(rows))
    for k in range(params.folds):
        train_idx, test_idx = np.flatnonzero(folds != k), np.flatnonzero(folds == k)
        featuriser, coef, intercept = _fit_linear([terms[i] for i in train_idx], y[train_idx], weights[train_idx], params)
        oof[test_idx] = featuriser.transform([terms[i] for i in test_idx]) @ coef + intercept
        if progress:
            print(f"  fold {k + 1}/{params.folds} done", file=sys.stderr, flush=True)
    is_cb = np.array([r.source == "claimbuster" for r in rows])
    platt_a, platt_b = _platt(oof[is_cb], y[is_cb])
    oof_p = _sigmoid(platt_a * oof + platt_b)
    threshold = best_f1_threshold(y[is_cb], oof_p[is_cb])
    cv: dict[str, Any] = {"claimbuster": classification_metrics(y[is_cb], oof_p[is_cb], threshold)}
    for source in params.sources:
        if source == "claimbuster":
            continue
        idx = [i for i, r in enumerate(rows) if r.source == source]
        cv[source] = grouped_ranking_metrics([rows[i] for i in idx], oof_p[idx])
    featuriser, coef, intercept = _fit_linear(terms, y, weights, params)
    model = CheckWorthinessModel(featuriser, coef, intercept, platt_a, platt_b, threshold)
    model.metrics = {"params": params.to_dict(), "training_data": data_report, "cross_validation": cv,
                     "vocabulary_size": len(featuriser.vocabulary), "rows": len(rows)}
    return model


def render_card(model: CheckWorthinessModel, evaluation: dict[str, Any] | None = None) -> str:
    """The model card (README.md), generated from metrics (never typed by hand)."""
    m = model.metrics
    lines = [
        f"# Model card: {MODEL_NAME} {MODEL_VERSION}",
        "",
        "Scores English sentences in [0, 1] for check-worthiness (does it state a factual claim worth",
        "fact-checking?). Linear model: TF-IDF word 1-2 grams of the canonical normalised text (digits",
        f"collapsed to `{NUM_TOKEN}`) + number/length features, logistic regression, Platt-calibrated on",
        "out-of-fold ClaimBuster predictions. Raw and lower-case/punctuation-less input score the same.",
        "",
        "Reproduce: `python -m newscred.claims.checkworthy train -o src/newscred/models/checkworthy`",
        "",
        "## Training data (training splits only; any text also in an evaluation split removed)",
        "",
        "| source | rows | removed: in eval splits | removed: repeats | kept | positives |",
        "|---|---|---|---|---|---|",
    ]
    for source, d in m.get("training_data", {}).items():
        lines.append(f"| {source} | {d['rows']} | {d['dropped_in_eval_splits']} | {d['dropped_duplicates']} | "
                     f"{d['kept']} | {d['positives']} |")
    lines += [
        "",
        "- claimbuster: `two_class/train.json` of utaresearch/claimbuster-spotter (commit 332bba08), GPL-3.0 repo",
        "  (no separate data licence); derived from the ClaimBuster dataset (Arslan et al., ICWSM 2020).",
        "- clef2019: CLEF CheckThat! 2019 Task 1 training lines (`CT19-T1-Training.csv`), released by the lab",
        "  organisers for research (Atanasova et al. 2019).",
        "- clef2020: CLEF CheckThat! 2020 Task 1 English training tweets (`training_v2.tsv`), research release",
        "  (Shaar et al. 2020).",
        "- Not used: `two_class/kfold_25ncs.json` (contains 533 test sentences), `dev_v2.tsv` (a subset of training_v2).",
        "",
        f"Hyper-parameters: `{json.dumps(m.get('params', {}))}`; vocabulary {m.get('vocabulary_size')} terms;"
        f" decision threshold {model.threshold:.3f} (max out-of-fold F1 on ClaimBuster train).",
        "",
        "## Cross-validated (out-of-fold, training data only)",
        "",
    ]
    cv = m.get("cross_validation", {})
    if "claimbuster" in cv:
        c = cv["claimbuster"]
        lines.append(f"- ClaimBuster train: F1(pos) {c['f1_positive']:.3f}, macro-F1 {c['macro_f1']:.3f}, "
                     f"accuracy {c['accuracy']:.3f}, ROC-AUC {c['roc_auc']:.3f}")
    for source in ("clef2019", "clef2020"):
        if source in cv:
            c = cv[source]
            lines.append(f"- {source} train ({c['groups']} groups): MAP {c['map']:.3f}, R-P {c['r_precision']:.3f}, "
                         f"P@5 {c['p@5']:.3f}, P@10 {c['p@10']:.3f}, P@30 {c['p@30']:.3f}")
    if evaluation:
        lines += ["", "## Held-out test splits", ""]
        cb, c19, c20 = evaluation.get("claimbuster_test"), evaluation.get("clef2019_test"), evaluation.get("clef2020_test")
        if cb:
            lines.append(f"- ClaimBuster two_class test (702, balanced): F1(pos) {cb['f1_positive']:.3f}, macro-F1 "
                         f"{cb['macro_f1']:.3f}, accuracy {cb['accuracy']:.3f}, ROC-AUC {cb['roc_auc']:.3f}")
        if c19:
            lines.append(f"- CLEF 2019 Task 1 test ({c19['groups']} files): MAP {c19['map']:.4f}, R-P {c19['r_precision']:.4f}, "
                         f"RR {c19['rr']:.4f}, P@5 {c19['p@5']:.4f}, P@10 {c19['p@10']:.4f}")
        if c20:
            lines.append(f"- CLEF 2020 Task 1 English test-gold (140 tweets): MAP {c20['map']:.4f}, P@10 {c20['p@10']:.4f}, "
                         f"P@30 {c20['p@30']:.4f}")
        lines.append("")
        lines.append("Published numbers and how this setting differs: docs/benchmarks.md / "
                     "benchmarks/results/claims_checkworthy.json (`python benchmarks/claims_bench.py checkworthy`).")
    lines += [
        "",
        "## Limits",
        "",
        "- Trained on US political debates and COVID tweets, not news prose: expect weaker ranking on articles.",
        "- No speaker, context or position features (the CLEF winners used context); one model for all three sets.",
        "- English only. The score ranks sentences; it says nothing about whether a claim is true.",
        "",
    ]
    return "\n".join(lines)


def evaluate_model(model: CheckWorthinessModel, root: str | Path | None = None) -> dict[str, Any]:
    """The model on the three held-out splits (the official metrics of each task)."""
    out: dict[str, Any] = {}
    cb = load_split("claimbuster_test", root)
    out["claimbuster_test"] = classification_metrics([r.label for r in cb], model.score([r.text for r in cb]),
                                                     model.threshold)
    for split in ("clef2019_test", "clef2020_test"):
        rows = load_split(split, root)
        out[split] = grouped_ranking_metrics(rows, model.score([r.text for r in rows]))
    return out


def _main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m newscred.claims.checkworthy", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    train = sub.add_parser("train", help="train the check-worthiness model and write it as an artifact")
    train.add_argument("-o", "--output", default=str(default_model_path()), help="model directory to write")
    train.add_argument("--data", default=None, help="data root (default: $NEWSCRED_DATA or ../shared/data)")
    train.add_argument("--sources", default=",".join(SOURCES), help="comma-separated training sources")
    train.add_argument("--C", type=float, default=TrainParams.C)
    score = sub.add_parser("score", help="score sentences, one per line of stdin")
    score.add_argument("-m", "--model", default=None)
    args = parser.parse_args(argv)
    if args.command == "train":
        params = TrainParams(sources=tuple(s for s in args.sources.split(",") if s), C=args.C)
        model = train_model(params, args.data, progress=True)
        evaluation = evaluate_model(model, args.data)
        model.metrics["held_out"] = evaluation
        training_data = [{"name": f"{DATA_FOLDER}/{s}_train", **model.metrics["training_data"][s]} for s in params.sources]
        path = model.save(args.output, training_data=training_data, params=params.to_dict(),
                          card=render_card(model, evaluation))
        print(f"wrote {path}")
        print(json.dumps({"cross_validation": model.metrics["cross_validation"], "held_out": evaluation}, indent=2))
        return 0
    model = CheckWorthinessModel.load(args.model)
    sentences = [line.rstrip("\n") for line in sys.stdin if line.strip()]
    for s, p in zip(sentences, model.score(sentences)):
        print(f"{p:.3f}\t{s}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(_main())
