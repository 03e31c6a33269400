"""Train and evaluate on your own labelled data (CSV, TSV, JSONL, Parquet, or a shared dataset).

    newscred train DATA --text-col body --label-col verdict --group-col site -o models/mine
    newscred evaluate models/mine DATA --split group --report out/

Data problems stop the run with an error naming the row or column: a missing column, an unknown
label word, an empty text, a single class.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

import numpy as np

from ..datasets.record import Record
from ..errors import ConfigError, DataError, EmptyInputError, InputError
from ..evaluation.protocol import Progress, calibration_weights, cross_validate, fit_model
from ..evaluation.splits import Fold, cross_dataset_folds, group_folds, random_folds, time_split
from ..model.content import ContentParams
from .prepare import Doc, prepare
from .recipe import build_lexicon, dedupe_docs

SPLITS = ("random", "group", "time", "cross-dataset")


@dataclass(frozen=True)
class TableSpec:
    """How to read a user's table: column names and an optional label map."""

    text_col: str = "text"
    label_col: str = "label"
    title_col: str | None = None
    id_col: str | None = None
    group_col: str | None = None
    date_col: str | None = None
    url_col: str | None = None
    label_map: Mapping[str, str | None] | None = None
    fmt: str | None = None


def read_label_map(path: str | Path) -> dict[str, str | None]:
    """A label map file: a JSON object, or lines ``word=label`` / ``word,label`` (label may be
    reliable, unreliable, or empty/"ignore" to leave such rows out)."""
    text = Path(path).read_text(encoding="utf-8")
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        data = {}
        for n, line in enumerate(text.splitlines(), 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            for sep in ("=", ",", "\t", ":"):
                if sep in line:
                    key, value = line.split(sep, 1)
                    data[key.strip()] = value.strip()
                    break
            else:
                raise ConfigError(f"{path}, line {n}: expected 'word=label', got {line!r}")
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: a label map must be a JSON object or 'word=label' lines")
    out: dict[str, str | None] = {}
    for key, value in data.items():
        v = None if value in (None, "", "ignore", "none", "null") else str(value).strip().lower()
        if v not in (None, "reliable", "unreliable"):
            raise ConfigError(f"{path}: label {key!r} maps to {value!r}; use reliable, unreliable or ignore")
        out[str(key)] = v
    return out


def read_records(source: str, spec: TableSpec, *, root: str | Path | None = None) -> list[Record]:
    """Records from a file or ``shared:NAME``; raises on the first bad row, naming it."""
    if source.startswith("shared:"):
        from ..datasets.registry import load_dataset

        return list(load_dataset(source.split(":", 1)[1], root))
    from ..datasets.tabular import read_table

    path = Path(source)
    if source != "-" and not path.exists():
        raise InputError(f"{source}: no such file. Give a CSV/TSV/JSONL/Parquet path or shared:DATASET.")
    records = list(
        read_table(source, text_col=spec.text_col, title_col=spec.title_col, id_col=spec.id_col,
                   label_col=spec.label_col, label_map=spec.label_map, group_col=spec.group_col,
                   date_col=spec.date_col, url_col=spec.url_col, fmt=spec.fmt)
    )
    for i, rec in enumerate(records):
        if not (rec.text or "").strip():
            raise EmptyInputError(
                f"{source}: row {i} (id {rec.id!r}) has an empty text in column '{spec.text_col}'. "
                "Remove the row or fill in its text."
            )
    return records


def _check_classes(docs: Sequence[Doc], where: str) -> None:
    classes = {d.y for d in docs}
    if len(classes) < 2:
        only = "unreliable" if classes == {1} else "reliable" if classes == {0} else "none"
        raise DataError(
            f"{where}: only one class ({only}) after filtering; training needs both reliable and unreliable "
            "examples. Check --label-col and --label-map."
        )


def prepare_docs(records: Iterable[Record], *, min_words: int, where: str) -> tuple[list[Doc], list[int], dict[str, Any]]:
    docs, prep = prepare(records, min_words=min_words)
    if not docs:
        raise DataError(f"{where}: no labelled text of at least {min_words} words (preparation: {prep}). "
                        "Lower --min-words or check the columns.")
    _check_classes(docs, where)
    kept, clusters, dedup = dedupe_docs(docs)
    _check_classes(kept, where)
    return kept, clusters, {"preparation": prep, "deduplication": dedup}


def make_folds(docs: Sequence[Doc], clusters: Sequence[int], split: str, *, n_folds: int = 5,
               cutoff: str | None = None, seed: int = 13) -> list[Fold]:
    if split == "random":
        return random_folds(docs, clusters, n_folds, seed)
    if split == "group":
        if not any(d.group for d in docs):
            raise ConfigError("a group split needs a group column (--group-col) or datasets with publishers/domains")
        return group_folds(docs, clusters, n_folds, seed)
    if split == "time":
        return time_split(docs, clusters, cutoff)
    if split == "cross-dataset":
        return cross_dataset_folds(docs, clusters)
    raise ConfigError(f"unknown split {split!r}; choose one of {', '.join(SPLITS)}")


def train_table(
    sources: Sequence[str],
    output: str | Path,
    spec: TableSpec,
    *,
    split: str | None = None,
    n_folds: int = 5,
    params: ContentParams | None = None,
    name: str = "newscred-custom",
    version: str = "0.1.0",
    root: str | Path | None = None,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Train a content model on labelled tables; the card carries its held-out evaluation."""
    from ..model.artifact import save_artifact
    from ..model.card import render_card

    params = params or ContentParams()
    records: list[Record] = []
    digests = []
    for source in sources:
        recs = read_records(source, spec, root=root)
        records += recs
        digest = hashlib.sha256(Path(source).read_bytes()).hexdigest() if Path(source).is_file() else None
        digests.append({"name": source, "rows": len(recs), "sha256": digest})
    docs, clusters, data_stats = prepare_docs(records, min_words=params.min_words, where=", ".join(sources))
    if split is None:
        split = "cross-dataset" if len({d.dataset for d in docs}) > 1 else ("group" if any(d.group for d in docs) else "random")
    folds = make_folds(docs, clusters, split, n_folds=n_folds)
    by = "fold" if split in ("cross-dataset", "time") else "dataset"
    metrics, _, z = cross_validate(docs, folds, params, split=split, group_results_by=by, progress=progress)
    metrics["protocol"] = f"{split} split, {len(folds)} fold(s); duplicates removed and kept on one side; calibration fitted on held-out logits"
    if progress:
        progress("fitting the final model on all data", 0, 1)
    model = fit_model(docs, params)
    y = np.array([d.y for d in docs])
    scored = ~np.isnan(z)
    model.fit_calibration(z[scored], y[scored], calibration_weights([d.dataset for d, s in zip(docs, scored) if s], y[scored]))
    metrics["data"] = {**data_stats, "digests": digests}
    metrics["terms"] = model.term_summary()
    save_artifact(model, output, name=name, version=version, lexicon=build_lexicon(docs), metrics=metrics,
                  training_data=digests, card=render_card(name, version, metrics))
    return metrics


def evaluate_table(
    model: str | Path | None,
    sources: Sequence[str],
    spec: TableSpec,
    *,
    split: str | None = None,
    n_folds: int = 5,
    cutoff: str | None = None,
    report_dir: str | Path | None = None,
    root: str | Path | None = None,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Evaluate a model's recipe on labelled data under an honest split, with probes.

    Each fold retrains the model's configuration on the training side.  The artifact itself is
    also scored as shipped on every test set (``shipped``): that number is only out-of-domain if
    the artifact never saw this data.
    """
    from ..analyzer import resolve_model_path
    from ..evaluation.metrics import binary_metrics
    from ..model.artifact import load_artifact

    artifact = load_artifact(resolve_model_path(model))
    params = artifact.model.params
    records: list[Record] = []
    for source in sources:
        records += read_records(source, spec, root=root)
    docs, clusters, data_stats = prepare_docs(records, min_words=params.min_words, where=", ".join(sources))
    if split is None:
        split = "cross-dataset" if len({d.dataset for d in docs}) > 1 else ("group" if any(d.group for d in docs) else "random")
    folds = make_folds(docs, clusters, split, n_folds=n_folds, cutoff=cutoff)
    by = "fold" if split in ("cross-dataset", "time") else "dataset"
    result, predictions, _ = cross_validate(docs, folds, params, split=split, group_results_by=by, progress=progress)
    # The artifact as shipped, on the same test sets.
    shipped_p = artifact.model.predict_proba_words([d.words for d in docs])
    scored_sets = {f.name: f.test for f in folds} if by == "fold" else None
    for name, entry in result["results"].items():
        if scored_sets is not None:
            idx = np.array(scored_sets[name], dtype=int)
        else:
            idx = np.array([i for i, d in enumerate(docs) if name == "(all)" or d.dataset == name], dtype=int)
        y = np.array([docs[i].y for i in idx])
        entry["shipped"] = binary_metrics(y, shipped_p[idx])
    result["protocol"] = (f"{split} split, {len(folds)} fold(s): the model's configuration is retrained on each training "
                          "side; duplicates removed before splitting and never on both sides; calibration fitted on held-out "
                          "logits only. 'shipped' scores the artifact as it is.")
    result["model"] = {"name": artifact.name, "version": artifact.version, "sha256": artifact.sha256}
    result["data"] = {**data_stats, "sources": list(sources), "rows": len(records), "documents": len(docs)}
    if report_dir is not None:
        from ..evaluation.render import write_report

        write_report(result, predictions, report_dir, title=f"newscred evaluation: {artifact.name} {artifact.version}")
    return result
