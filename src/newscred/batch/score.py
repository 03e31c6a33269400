"""Score many articles: one output row per input row, errors as rows, never a lost row."""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Callable, Iterable, Iterator

from ..analyzer import Analyzer
from ..datasets.tabular import RowResult, iter_rows
from ..errors import MissingColumnError, NewscredError


@dataclass
class ScoreSummary:
    """What a batch run did: every input row is counted exactly once."""

    rows: int = 0
    scored: int = 0
    errors: int = 0
    labels: dict[str, int] = field(default_factory=dict)
    error_codes: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def _row_id(data: dict[str, Any] | None, id_col: str | None, index: int) -> str:
    if data is not None and id_col and data.get(id_col) not in (None, ""):
        return str(data[id_col])
    return str(index)


def score_rows(
    analyzer: Analyzer,
    rows: Iterable[RowResult],
    *,
    text_col: str = "text",
    title_col: str | None = "title",
    id_col: str | None = "id",
    url_col: str | None = "url",
) -> Iterator[dict[str, Any]]:
    """Turn input rows into output rows: the report dict, or an ``error`` object."""
    for row in rows:
        rid = _row_id(row.data, id_col, row.index)
        base: dict[str, Any] = {"row": row.index, "id": rid}
        if row.error is not None:
            yield {**base, "error": row.error.to_dict()}
            continue
        data = row.data or {}
        try:
            if text_col not in data:
                raise MissingColumnError(
                    f"row {row.index} has no '{text_col}' column (columns: {', '.join(map(str, data)) or 'none'}); "
                    "choose the text column with --text-col"
                )
            text = data[text_col]
            if not isinstance(text, str):
                text = "" if text is None else str(text)
            title = data.get(title_col) if title_col else None
            url = data.get(url_col) if url_col else None
            report = analyzer.analyze(
                text,
                title=None if title is None else str(title),
                url=None if url is None else str(url),
                id=rid,
            )
            yield {**base, **report.to_dict()}
        except NewscredError as exc:
            yield {**base, "error": exc.to_dict()}
        except Exception as exc:  # one strange row must not end a run of millions
            yield {**base, "error": {"code": "internal", "message": f"{type(exc).__name__}: {exc}"}}


def score_file(
    analyzer: Analyzer,
    source: str | os.PathLike[str],
    dest: str | os.PathLike[str] | IO[str],
    *,
    fmt: str | None = None,
    text_col: str = "text",
    title_col: str | None = "title",
    id_col: str | None = "id",
    url_col: str | None = "url",
    progress: Callable[[int], None] | None = None,
) -> ScoreSummary:
    """Score ``source`` (JSONL/CSV/TSV/Parquet path, or "-" for stdin) into a JSONL ``dest``."""
    summary = ScoreSummary()
    out_rows = score_rows(
        analyzer, iter_rows(source, fmt=fmt), text_col=text_col, title_col=title_col, id_col=id_col, url_col=url_col
    )
    close = False
    if isinstance(dest, (str, os.PathLike)):
        if str(dest) == "-":
            fh: IO[str] = sys.stdout
        else:
            Path(dest).parent.mkdir(parents=True, exist_ok=True)
            fh = open(dest, "w", encoding="utf-8")
            close = True
    else:
        fh = dest
    try:
        for out in out_rows:
            fh.write(json.dumps(out, ensure_ascii=False) + "\n")
            summary.rows += 1
            if "error" in out:
                summary.errors += 1
                code = out["error"]["code"]
                summary.error_codes[code] = summary.error_codes.get(code, 0) + 1
            else:
                summary.scored += 1
                label = out["content"]["label"]
                summary.labels[label] = summary.labels.get(label, 0) + 1
            if progress is not None:
                progress(1)
    finally:
        if close:
            fh.close()
    return summary
