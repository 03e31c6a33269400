"""Train and evaluate on your own labelled data (CSV, TSV, JSONL, Parquet, or a shared dataset).

    newscred train DATA --text-col body --label-col verdict --group-col site -o models/mine
    newscred evaluate models/mine DATA --split group --report out/

Data problems that make the table unreadable stop the run with an error naming the line (or
Parquet row) or column: a missing column, an unknown label word, a malformed row, a single
class.  Rows that are readable but unusable (empty text, under ``min_words``, no label,
duplicates) are left out and counted: :func:`dropped_summary` says how many and why.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping, Sequence

import numpy as np

from ..datasets.record import Record
from ..errors import ConfigError, DataError, InputError
from ..evaluation.protocol import Progress, calibration_weights, cross_validate, fit_model
from ..evaluation.splits import Fold, cross_dataset_folds, group_folds, random_folds, time_split
from ..model.content import ContentParams
from .adapt import AdaptParams, Target, fold_adapter
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
    #: how slashed dates are written, "mdy" or "dmy"; None lets the date column decide
    date_order: str | None = None


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


#: above this many datasets the train-on-one, test-on-each matrix (n * (n - 1) fits) is skipped
MAX_MATRIX_SETS = 8

#: how many places (lines, rows) of empty texts a summary names
SHOWN_PLACES = 5


def read_records(source: str, spec: TableSpec, *, root: str | Path | None = None,
                 empty: list[dict[str, Any]] | None = None, dataset: str | None = None,
                 notes: list[str] | None = None, orders: list[str] | None = None) -> list[Record]:
    """Records from a file or ``shared:NAME``; raises on the first unreadable row, naming it.

    A file's records belong to the dataset ``dataset`` (default: the file name without
    extensions; :func:`source_names` makes them distinct for several files).  What the date
    column held that could not be read as the user meant (unreadable or ambiguous dates) goes
    into ``notes`` as one line per file, and the order its slashed dates were read in
    (``"mdy"``/``"dmy"``, when one was settled) into ``orders``.

    Labelled rows with an empty text are returned (preparation counts and drops them); when
    ``empty`` is a list, where each one is goes into it: ``{"source": "mine.csv", "line": 221}``
    (the file's line, header = 1), ``"row"`` (Parquet, from 1) or ``"id"`` (a shared dataset).
    """
    if source.startswith("shared:"):
        from ..datasets.registry import load_dataset

        records = list(load_dataset(source.split(":", 1)[1], root))
        if empty is not None:
            empty += [{"source": source, "id": r.id} for r in records if not (r.text or "").strip() and r.label]
        return records
    from ..datasets.tabular import mapped_rows

    mapping = _column_mapping(source, spec, dataset)
    records = []
    for row, rec in mapped_rows(source, mapping, spec.fmt):
        if empty is not None and not rec.text.strip() and rec.label:
            # the file's line, so that a dropped row can be found
            empty.append({"source": source, "line": row.line} if row.line is not None
                         else {"source": source, "row": row.index + 1})
        records.append(rec)
    said = mapping.dates.summary() if spec.date_col else None
    if said and notes is not None:
        notes.append(f"{source}: {said}")
    if spec.date_col and mapping.dates.order and orders is not None:
        orders.append(mapping.dates.order)
    return records


def _column_mapping(source: str, spec: TableSpec, dataset: str | None = None) -> Any:
    """The ColumnMapping of a file ``source`` read with ``spec``; refuses a missing file."""
    from ..datasets.tabular import ColumnMapping, dataset_name

    if source != "-" and not Path(source).exists():
        raise InputError(f"{source}: no such file. Give a CSV/TSV/JSONL/Parquet path or shared:DATASET.")
    return ColumnMapping(text_col=spec.text_col, title_col=spec.title_col, id_col=spec.id_col,
                         label_col=spec.label_col, label_map=spec.label_map, group_col=spec.group_col,
                         date_col=spec.date_col, url_col=spec.url_col, dataset=dataset or dataset_name(source),
                         date_order=spec.date_order)


def stream_records(source: str, spec: TableSpec, *, root: str | Path | None = None) -> Iterator[Record]:
    """The records of a file or ``shared:NAME`` one at a time, for a corpus too big to hold
    (:func:`read_records` holds them all and says more about what it met); raises on the first
    unreadable row, naming it."""
    if source.startswith("shared:"):
        from ..datasets.registry import load_dataset

        yield from load_dataset(source.split(":", 1)[1], root)
        return
    from ..datasets.tabular import mapped_rows

    for _row, record in mapped_rows(source, _column_mapping(source, spec), spec.fmt):
        yield record


def source_names(sources: Sequence[str]) -> list[str | None]:
    """The dataset name of each source, distinct across sources (``None`` for ``shared:NAME``,
    which keeps the dataset's own name).

    A cross-dataset split holds out one dataset at a time, so ``a/data.csv`` and ``b/data.csv``
    must not both become ``data``: such files are named by their path instead (``a/data``).
    A source given twice is refused: its rows would all be counted as duplicates of themselves.
    """
    from ..datasets.tabular import dataset_name

    if isinstance(sources, (str, Path)):
        raise ConfigError(f"sources must be a list of files or shared:NAME, got the single string {str(sources)!r}; "
                          f"write [{str(sources)!r}]")
    seen: set[str] = set()
    for source in sources:
        key = source if source.startswith("shared:") or source == "-" else str(Path(source).resolve())
        if key in seen:
            raise ConfigError(f"{source} is given twice; give each data file once")
        seen.add(key)
    names: list[str | None] = [None if s.startswith("shared:") else dataset_name(s) for s in sources]
    taken = [n for n in names if n is not None] + [s.split(":", 1)[1] for s in sources if s.startswith("shared:")]
    clashing = {n for n in names if n is not None and taken.count(n) > 1}
    for i, (source, name) in enumerate(zip(sources, names)):
        if name in clashing and source != "-":
            names[i] = f"{Path(source).resolve().parent.name}/{name}"  # the folder says which one
    named = [n for n in names if n is not None]
    if len(set(named)) < len(named):
        # same folder name too (a/data.csv, a/data.jsonl; x/a/data.csv, y/a/data.csv): as given
        names = [None if n is None else ("stdin" if s == "-" else s) for s, n in zip(sources, names)]
    return names


def _places(found: Sequence[Mapping[str, Any]], total: int) -> str:
    """``mine.csv lines 5, 22; b.parquet row 3``: the first few of ``total`` places, per source."""
    if not found:
        return ""
    by_source: dict[tuple[str, str], list[str]] = {}
    for place in found[:SHOWN_PLACES]:
        kind = next(k for k in ("line", "row", "id") if k in place)
        value = place[kind]
        by_source.setdefault((place["source"], kind), []).append(repr(value) if kind == "id" else str(value))
    text = "; ".join(f"{source} {kind}{'s' if len(values) > 1 else ''} {', '.join(values)}"
                     for (source, kind), values in by_source.items())
    return text + (", ..." if total > min(len(found), SHOWN_PLACES) else "")


def dropped_summary(data: Mapping[str, Any], *, min_words: int) -> str | None:
    """One line saying how many rows were left out and why, or ``None`` when none were.

    ``data`` is the ``data`` section of a training or evaluation result: ``preparation`` and
    ``deduplication`` counts per dataset, and ``empty_text`` (where the empty texts are).
    """
    prep = data.get("preparation") or {}
    dedup = data.get("deduplication") or {}

    def total(stats: Mapping[str, Mapping[str, int]], key: str) -> int:
        return sum(int(s.get(key, 0)) for s in stats.values())

    rows = total(prep, "rows")
    empty_at = _places(data.get("empty_text") or [], total(prep, "empty"))
    reasons = [
        (total(prep, "empty"), "with an empty text" + (f" ({empty_at})" if empty_at else "")),
        (total(prep, "too_short"), f"under {min_words} words (min_words= / --min-words)"),
        (total(prep, "unlabelled"), "without a label (empty, or mapped to ignore)"),
        (total(dedup, "removed_duplicates"), "duplicates of a kept text"),
        (total(dedup, "removed_conflicting"), "duplicates with conflicting labels"),
        (int(data.get("undated") or 0), "without a readable date (a time split cannot place them)"),
    ]
    reasons = [(n, why) for n, why in reasons if n]
    if not reasons:
        return None
    dropped = sum(n for n, _ in reasons)
    return (f"left out {dropped:,} of {rows:,} rows: " + "; ".join(f"{n:,} {why}" for n, why in reasons)
            + f"; {rows - dropped:,} used")


def _check_classes(docs: Sequence[Doc], where: str) -> None:
    classes = {d.y for d in docs}
    if len(classes) < 2:
        only = "unreliable" if classes == {1} else "reliable" if classes == {0} else "none"
        raise DataError(
            f"{where}: only one class ({only}) after filtering; training needs both reliable and unreliable "
            "examples. Check label_col= / --label-col and label_map= / --label-map."
        )


def prepare_docs(records: Iterable[Record], *, min_words: int, where: str) -> tuple[list[Doc], list[int], dict[str, Any]]:
    docs, prep = prepare(records, min_words=min_words)
    if not docs:
        why = dropped_summary({"preparation": prep}, min_words=min_words) or "no rows"
        raise DataError(f"{where}: no labelled text of at least {min_words} words ({why}). "
                        "Lower min_words= / --min-words or check the columns (text_col= / --text-col, "
                        "label_col= / --label-col).")
    _check_classes(docs, where)
    kept, clusters, dedup = dedupe_docs(docs)
    _check_classes(kept, where)
    return kept, clusters, {"preparation": prep, "deduplication": dedup}


def make_folds(docs: Sequence[Doc], clusters: Sequence[int], split: str, *, n_folds: int | None = None,
               cutoff: str | None = None, seed: int = 13, spec: TableSpec | None = None) -> list[Fold]:
    """The folds of ``split``.  ``n_folds`` (default 5) is for random and group splits, ``cutoff``
    for the time split; given to any other split they are refused, not silently ignored.
    ``spec`` is how the tables were read: a time split without a date column says so, and a
    slashed cutoff is read in the date column's order."""
    if cutoff is not None and split != "time":
        raise ConfigError(f"cutoff= / --cutoff applies to the time split only, and this is a {split} split; "
                          "add split='time' / --split time (with a date column) or drop the cutoff")
    if n_folds is not None and split in ("time", "cross-dataset"):
        what = "one cutoff date" if split == "time" else "one fold per dataset"
        raise ConfigError(f"n_folds= / --folds applies to random and group splits only; the {split} split has "
                          f"{what}. Choose the random or group split (--split), or drop the fold count")
    n_folds = 5 if n_folds is None else n_folds
    if not isinstance(n_folds, int) or n_folds < 2:
        raise ConfigError(f"n_folds= / --folds must be a whole number of at least 2, got {n_folds!r}")
    if split == "random":
        return random_folds(docs, clusters, n_folds, seed)
    if split == "group":
        if not any(d.group for d in docs):
            raise ConfigError("a group split needs a group column (group_col= / --group-col) or datasets with publishers/domains")
        return group_folds(docs, clusters, n_folds, seed)
    if split == "time":
        if spec is not None and spec.date_col is None and not any(d.date for d in docs):
            raise ConfigError("a time split needs dates: name the date column with date_col= / --date-col")
        return time_split(docs, clusters, cutoff, date_order=spec.date_order if spec is not None else None)
    if split == "cross-dataset":
        return cross_dataset_folds(docs, clusters)
    raise ConfigError(f"unknown split {split!r}; choose one of {', '.join(SPLITS)}")


def train_table(
    sources: Sequence[str],
    output: str | Path,
    spec: TableSpec,
    *,
    split: str | None = None,
    n_folds: int | None = None,
    cutoff: str | None = None,
    params: ContentParams | None = None,
    name: str = "newscred-custom",
    version: str = "0.1.0",
    root: str | Path | None = None,
    progress: Progress | None = None,
    adapt_to: Target | None = None,
) -> dict[str, Any]:
    """Train a content model on labelled tables; the card carries its held-out evaluation.

    ``output`` must be missing, empty or an article model artifact (replaced when training
    succeeds); anything else raises :class:`~newscred.errors.OutputExistsError` before any
    work.  ``n_folds`` (default 5) is for random/group splits, ``cutoff`` for the time split.
    ``metrics["data"]`` says which rows were left out and why (see :func:`dropped_summary`).
    With ``adapt_to`` the model is adapted to that unlabelled corpus, and each fold's model to
    its own test side (see :func:`~newscred.training.recipe.train_default`).
    """
    from ..model.artifact import save_artifact
    from ..model.card import render_card
    from ..model.outputs import check_bundle_output

    # before reading anything: a refused output should not cost a training run
    check_bundle_output(output, "article", what="model artifact")
    params = params or ContentParams()
    read = _read_sources(sources, spec, root)
    digests = [{"name": source, "dataset": recs[0].dataset if recs else dataset, "rows": len(recs),
                "sha256": source_digest(source, root)} for source, dataset, recs in read.per_source]
    docs, clusters, data_stats = prepare_docs(read.records, min_words=params.min_words, where=", ".join(sources))
    split = split or _default_split(docs)
    folds = make_folds(docs, clusters, split, n_folds=n_folds, cutoff=cutoff, spec=read.spec)
    by = "fold" if split in ("cross-dataset", "time") else "dataset"
    adapt = adapt_to.fold_adapter(params) if adapt_to is not None else None
    metrics, _, z = cross_validate(docs, folds, params, split=split, group_results_by=by, progress=progress, adapt=adapt)
    metrics["protocol"] = f"{split} split, {len(folds)} fold(s); duplicates removed and kept on one side; calibration fitted on held-out logits"
    if progress:
        progress("fitting the final model on all data", 0, 1)
    model = fit_model(docs, params)
    if adapt_to is not None:
        model = adapt_to.adapt(model, docs, params, progress)
        metrics["adaptation"] = adapt_to.summary()
    y = np.array([d.y for d in docs])
    scored = ~np.isnan(z)
    model.fit_calibration(z[scored], y[scored], calibration_weights([d.dataset for d, s in zip(docs, scored) if s], y[scored]))
    metrics["data"] = {**data_stats, "empty_text": read.empty[:SHOWN_PLACES], "digests": digests,  # the count is in preparation
                       "undated": sum(f.left_out for f in folds), "date_notes": read.notes}
    metrics["terms"] = model.term_summary()
    metrics["top_terms"] = model.top_terms()
    card = render_card(name, version, metrics, recipe=False)
    save_artifact(model, output, name=name, version=version, lexicon=build_lexicon(docs), metrics=metrics,
                  training_data=digests, card=card, training_texts=[d.words for d in docs])
    return metrics


def evaluate_table(
    model: str | Path | None,
    sources: Sequence[str],
    spec: TableSpec,
    *,
    split: str | None = None,
    n_folds: int | None = None,
    cutoff: str | None = None,
    min_words: int | None = None,
    report_dir: str | Path | None = None,
    root: str | Path | None = None,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Evaluate a model's recipe on labelled data under an honest split, with probes.

    Each fold retrains the model's configuration on the training side.  The artifact itself is
    also scored as shipped on every test set (``shipped``): that number is only out-of-domain if
    the artifact never saw this data.  Two checks say when it did.  A source the artifact's
    manifest lists as training data (same sha256, or the same shared dataset) is named in
    ``in_sample``.  And an artifact that keeps its training texts' fingerprints (every one
    newscred saves now) recognises those texts in any file, format or order:
    ``shipped_trained_on`` counts them per test set.  Either way the set gets
    ``shipped_in_sample`` and an IN-SAMPLE warning.  ``min_words`` (default: the model's own) drops
    shorter texts; ``result["data"]`` counts every row left out (see :func:`dropped_summary`).
    """
    from ..analyzer import resolve_model_path
    from ..evaluation.metrics import binary_metrics
    from ..model.artifact import load_artifact

    if report_dir is not None:
        from ..evaluation.render import check_report_output

        check_report_output(report_dir)  # before the folds are fitted, not after
    artifact = load_artifact(resolve_model_path(model))
    params = artifact.model.params
    if min_words is not None:
        if min_words < 1:
            raise ConfigError(f"min_words= / --min-words must be at least 1, got {min_words}")
        params = replace(params, min_words=min_words)
    read = _read_sources(sources, spec, root)
    in_sample = [source for source in sources if _trained_on(artifact.manifest, source, root)]
    seen_datasets = {r.dataset for source, _, recs in read.per_source if source in in_sample for r in recs}
    docs, clusters, data_stats = prepare_docs(read.records, min_words=params.min_words, where=", ".join(sources))
    split = split or _default_split(docs)
    folds = make_folds(docs, clusters, split, n_folds=n_folds, cutoff=cutoff, spec=read.spec)
    by = "fold" if split in ("cross-dataset", "time") else "dataset"
    # an adapted artifact's recipe includes the adaptation: each fold adapts to its own test texts
    adaptation = (artifact.metrics or {}).get("adaptation")
    adapt = fold_adapter(params, AdaptParams(**adaptation["params"])) if adaptation else None
    result, predictions, _ = cross_validate(docs, folds, params, split=split, group_results_by=by, progress=progress,
                                            adapt=adapt)
    # The artifact as shipped, on the same test sets.
    shipped_p = artifact.model.predict_proba_words([d.words for d in docs])
    known = None  # which texts the artifact was trained on, when it kept their fingerprints
    if artifact.training_fingerprints is not None:
        from ..corpus.dedup import text_fingerprints

        known = np.isin(text_fingerprints([d.words for d in docs]), artifact.training_fingerprints)
    scored_sets = {f.name: f.test for f in folds} if by == "fold" else None
    for name, entry in result["results"].items():
        if scored_sets is not None:
            idx = np.array(scored_sets[name], dtype=int)
        else:
            idx = np.array([i for i, d in enumerate(docs) if name == "(all)" or d.dataset == name], dtype=int)
        y = np.array([docs[i].y for i in idx])
        entry["shipped"] = binary_metrics(y, shipped_p[idx])
        by_source = any(docs[i].dataset in seen_datasets for i in idx)
        trained_texts = int(known[idx].sum()) if known is not None else 0
        entry["shipped_in_sample"] = by_source or trained_texts > 0
        entry["shipped_trained_on"] = trained_texts if known is not None else None
        if by_source:
            entry["warnings"].append(
                f"IN-SAMPLE: the artifact was trained on {', '.join(in_sample)} (its manifest lists the same data), so "
                f"'as shipped'{_shipped_value(entry)} is measured on its own training data and says "
                "nothing about new articles; the cross-validated macro-F1 is the number to read."
            )
        elif trained_texts:
            n, pct = len(idx), max(1, min(99, round(100 * trained_texts / len(idx))))  # never "100%" for some, nor "0%"
            share = (f"all {n:,} texts of this set are texts" if trained_texts == n else
                     f"1 of these {n:,} texts ({pct}%) is a text" if trained_texts == 1 else
                     f"{trained_texts:,} of these {n:,} texts ({pct}%) are texts")
            entry["warnings"].append(
                f"IN-SAMPLE: {share} the artifact was trained on, so 'as shipped'{_shipped_value(entry)} is "
                f"{'partly ' * (trained_texts < n)}measured on its own training data; the cross-validated macro-F1 is "
                "the number to read."
            )
    if split == "cross-dataset" and len(folds) <= MAX_MATRIX_SETS:
        from ..evaluation.protocol import cross_dataset_matrix

        # which dataset teaches which: one model per DATA, tested on every other one
        result["matrix"] = cross_dataset_matrix(docs, clusters, params, progress=progress)
    marked = any(e.get("shipped_in_sample") for e in result["results"].values())
    result["protocol"] = (f"{split} split, {len(folds)} fold(s): the model's configuration is retrained on each training "
                          "side; duplicates removed before splitting and never on both sides; calibration fitted on held-out "
                          "logits only"
                          + (", each fold's model adapted to its own test texts (never their labels) as the artifact was "
                             f"to {adaptation['corpus']}" if adaptation else "")
                          + ". 'shipped' scores the artifact as it is"
                          + (" (in-sample where marked: on its own training data)." if marked else "."))
    result["model"] = {"name": artifact.name, "version": artifact.version, "sha256": artifact.sha256}
    result["in_sample"] = in_sample
    result["data"] = {**data_stats, "empty_text": read.empty[:SHOWN_PLACES], "min_words": params.min_words,
                      "sources": list(sources), "rows": len(read.records), "documents": len(docs),
                      "undated": sum(f.left_out for f in folds), "date_notes": read.notes}
    if report_dir is not None:
        from ..evaluation.render import write_report

        write_report(result, predictions, report_dir, title=f"newscred evaluation: {artifact.name} {artifact.version}")
    return result


@dataclass
class _Read:
    """What :func:`_read_sources` read: every record, each source's own, and what was met."""

    records: list[Record]
    per_source: list[tuple[str, str | None, list[Record]]]  # (source, dataset name given, its records)
    empty: list[dict[str, Any]]  # where the empty texts are
    notes: list[str]  # what the date columns held that was not read as meant
    spec: TableSpec  # the spec, with the slash order the date columns settled on (for --cutoff)


def _read_sources(sources: Sequence[str], spec: TableSpec, root: str | Path | None) -> _Read:
    """Read every source as its own dataset (see :func:`source_names`)."""
    read = _Read([], [], [], [], spec)
    orders: list[str] = []  # how each file's slashed dates were read
    for source, dataset in zip(sources, source_names(sources)):
        recs = read_records(source, spec, root=root, empty=read.empty, dataset=dataset, notes=read.notes, orders=orders)
        read.records += recs
        read.per_source.append((source, dataset, recs))
    agreed = orders[0] if orders and len(set(orders)) == 1 else None
    read.spec = replace(spec, date_order=spec.date_order or agreed)  # a slashed cutoff reads like the column
    return read


def _default_split(docs: Sequence[Doc]) -> str:
    """cross-dataset for several datasets, group when there are groups, random otherwise."""
    if len({d.dataset for d in docs}) > 1:
        return "cross-dataset"
    return "group" if any(d.group for d in docs) else "random"


def _shipped_value(entry: Mapping[str, Any]) -> str:
    """`` (0.762)`` after 'as shipped' in a warning; nothing for a one-class set, where it means nothing."""
    return "" if entry.get("one_class") else f" ({entry['shipped']['macro_f1']:.3f})"


def source_digest(source: str, root: str | Path | None = None) -> str | None:
    """sha256 of what ``source`` reads: the file, or a shared dataset's ``data.jsonl``
    (``None`` for standard input or a dataset stored otherwise)."""
    if source.startswith("shared:"):
        from ..datasets.registry import dataset_dir, get_spec

        name = source.split(":", 1)[1]
        try:
            path = dataset_dir(name, root) / get_spec(name).jsonl
        except DataError:
            return None
    else:
        path = Path(source)
    if not path.is_file():
        return None
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _trained_on(manifest: Mapping[str, Any], source: str, root: str | Path | None) -> bool:
    """Whether ``manifest``'s training data include ``source``: the same bytes (sha256), or for
    ``shared:NAME`` the same dataset name (a re-exported copy hashes differently but is the same
    data).  A file whose rows were edited or reordered since training is not recognised."""
    trained = [t for t in manifest.get("training_data") or [] if isinstance(t, Mapping)]
    digest = source_digest(source, root)
    if digest and any(t.get("sha256") == digest for t in trained):
        return True
    if source.startswith("shared:"):
        name = source.split(":", 1)[1]
        return any(t.get("name") in (name, source) for t in trained)
    return False
