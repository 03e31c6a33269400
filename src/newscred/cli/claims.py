"""``newscred claims``: find already fact-checked claims that resemble a sentence."""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any, Callable, Iterator

import click

from ..errors import InputError
from ..text.validate import DEFAULT_MAX_CHARS
from . import main
from ._common import handle_errors


@main.group("claims")
def claims_group() -> None:
    """Check-worthy claims: match sentences against already fact-checked claims.

    \b
    Examples:
      newscred claims sentences article.txt --by-score       # every sentence, most check-worthy first
      newscred claims index build -o claims.idx
      newscred claims index query claims.idx "Vaccines cause autism"
      newscred claims index query claims.idx "the sun not humans is warming the planet" -k 3 --json
      newscred claims index info claims.idx
    """


@claims_group.command("sentences")
@click.argument("article", type=str)
@click.option("--normalised/--raw", "normalised", default=None,
              help="Split with the boundary model (text without punctuation) or the punctuation rules "
                   "(default: decided from the text, as 'analyze' does).")
@click.option("--html/--text", "as_html", default=None,
              help="Treat the input as an HTML page (default: when the file ends in .html/.htm, or the text starts with '<' "
                   "and has <html>, <body> or <p>): "
                   "its main text is extracted first, as 'analyze' does, and offsets refer to that text.")
@click.option("--by-score", is_flag=True, help="Most check-worthy first (default: in text order).")
@click.option("--json", "as_json", is_flag=True,
              help="One JSON object per line: start, end, score (null when not scored), check_worthy, injected, not_scored "
                   "(short or furniture), text.")
@click.option("--max-chars", default=DEFAULT_MAX_CHARS, show_default=True, help="Refuse inputs longer than this.")
@click.option("--sentence-model", "sentence_model", type=click.Path(exists=True, file_okay=False), default=None,
              envvar="NEWSCRED_SENTENCE_MODEL", show_envvar=True,
              help="A sentence boundary model you trained (python -m newscred.claims.sentences train --architecture "
                   "transformer ...) instead of the bundled one, for text without punctuation.")
@handle_errors
def sentences_cmd(article: str, normalised: bool | None, as_html: bool | None, by_score: bool, as_json: bool,
                  max_chars: int, sentence_model: str | None) -> None:
    """Every sentence of ARTICLE ('-' reads standard input) with its check-worthiness.

    The report of 'newscred analyze' lists the ten most check-worthy sentences above the model's
    threshold; this lists all of them, with the character offsets of each in ARTICLE, so you can
    see where sentences were cut in text that lost its punctuation.  Sentences lying mostly inside
    a block a republisher injected (see 'analyze', provenance) are marked "injected": the report
    never lists them, since their claims are not the article's.

    \b
    Examples:
      newscred claims sentences article.txt
      newscred claims sentences scraped.txt --by-score | head
      cat article.txt | newscred claims sentences - --json
      newscred claims sentences saved-page.html
      newscred claims sentences scraped.txt --sentence-model models/sentences-mpnet
    """
    from ..claims.extract import ClaimFinder
    from ..claims.sentences import SentenceBoundaryModel
    from ..provenance.html import text_to_analyse
    from .analyze import _read_input, treat_as_html

    text, _ = _read_input(article, max_chars)
    text, _ = text_to_analyse(text, treat_as_html(article, as_html), max_chars=max_chars)
    finder = ClaimFinder(sentence_model=SentenceBoundaryModel.load(sentence_model) if sentence_model else None)
    listing = finder.sentence_list(text, normalised=normalised)
    rows = listing["sentences"]
    if by_score:
        rows = sorted(rows, key=lambda r: (r["score"] is None, -(r["score"] or 0.0), r["start"]))
    for row in rows:
        if as_json:
            click.echo(json.dumps(row, ensure_ascii=False))
            continue
        flag = "x" if row["injected"] else "*" if row["check_worthy"] else " "
        shown = {"short": "  -  ", "furniture": "  ~  "}.get(row["not_scored"], "  -  ") if row["score"] is None \
            else f"{row['score']:.2f}"
        click.echo(f"{flag}{shown}  [{row['start']}-{row['end']}]  {row['text']}")
    if not as_json:
        # on standard error (standard output is the listing), after a line break of its own: where
        # both streams end up together (2>&1, a terminal, a tool that joins them after stripping
        # the listing's last newline) the footer never runs on from the last sentence
        sys.stdout.flush()
        click.echo(f"\n{len(rows)} sentences ({listing['segmentation']}); * = check-worthy (score >= "
                   f"{listing['threshold']:.2f}); x = inside an injected block (never listed in a report); "
                   "'-' = under 5 words, '~' = a credit line, caption, notice or contact (never a claim); neither is "
                   "scored", err=True)


@claims_group.group("index")
def index_group() -> None:
    """Build, query and describe a claim index (a verified directory, no pickle).

    \b
    Examples:
      newscred claims index build -o claims.idx                          # LIAR, CLIMATE-FEVER, CoAID, Snopes
      newscred claims index build -o covid.idx --dataset coaid_claims    # one corpus
      newscred claims index build -o mine.idx --claims my_factchecks.jsonl --lexical-only
      newscred claims index query claims.idx "Obama was born in Kenya"
      newscred claims index info claims.idx --json

    Both sides are normalised (lower-case, punctuation removed), so a scraped sentence finds
    the same fact-check as the original.  Similarity is a cosine: MiniLM-distilled static
    embeddings fused with TF-IDF word n-grams, or TF-IDF alone when the embedder is missing.
    A match means "a fact-checker looked at something like this", never that the sentence
    is true or false: read the fact-check.
    """


def _run_with_progress(label: str, show: bool | None, work: Callable[[Callable[[int], None] | None], Any]) -> Any:
    show = sys.stderr.isatty() if show is None else show
    if not show:
        return work(None)
    from rich.console import Console
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    with Progress(SpinnerColumn(), TextColumn(label), BarColumn(), TextColumn("{task.completed:,} claims"),
                  TimeElapsedColumn(), transient=True, console=Console(stderr=True)) as bar:
        task = bar.add_task(label, total=None)
        return work(lambda n: bar.advance(task, n))


@index_group.command("build")
@click.option("-o", "--output", required=True,
              help="Index directory to write. It must not exist, be empty, or hold a claim index (from an earlier "
                   "build), which is replaced only when the build completes; anything else is refused, never deleted.")
@click.option("--data", "data_dir", default=None, type=click.Path(file_okay=False),
              help="Shared data folder (default: $NEWSCRED_DATA or ../shared/data).")
@click.option("--dataset", "datasets", multiple=True, metavar="NAME",
              help="Corpus to index (repeatable). Default: liar, climate_fever, coaid_claims, misinfotext_sfu.")
@click.option("--claims", "claim_files", multiple=True, type=click.Path(dir_okay=False),
              help="JSONL file of your own fact-checked claims (id, text, verdict, label, dataset, url...); "
                   "repeatable. Given alone, no shared corpus is read.")
@click.option("--lexical-only", is_flag=True, help="Do not embed: TF-IDF only (no embedder needed at query time).")
@click.option("--embedder", "embedder_path", default=None, type=click.Path(file_okay=False),
              help="Embedder bundle directory (default: the bundled claim-embedder).")
@click.option("--progress/--no-progress", default=None,
              help="Progress bar on standard error (default: when it is a terminal).")
@handle_errors
def build_cmd(output: str, data_dir: str | None, datasets: tuple[str, ...], claim_files: tuple[str, ...],
              lexical_only: bool, embedder_path: str | None, progress: bool | None) -> None:
    """Index fact-checked claims from the shared corpora and/or your own JSONL files.

    \b
    Examples:
      newscred claims index build -o claims.idx
      newscred claims index build -o claims.idx --data /data/shared --dataset liar --dataset climate_fever
      newscred claims index build -o mine.idx --claims factchecks.jsonl
    """
    from ..claims.matching import DEFAULT_DATASETS, INDEX_TASK, ClaimIndex, fact_checked_claims, read_claims_jsonl
    from ..model.outputs import check_bundle_output

    # before reading and embedding every claim (the library checks again when it writes)
    check_bundle_output(output, INDEX_TASK, what="claim index")
    for f in claim_files:
        if not Path(f).is_file():
            raise InputError(f"{f}: no such file. Give a JSONL file of fact-checked claims.")
    names = datasets or (() if claim_files else DEFAULT_DATASETS)
    counts: Counter[str] = Counter()

    def claims() -> Iterator[Any]:
        for c in fact_checked_claims(data_dir, names) if names else ():
            counts[c.dataset] += 1
            yield c
        for f in claim_files:
            for c in read_claims_jsonl(f):
                counts[c.dataset or f] += 1
                yield c

    embedder = None
    if embedder_path and not lexical_only:
        from ..claims.embedder import StaticEmbedder

        embedder = StaticEmbedder.load(embedder_path)
    index = _run_with_progress("indexing", progress, lambda cb: ClaimIndex.build(
        claims(), output, embedder=embedder, lexical_only=lexical_only, progress=cb))
    info = index.info()
    indexed = info.get("datasets") or {}
    for name, n in sorted(counts.items()):
        # rows read minus unlabelled rows, left-out entries and duplicates = what a query can return
        click.echo(f"  {name}: {n:,} read, {indexed.get(name, 0):,} indexed", err=True)
    for why, n in (index.config.get("left_out") or {}).items():
        click.echo(f"  left out, {why}: {n:,}", err=True)
    click.echo(f"indexed {info['claims']:,} claims ({len(index):,} distinct) into {output}; "
               f"scoring: {', '.join(info['methods'])}", err=True)
    if index.fallback_reason and not lexical_only:
        click.echo(f"warning: lexical only: {index.fallback_reason}", err=True)


@index_group.command("query")
@click.argument("index_path", metavar="INDEX")
@click.argument("texts", nargs=-1, required=True, metavar="TEXT...")
@click.option("-k", "--top-k", default=5, show_default=True, type=click.IntRange(1, 100), help="Matches per text.")
@click.option("--min-similarity", default=None, type=click.FloatRange(0.0, 1.0),
              help="Report claims at least this similar (default: the measured floor of the method, see 'info'; "
                   "0 = the k nearest).")
@click.option("--method", type=click.Choice(["fused", "embedding", "lexical"]), default=None,
              help="Scorer (default: fused when the embedder is available, else lexical).")
@click.option("--json", "as_json", is_flag=True, help="Print the matches as JSON.")
@handle_errors
def query_cmd(index_path: str, texts: tuple[str, ...], top_k: int, min_similarity: float | None,
              method: str | None, as_json: bool) -> None:
    """Which fact-checked claims resemble TEXT?  ('-' reads one sentence per line from stdin.)

    Each match is a similar claim, not TEXT itself: its verdict applies to the matched claim's
    own wording, which may differ in a name, a number or a "not".

    \b
    Examples:
      newscred claims index query claims.idx "Vaccines cause autism"
      newscred claims index query claims.idx "a claim" "another claim" --json
      newscred claims index query claims.idx - --min-similarity 0 < sentences.txt
    """
    from ..claims.matching import ClaimIndex

    sentences: list[str] = []
    for t in texts:
        if t == "-":
            sentences += [line.strip() for line in sys.stdin.read().splitlines() if line.strip()]
        else:
            sentences.append(t)
    if not sentences or not any(s.strip() for s in sentences):
        raise InputError("nothing to match: give at least one non-empty TEXT")
    index = ClaimIndex.open(index_path, method="lexical" if method == "lexical" else None)
    results = index.query(sentences, k=top_k, min_similarity=min_similarity, method=method)
    used = method or index.default_method
    if as_json:
        payload = [{"text": s, "method": used, "matches": [m.to_dict() for m in ms]} for s, ms in zip(sentences, results)]
        click.echo(json.dumps(payload if len(payload) > 1 else payload[0], indent=2, ensure_ascii=False))
        return
    if index.fallback_reason and method is None:
        click.echo(f"note: lexical matching only ({index.fallback_reason})", err=True)
    from ..claims.extract import MATCH_CAVEAT

    for sentence, matches in zip(sentences, results):
        click.echo(f"{sentence}")
        if not matches:
            click.echo("  no fact-checked claim is similar enough (try --min-similarity 0 to see the nearest)")
            continue
        for i, m in enumerate(matches, 1):
            c = m.claim
            click.echo(f"  {i}. similar claim [similarity {m.similarity:.2f}]: {c.text}")
            verdicts = "; ".join(dict.fromkeys(x.verdict_text for x in (c, *m.also) if x.verdict_text))  # each once
            extra = f"  speaker {c.speaker}" if c.speaker else ""
            click.echo(f"     its verdict: {verdicts or '-'}{extra}  url {c.url or '-'}  id {c.id}")
            if m.negation_differs:
                click.echo("     careful: one of the two is negated and the other is not; "
                           "the claim may say the opposite")
    if any(results):
        click.echo(f"note: {MATCH_CAVEAT}")


@index_group.command("info")
@click.argument("index_path", metavar="INDEX")
@click.option("--json", "as_json", is_flag=True, help="Print the description as JSON.")
@handle_errors
def info_cmd(index_path: str, as_json: bool) -> None:
    """Describe INDEX: claims per corpus, embedder, scorers, thresholds (and verify its files).

    \b
    Example:
      newscred claims index info claims.idx
    """
    from ..claims.matching import ClaimIndex

    info = ClaimIndex.open(index_path).info()
    if as_json:
        click.echo(json.dumps(info, indent=2))
        return
    click.echo(f"{info['path']}: {info['claims']:,} fact-checked claims, {info['entries']:,} distinct "
               f"(built {info['created_at']}); files verified")
    for name, n in (info["datasets"] or {}).items():
        click.echo(f"  {name}: {n:,}")
    emb = info["embedder"]
    click.echo(f"embedder: {emb['name']} ({emb['dims']} dims)" if emb else "embedder: none (lexical-only index)")
    click.echo(f"scoring: {', '.join(info['methods'])} (default {info['default_method']}; "
               f"fusion weight {info['fusion_weight']})")
    click.echo("default min similarity: " + ", ".join(f"{k} {v}" for k, v in info["min_similarity"].items()))
    left_out = info.get("left_out")
    if left_out is None:
        click.echo("left out: not recorded (built by an older newscred: non-claims are left out when queried)")
    else:
        click.echo("left out (not claims with a verdict): "
                   + (", ".join(f"{k}: {v:,}" for k, v in left_out.items()) or "none"))
    if info["fallback_reason"]:
        click.echo(f"note: {info['fallback_reason']}")
    click.echo(f"claims with disagreeing verdicts: {info['verdicts_disagree']}")
