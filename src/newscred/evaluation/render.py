"""Evaluation reports: ``report.json``, PNG figures, ``report.md`` and a self-contained ``report.html``.

The Markdown and the HTML are rendered from one list of blocks (heading, paragraph, warning,
table, image) so that the two always say the same thing.  The HTML embeds every figure as a
``data:image/png;base64`` URI and loads nothing from outside: it can be mailed or archived as a
single file.

The ``result`` dict is documented in :func:`write_report`; every key except ``results`` is
optional and the renderer tolerates partial metric dicts (missing values show as "–").
"""

from __future__ import annotations

import base64
import html
import json
import math
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

DEFAULT_BAND = (0.35, 0.65)
# Above this many test sets, per-set figures would drown the report: draw pooled ones instead.
MAX_PER_SET_FIGURES = 8
MISSING = "–"

_SPLIT_NOTES = {
    "random": "random split: train and test share sources, topics and time, so scores are optimistic",
    "group": "group split: no source (or group) is in both train and test",
    "time": "time split: the test articles are newer than every training article",
    "cross-dataset": "cross-dataset: trained on some corpora, tested on others never seen in training",
}


# --------------------------------------------------------------------------- where a report may go

#: Marks a report.json as ours, so that a later run may replace the folder's report files.
WRITTEN_BY = "newscred evaluation report"
_REPORT_FILES = re.compile(r"^(report\.(json|md|html)|coverage\.png|cross_dataset\.png|(confusion|reliability)_.*\.png)$")


def check_report_output(out_dir: str | os.PathLike[str]) -> Path:
    """``out_dir`` as a Path if a report may be written there, else OutputExistsError.

    A report writes fixed names (report.json, report.md, report.html, a few PNGs) into the folder
    and leaves every other file alone.  It may replace them when the folder's report.json is an
    earlier newscred report (rerunning ``--report out/`` is normal); when some of those names
    exist but are somebody else's files, nothing is written: ``--report .`` in a folder holding
    a hand-written report.md must not erase it.
    """
    from ..errors import OutputExistsError

    out = Path(out_dir)
    advice = "Choose another --report folder, or move those files away first."
    if out.exists() and not out.is_dir():
        raise OutputExistsError(f"{out} exists and is a file; a report needs a folder. {advice}", path=str(out))
    if not out.is_dir():
        return out
    clashing = sorted(p.name for p in out.iterdir() if _REPORT_FILES.match(p.name))
    if not clashing or _is_our_report(out / "report.json"):
        return out
    shown = ", ".join(clashing[:3]) + (", ..." if len(clashing) > 3 else "")
    raise OutputExistsError(f"{out} already holds {shown}, not from a newscred report (no newscred report.json); "
                            f"writing the report there would replace them. {advice}", path=str(out), files=clashing)


def _is_our_report(path: Path) -> bool:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return False
    # reports from before the marker existed still have the results table of write_report()
    return isinstance(data, dict) and (data.get("written_by") == WRITTEN_BY or isinstance(data.get("results"), dict)
                                       and "mean" in data)


# --------------------------------------------------------------------------- JSON


def json_safe(obj: Any) -> Any:
    """A copy of ``obj`` that ``json.dumps(..., allow_nan=False)`` accepts.

    numpy scalars and arrays become Python numbers and lists, NaN and infinities become ``None``
    (JSON has no NaN, and ``null`` reads as "not defined" which is what a NaN metric means),
    Paths and other unknown objects become strings.
    """
    if obj is None or isinstance(obj, (bool, str)):
        return obj
    if isinstance(obj, np.bool_):
        return bool(obj)
    if isinstance(obj, (int, np.integer)):
        return int(obj)
    if isinstance(obj, (float, np.floating)):
        value = float(obj)
        return value if math.isfinite(value) else None
    if isinstance(obj, np.ndarray):
        return json_safe(obj.tolist())
    if isinstance(obj, Mapping):
        return {str(k): json_safe(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple, set, frozenset)):
        return [json_safe(v) for v in obj]
    if isinstance(obj, os.PathLike):
        return os.fspath(obj)
    return str(obj)


# --------------------------------------------------------------------------- blocks


@dataclass
class _Heading:
    level: int
    text: str


@dataclass
class _Para:
    text: str
    emphasis: bool = False


@dataclass
class _Warning:
    title: str
    items: list[str] = field(default_factory=list)
    loud: bool = True  # loud = leaky dataset (red box); quiet = ordinary warnings


@dataclass
class _Table:
    headers: list[str]
    rows: list[list[str]]
    caption: str = ""
    numeric: bool = True  # right-align every column but the first (text tables: left-align all)


@dataclass
class _Image:
    alt: str
    src: str


_Block = _Heading | _Para | _Warning | _Table | _Image


def _num(value: Any, digits: int = 3) -> str:
    """A metric for a table cell; None/NaN/missing as a dash."""
    if value is None or isinstance(value, bool):
        return MISSING if value is None else str(value)
    try:
        f = float(value)
    except (TypeError, ValueError):
        return str(value)
    if not math.isfinite(f):
        return MISSING
    return f"{f:.{digits}f}"


def _pct(value: Any) -> str:
    try:
        f = float(value)
    except (TypeError, ValueError):
        return MISSING
    return f"{f:.1%}" if math.isfinite(f) else MISSING


def _with_ci(metrics: Mapping[str, Any], key: str, digits: int = 3) -> str:
    """``0.812 [0.790, 0.833]`` when ``<key>_ci`` is present, else the point value."""
    text = _num(metrics.get(key), digits)
    ci = metrics.get(f"{key}_ci")
    if text != MISSING and isinstance(ci, Sequence) and len(ci) == 2:
        lo, hi = _num(ci[0], digits), _num(ci[1], digits)
        if MISSING not in (lo, hi):
            text += f" [{lo}, {hi}]"
    return text


def _int(value: Any) -> str:
    try:
        return f"{int(value):,}"
    except (TypeError, ValueError):
        return MISSING


def _flatten(data: Mapping[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    """Nested dict as dotted key/value pairs, for the small data table."""
    pairs: list[tuple[str, Any]] = []
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping) and value:
            pairs.extend(_flatten(value, name + "."))
        else:
            pairs.append((name, value))
    return pairs


def _plain(value: Any) -> str:
    if isinstance(value, float) or isinstance(value, np.floating):
        return _num(value, 4).rstrip("0").rstrip(".") if math.isfinite(float(value)) else MISSING
    if isinstance(value, (list, tuple)):
        return ", ".join(_plain(v) for v in value)
    return MISSING if value is None else str(value)


def _image_groups(images: Mapping[str, str]) -> tuple[dict[str, list[tuple[str, str]]], list[tuple[str, str]]]:
    """Split image names ``"<kind>:<test set>"`` into per-set lists and the rest (pooled, coverage, heatmap)."""
    per_set: dict[str, list[tuple[str, str]]] = {}
    general: list[tuple[str, str]] = []
    for name, src in images.items():
        kind, sep, test_set = name.partition(":")
        if sep and kind in ("confusion", "reliability") and test_set != "pooled":
            per_set.setdefault(test_set, []).append((name, src))
        else:
            general.append((name, src))
    return per_set, general


_IMAGE_TITLES = {
    "confusion": "Confusion matrix",
    "reliability": "Reliability diagram",
    "coverage": "Accuracy vs coverage",
    "heatmap": "Cross-dataset heatmap",
}


def _image_alt(name: str) -> str:
    kind, _, test_set = name.partition(":")
    base = _IMAGE_TITLES.get(kind, kind)
    return f"{base} — {test_set}" if test_set else base


def _blocks(result: Mapping[str, Any], images: Mapping[str, str], title: str) -> list[_Block]:
    """The report as a list of blocks, shared by the Markdown and HTML renderers."""
    blocks: list[_Block] = [_Heading(1, str(result.get("title") or title))]
    results: Mapping[str, Any] = result.get("results") or {}

    # header: what was measured and how
    split = result.get("split")
    meta = [f"**Protocol:** {result.get('protocol', MISSING)}", f"**Split:** {split or MISSING}"]
    model = result.get("model")
    if isinstance(model, Mapping) and model:
        meta.append(f"**Model:** {model.get('name', MISSING)} {model.get('version', '')}".rstrip())
    meta.append(f"**Test sets:** {len(results)}")
    blocks.append(_Para(" · ".join(meta)))
    if split in _SPLIT_NOTES:
        blocks.append(_Para(_SPLIT_NOTES[str(split)], emphasis=True))

    # leaky datasets first and loud: a score on a leaky set must not be read as generalisation
    for name, entry in results.items():
        if isinstance(entry, Mapping) and entry.get("leaky"):
            items = _leak_items(entry)
            blocks.append(_Warning(f"⚠ LEAKY DATASET: {name} — its scores overstate real-world performance", items))

    per_set_images, general_images = _image_groups(images)
    # figures of a set without a results entry would otherwise be dropped silently
    general_images += [img for name, imgs in per_set_images.items() if name not in map(str, results) for img in imgs]
    probes = _probe_names(results)

    if results:
        blocks.append(_Heading(2, "Summary"))
        headers = ["test set", "n", "model macro-F1"] + [f"{p} macro-F1" for p in probes] + [
            "ROC-AUC", "Brier", "ECE", "confident errors"]
        rows = []
        for name, entry in results.items():
            entry = entry if isinstance(entry, Mapping) else {}
            m = entry.get("model") or {}
            label = f"{name} ⚠" if entry.get("leaky") else str(name)
            if entry.get("one_class"):  # a macro-F1 of one class is 1 or 0 by construction
                rows.append([label, _int(entry.get("n", m.get("n"))), "one class: not scored"]
                            + [MISSING] * (len(headers) - 3))
                continue
            rows.append([label, _int(entry.get("n", m.get("n"))), _with_ci(m, "macro_f1")]
                        + [_num(((entry.get("probes") or {}).get(p) or {}).get("macro_f1")) for p in probes]
                        + [_num(m.get("roc_auc")), _num(m.get("brier")), _num(m.get("ece")),
                           _pct(m.get("confident_error_rate"))])
        blocks.append(_Table(headers, rows, "Macro-F1 with the 95% bootstrap interval where computed; "
                                            "confident errors: share of articles predicted wrong with p < 0.2 or p > 0.8."))

    mean = result.get("mean")
    if isinstance(mean, Mapping) and mean:
        blocks.append(_Heading(2, "Mean macro-F1 over test sets"))
        blocks.append(_Table(["system", "mean macro-F1"], [[str(k), _num(v)] for k, v in mean.items()]))

    data = result.get("data")
    if isinstance(data, Mapping) and data:
        blocks.append(_Heading(2, "Data"))
        blocks.append(_Table(["key", "value"], [[k, _plain(v)] for k, v in _flatten(data)], numeric=False))

    for name, entry in results.items():
        entry = entry if isinstance(entry, Mapping) else {}
        blocks.extend(_set_blocks(str(name), entry, per_set_images.get(str(name), [])))

    matrix = result.get("matrix")
    if isinstance(matrix, Mapping) and matrix.get("values") is not None:
        metric = str(matrix.get("metric", "macro_f1")).replace("macro_f1", "macro-F1")
        blocks.append(_Heading(2, f"Cross-dataset matrix ({metric})"))
        tests = [str(t) for t in matrix.get("test_sets") or []]
        trains = [str(t) for t in matrix.get("train_sets") or []]
        rows = [[f"train: {tr}"] + [_num(v) for v in row] for tr, row in zip(trains, matrix["values"])]
        blocks.append(_Table(["", *tests], rows, "Rows: training set; columns: test set; – = not evaluated."))

    if general_images:
        blocks.append(_Heading(2, "Figures"))
        for name, src in general_images:
            blocks.append(_Image(_image_alt(name), src))

    published = result.get("published")
    if isinstance(published, Sequence) and not isinstance(published, str) and published:
        blocks.append(_Heading(2, "Published numbers"))
        cols = ["dataset", "setting", "system", "score", "source", "ours", "note"]
        blocks.append(_Table(cols, [[_plain((row or {}).get(c)) if row else MISSING for c in cols] for row in published],
                             "Published scores use their own splits and protocols: compare with care.", numeric=False))
    return blocks


def _leak_items(entry: Mapping[str, Any]) -> list[str]:
    """The warnings that made a set leaky (other warnings, such as IN-SAMPLE, go in the quiet box)."""
    items = [str(w) for w in entry.get("warnings") or [] if str(w).startswith("LEAKY")]
    return items or [str(w) for w in entry.get("warnings") or []] or ["flagged as leaky (no details given)"]


def _probe_names(results: Mapping[str, Any]) -> list[str]:
    """Probe systems in first-seen order, known ones first (majority, length, source)."""
    seen: list[str] = []
    for entry in results.values():
        if isinstance(entry, Mapping):
            for probe in entry.get("probes") or {}:
                if probe not in seen:
                    seen.append(str(probe))
    known = [p for p in ("majority", "length", "source") if p in seen]
    return known + [p for p in seen if p not in known]


def _set_blocks(name: str, entry: Mapping[str, Any], images: list[tuple[str, str]]) -> list[_Block]:
    """Section of one test set: systems table, per-class table, warnings, figures."""
    m: Mapping[str, Any] = entry.get("model") or {}
    blocks: list[_Block] = [_Heading(2, f"Test set: {name}")]
    intro = f"n = {_int(entry.get('n', m.get('n')))}"
    if m.get("unreliable_share") is not None:
        intro += f", unreliable share {_pct(m.get('unreliable_share'))}"
    blocks.append(_Para(intro))
    warnings = [str(w) for w in entry.get("warnings") or []]
    if entry.get("leaky"):
        blocks.append(_Warning(f"⚠ LEAKY DATASET: {name}", _leak_items(entry)))
    loud = _leak_items(entry) if entry.get("leaky") else []
    others = [w for w in warnings if w not in loud]
    if others:
        blocks.append(_Warning("Warnings", others, loud=False))

    systems: list[tuple[str, Mapping[str, Any]]] = [("model", m)]
    if isinstance(entry.get("shipped"), Mapping):  # newscred evaluate: the artifact itself, not retrained
        systems.append(("as shipped" + (" (IN-SAMPLE)" if entry.get("shipped_in_sample") else ""), entry["shipped"]))
    systems += [(f"probe: {p}", v) for p, v in (entry.get("probes") or {}).items() if isinstance(v, Mapping)]
    has_band = any("coverage" in s for _, s in systems)
    headers = ["system", "macro-F1", "accuracy", "ROC-AUC", "Brier", "ECE", "ECE (balanced)", "confident errors"]
    if has_band:
        headers += ["coverage", "accuracy when covered"]
    rows = []
    for label, s in systems:
        row = [label, _with_ci(s, "macro_f1"), _with_ci(s, "accuracy"), _with_ci(s, "roc_auc"), _with_ci(s, "brier"),
               _num(s.get("ece")), _num(s.get("ece_balanced")), _pct(s.get("confident_error_rate"))]
        if has_band:
            row += [_pct(s.get("coverage")), _pct(s.get("accuracy_when_covered"))]
        rows.append(row)
    blocks.append(_Table(headers, rows, "Probes are deliberately weak systems (majority class, text length, source "
                                        "identity): a model close to them has learnt little else."))

    if m:
        blocks.append(_Table(["class", "precision", "recall"], [
            ["reliable", _num(m.get("precision_reliable")), _num(m.get("recall_reliable"))],
            ["unreliable", _num(m.get("precision_unreliable")), _num(m.get("recall_unreliable"))],
        ], "Per-class precision and recall of the model."))
    for image_name, src in images:
        blocks.append(_Image(_image_alt(image_name), src))
    return blocks


# --------------------------------------------------------------------------- Markdown


def _md_cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _md(blocks: list[_Block]) -> str:
    out: list[str] = []
    for b in blocks:
        if isinstance(b, _Heading):
            out.append(f"{'#' * b.level} {b.text}")
        elif isinstance(b, _Para):
            out.append(f"_{b.text}_" if b.emphasis else b.text)
        elif isinstance(b, _Warning):
            # a blockquote with a bold title is the loudest thing plain Markdown offers
            lines = [f"> **{b.title}**" if b.loud else f"> **{b.title}:**", ">"]
            lines += [f"> - {item}" for item in b.items]
            out.append("\n".join(lines))
        elif isinstance(b, _Table):
            lines = ["| " + " | ".join(_md_cell(h) for h in b.headers) + " |",
                     "|" + "|".join("---:" if i and b.numeric else "---" for i in range(len(b.headers))) + "|"]
            lines += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in b.rows]
            if b.caption:
                lines += ["", f"<sub>{b.caption}</sub>"]
            out.append("\n".join(lines))
        elif isinstance(b, _Image):
            out.append(f"![{b.alt}]({b.src})")
    return "\n\n".join(out) + "\n"


def render_markdown(result: Mapping[str, Any], images: Mapping[str, str] | None = None, *,
                    title: str = "newscred evaluation") -> str:
    """The report as Markdown; ``images`` maps figure names to paths relative to the Markdown file.

    Figure names ``"confusion:<set>"`` and ``"reliability:<set>"`` go into that test set's section;
    any other name (``"coverage"``, ``"heatmap"``, ``"confusion:pooled"``, ...) into "Figures".
    """
    return _md(_blocks(result, images or {}, title))


# --------------------------------------------------------------------------- HTML

_CSS = """
body{font-family:-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;max-width:1100px;margin:2em auto;
padding:0 1em;color:#1a1a1a;line-height:1.45}
h1{border-bottom:2px solid #333;padding-bottom:.2em}h2{margin-top:1.8em;border-bottom:1px solid #ccc}
table{border-collapse:collapse;margin:.8em 0;font-size:.92em}
th,td{border:1px solid #ccc;padding:.3em .6em;text-align:right}th:first-child,td:first-child{text-align:left}
table.text td,table.text th{text-align:left}th{background:#f0f0f0}tr:nth-child(even) td{background:#fafafa}
caption{caption-side:bottom;font-size:.85em;color:#555;text-align:left;padding-top:.3em}
.leaky{border:3px solid #c00;background:#fde8e8;color:#700;padding:.6em 1em;margin:1em 0;border-radius:4px}
.leaky strong{font-size:1.15em}
.note{border-left:4px solid #e69f00;background:#fff6e0;padding:.4em 1em;margin:1em 0}
.split{color:#555;font-style:italic}
figure{display:inline-block;vertical-align:top;margin:.4em;max-width:100%}img{max-width:100%;height:auto}
""".strip()


def _inline_md(text: str) -> str:
    """Escape, then turn the only inline Markdown we emit (**bold**) into <strong>."""
    return re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", html.escape(text))


def _data_uri(src: str, base_dir: Path | None) -> str | None:
    """``data:image/png;base64,...`` for an image file, or None when it cannot be read."""
    path = Path(src)
    if not path.is_absolute() and base_dir is not None:
        path = base_dir / path
    try:
        payload = path.read_bytes()
    except OSError:
        return None
    return "data:image/png;base64," + base64.b64encode(payload).decode("ascii")


def _html(blocks: list[_Block], base_dir: Path | None) -> str:
    title = next((b.text for b in blocks if isinstance(b, _Heading)), "newscred evaluation")
    body: list[str] = []
    for b in blocks:
        if isinstance(b, _Heading):
            body.append(f"<h{b.level}>{html.escape(b.text)}</h{b.level}>")
        elif isinstance(b, _Para):
            body.append(f'<p class="split">{_inline_md(b.text)}</p>' if b.emphasis else f"<p>{_inline_md(b.text)}</p>")
        elif isinstance(b, _Warning):
            items = "".join(f"<li>{html.escape(i)}</li>" for i in b.items)
            cls = "leaky" if b.loud else "note"
            body.append(f'<div class="{cls}" role="alert"><strong>{html.escape(b.title)}</strong><ul>{items}</ul></div>')
        elif isinstance(b, _Table):
            head = "".join(f"<th>{html.escape(h)}</th>" for h in b.headers)
            rows = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in b.rows)
            caption = f"<caption>{html.escape(b.caption)}</caption>" if b.caption else ""
            cls = "" if b.numeric else ' class="text"'
            body.append(f"<table{cls}>{caption}<thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>")
        elif isinstance(b, _Image):
            uri = _data_uri(b.src, base_dir)
            if uri is None:  # never fall back to a link: the file must stay self-contained
                body.append(f"<p><em>[figure missing: {html.escape(b.alt)}]</em></p>")
            else:
                body.append(f'<figure><img src="{uri}" alt="{html.escape(b.alt)}"></figure>')
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            f"<title>{html.escape(title)}</title>\n<style>\n{_CSS}\n</style>\n</head>\n<body>\n"
            + "\n".join(body) + "\n</body>\n</html>\n")


def render_html(result: Mapping[str, Any], images: Mapping[str, str] | None = None, *,
                base_dir: str | os.PathLike[str] | None = None, title: str = "newscred evaluation") -> str:
    """The report as one self-contained HTML page; image paths are resolved against ``base_dir``."""
    return _html(_blocks(result, images or {}, title), Path(base_dir) if base_dir is not None else None)


# --------------------------------------------------------------------------- write_report


def _slug(name: str, taken: set[str]) -> str:
    """A file-name-safe, unique version of a test-set name."""
    base = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-._") or "set"
    slug, i = base, 2
    while slug in taken:
        slug, i = f"{base}-{i}", i + 1
    taken.add(slug)
    return slug


def write_report(result: Mapping[str, Any], predictions: Mapping[str, tuple[np.ndarray, np.ndarray]],
                 out_dir: str | os.PathLike[str], *, title: str = "newscred evaluation",
                 band: tuple[float, float] | None = DEFAULT_BAND) -> dict[str, Path]:
    """Write ``report.json``, the figures, ``report.md`` and ``report.html`` into ``out_dir``.

    ``result`` (every key but ``results`` optional)::

        {"title", "protocol", "split": "random"|"group"|"time"|"cross-dataset",
         "model": {"name", "version"}, "data": {...free-form...},
         "results": {"<test set>": {"n", "model": {binary_metrics + *_ci}, "probes": {"majority": {...}, ...},
                                    "leaky": bool, "warnings": [str]}},
         "mean": {"<system>": mean macro-F1},
         "matrix": {"train_sets", "test_sets", "values": [[float|None]], "metric"},
         "published": [{"dataset", "setting", "system", "score", "source", "ours", "note"}]}

    ``predictions`` maps test-set names to ``(y, p)`` and drives the figures: a confusion matrix and
    a reliability diagram per set when there are at most 8 sets (pooled ones otherwise), and one
    coverage curve (overlaying the sets, pooled above 8) with the uncertain ``band`` marked; a
    ``result["band"]`` overrides ``band``.  ``result["title"]`` overrides ``title``.

    Returns the written paths: ``"json"``, ``"markdown"``, ``"html"`` and one entry per figure
    (``"confusion:<set>"``, ``"reliability:<set>"``, ``"coverage"``, ``"heatmap"``).
    """
    from . import plots  # matplotlib only when figures are actually drawn

    out = check_report_output(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    if _is_our_report(out / "report.json"):
        # an earlier report's figures of sets this one does not have would otherwise stay beside it
        for old in out.iterdir():
            if old.suffix == ".png" and _REPORT_FILES.match(old.name):
                old.unlink()
    written: dict[str, Path] = {}
    images: dict[str, str] = {}
    doc_title = str(result.get("title") or title)
    band = tuple(result["band"]) if result.get("band") else band  # type: ignore[assignment]

    written["json"] = out / "report.json"
    written["json"].write_text(json.dumps(json_safe({"written_by": WRITTEN_BY, **result}), indent=2, ensure_ascii=False, allow_nan=False) + "\n",
                               encoding="utf-8")

    sets = {str(k): (np.asarray(y, dtype=int), np.asarray(p, dtype=float)) for k, (y, p) in predictions.items()}
    sets = {k: v for k, v in sets.items() if len(v[0])}
    if len(sets) > MAX_PER_SET_FIGURES:
        pooled = {"pooled": (np.concatenate([y for y, _ in sets.values()]), np.concatenate([p for _, p in sets.values()]))}
        figure_sets, coverage_sets = pooled, pooled
    else:
        figure_sets, coverage_sets = sets, sets

    def add(name: str, path: Path) -> None:
        written[name] = path
        images[name] = path.name  # relative to report.md / report.html

    taken: set[str] = set()
    for name, (y, p) in figure_sets.items():
        slug = _slug(name, taken)
        add(f"confusion:{name}", plots.confusion_matrix_plot(y, p, out / f"confusion_{slug}.png", f"Confusion matrix — {name}"))
        add(f"reliability:{name}", plots.reliability_diagram(y, p, out / f"reliability_{slug}.png", f"Reliability — {name}"))
    if coverage_sets:
        add("coverage", plots.coverage_curve(coverage_sets, None, out / "coverage.png", "Accuracy vs coverage", band=band))

    matrix = result.get("matrix")
    if isinstance(matrix, Mapping) and matrix.get("values") and matrix.get("train_sets") and matrix.get("test_sets"):
        metric = str(matrix.get("metric", "macro_f1")).replace("macro_f1", "macro-F1")
        add("heatmap", plots.cross_dataset_heatmap(matrix["values"], [str(s) for s in matrix["train_sets"]],
                                                   [str(s) for s in matrix["test_sets"]], out / "cross_dataset.png",
                                                   f"Cross-dataset {metric} (train → test)", metric=metric))

    blocks = _blocks(result, images, doc_title)
    written["markdown"] = out / "report.md"
    written["markdown"].write_text(_md(blocks), encoding="utf-8")
    written["html"] = out / "report.html"
    written["html"].write_text(_html(blocks, out), encoding="utf-8")
    return written
