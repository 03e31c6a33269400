"""Readable terminal rendering of a report (rich)."""

from __future__ import annotations

from rich.console import Console
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from ..report import Report

_COLOURS = {"reliable": "green", "unreliable": "red", "uncertain": "yellow"}


def _bar(p: float, width: int = 30) -> Text:
    filled = round(p * width)
    bar = Text("reliable ", style="green")
    bar.append("█" * filled, style="red")
    bar.append("░" * (width - filled), style="dim")
    bar.append(" unreliable", style="red")
    return bar


def _excerpt(report: Report, text: str, limit: int = 700) -> Text:
    """The opening of the input with evidence words coloured by the way they push."""
    marks: list[tuple[int, int, str]] = []
    for ev in report.content.evidence:
        for start, end in ev.spans:
            if start < limit:
                marks.append((start, end, "bold red" if ev.weight > 0 else "bold green"))
    marks.sort()
    out = Text()
    pos = 0
    for start, end, style in marks:
        if start < pos:
            continue
        out.append(text[pos:start])
        out.append(text[start:end], style=style)
        pos = end
    out.append(text[pos:limit])
    if len(text) > limit:
        out.append(" …", style="dim")
    return out


def render_report(report: Report, text: str, console: Console | None = None) -> None:
    console = console or Console()
    c = report.content
    colour = _COLOURS.get(c.label, "white")
    head = Text()
    what = "Claim verdict (short-claim model)" if c.mode == "claim" else "Content verdict"
    head.append(f"{what}: {c.label.upper()}", style=f"bold {colour}")
    head.append(f"   p_unreliable = {c.p_unreliable:.2f}\n")
    head.append_text(_bar(c.p_unreliable))
    for reason in c.reasons:
        head.append(f"\n• {reason}", style="yellow")
    console.print(Panel(head, title=report.id or "standard input", subtitle=f"{report.model.name} {report.model.version}"))
    page = report.page
    if page:
        # an HTML page: what was read from it besides its text, so the reader can check it is the right story
        parts = [f"{name} {page[key]}" for name, key in (("title", "title"), ("url", "canonical_url"), ("site", "site_name"),
                                                          ("date", "date")) if page.get(key)]
        words = len((page.get("text") or "").split())
        console.print(Text(f"Page: {'; '.join(parts) or 'no title, URL, site or date found'} ({words:,} words of article "
                           f"text, extracted by {page.get('extractor') or 'newscred'})", style="dim"))
    console.print(Text(report.summary, style="italic"))

    if c.evidence:
        # Small words ("to", "is") and patterns ("the … s") are most of the evidence in every
        # corpus; the caption says why they are there instead of leaving readers to guess.
        table = Table(title="Words that moved the score", show_lines=False,
                      caption="Small words and patterns (… = any word) count too: the model reads how a text is "
                              "written, not whether its claims are true.")
        table.add_column("towards unreliable", style="red")
        table.add_column("weight", justify="right")
        table.add_column("towards reliable", style="green")
        table.add_column("weight", justify="right")
        pos = [e for e in c.evidence if e.weight > 0]
        neg = [e for e in c.evidence if e.weight < 0]
        for i in range(max(len(pos), len(neg))):
            row = []
            for side in (pos, neg):
                if i < len(side):
                    row += [f"{side[i].text} (×{side[i].count or len(side[i].spans)})", f"{side[i].weight:+.3f}"]
                else:
                    row += ["", ""]
            table.add_row(*row)
        console.print(table)

    if c.signals:
        sig = Table(title="Style signals (per 100 words)")
        sig.add_column("signal")
        sig.add_column("value", justify="right")
        sig.add_column("push", justify="right")
        sig.add_column("what it counts", style="dim")
        for s in c.signals[:6]:
            # a weight of exactly zero: the model gives this signal no weight (it did not lean the
            # same way in every training dataset); its value is still a fact about the text
            push = Text("not used", style="dim") if s.weight == 0 else Text(f"{s.weight:+.3f}", style="red" if s.weight > 0 else "green")
            sig.add_row(s.name, f"{s.value:.2f}", push, s.description)
        console.print(sig)
    if c.ratings:
        politics = (c.experts or {}).get("politics", 1.0)
        ratings = Table(title="PolitiFact-style rating, from the wording alone (weak: check the matched fact-checks)",
                        caption=None if politics >= 0.5 else
                        f"Read only {politics:.0%} as a political statement: these PolitiFact ratings say little here.")
        for name in c.ratings:
            ratings.add_column(name, justify="right")
        best = max(c.ratings, key=lambda k: c.ratings[k])  # type: ignore[index]
        ratings.add_row(*(Text(f"{v:.0%}", style="bold" if k == best else "") for k, v in c.ratings.items()))
        console.print(ratings)

    if report.source is not None:
        src = report.source
        agg = src.get("aggregate", {})
        colour = {"high": "green", "mixed": "yellow", "low": "red"}.get(agg.get("label"), "white")
        from ..sources.ratings import LIST_TITLES

        table = Table(title=f"Source verdict: {src.get('host') or src.get('domain') or src.get('input')} "
                            "(separate from the content verdict)")
        table.add_column("list")
        table.add_column("entry")
        table.add_column("date")
        table.add_column("rating")
        table.add_column("score", justify="right")
        for r in src.get("ratings", []):
            # the list's own fields, in its words ("factuality=high, bias=left"); bookkeeping left out
            detail = ", ".join(f"{k.replace('_', ' ')}: {'/'.join(map(str, v)) if isinstance(v, list) else v}"
                               for k, v in r.items()
                               if k not in ("list", "list_date", "score", "url_of_list", "matched", "snapshot", "mbfc_page")
                               and v not in (None, "", []))
            table.add_row(LIST_TITLES.get(r["list"], r["list"]), str(r.get("matched") or ""), str(r.get("list_date", "")),
                          detail, "" if r.get("score") is None else f"{r['score']:.2f}")
        score = agg.get("score")
        table.add_row(Text("aggregate", style="bold"), "", Text(str(agg.get("label", "unknown")).upper(), style=f"bold {colour}"),
                      "" if score is None else f"{score:.2f}")
        console.print(table)
        for note in src.get("notes", []):
            console.print(Text(f"note: {note}", style="yellow"))

    prov = report.provenance
    if prov is not None:
        table = Table(title="Provenance", show_header=False)
        table.add_column("what")
        table.add_column("found")
        wire = prov.get("wire", [])
        table.add_row("wire origin", (prov.get("wire_origin") or "none") + "".join(
            f"\n  {w['kind']}: '{w['text']}' at {w['start']}-{w['end']}" for w in wire[:4]))
        release = prov.get("press_release")
        if release:
            table.add_row("press release", f"{release.get('distributor') or 'marked'}: '{release['text']}' at "
                          f"{release['start']}-{release['end']} (the organisation's own words)")
        for b in prov.get("injected_blocks", []):
            table.add_row(Text("injected block", style="red"), f"{b['start']}-{b['end']} ({b['kind']}, score {b['score']:.2f}): "
                          f"'{b['text'][:90]}…'\n  why: {b['reason']}")
        # in text without punctuation only mid-word cuts show: "not seen" rather than a confident "no"
        no = "not seen" if prov.get("normalised_input") else "no"
        table.add_row("cut at start / end", f"{'yes' if prov.get('truncated_start') else no} / "
                      f"{'yes' if prov.get('truncated_end') else no}")
        sourcing = prov.get("sourcing", {})
        # the profile already says the three counts in words
        table.add_row("sourcing", sourcing.get("profile") or "not analysed")
        for m in (prov.get("republication") or {}).get("matches", []):
            table.add_row("also published", f"{m.get('source') or ''} {m.get('id')}: similarity {m['similarity']:.2f}, "
                          f"{m['contained_share']:.0%} of this text copied")
        console.print(table)

    claims = report.claims
    if claims is not None:
        _render_claims(claims, console)

    f = report.facts
    facts = Table(title="Facts about the text", show_header=False)
    facts.add_column("fact")
    facts.add_column("value")
    facts.add_row("words", str(f.word_count))
    facts.add_row("already normalised", "yes" if f.looks_normalised else "no")
    no = "not seen" if f.looks_normalised else "no"
    facts.add_row("cut at start / end", f"{'yes' if f.truncated_start else no} / {'yes' if f.truncated_end else no}")
    facts.add_row("wire agencies named", ", ".join(f.wire_agencies) or "none found")
    for a in f.artefacts[:8]:
        facts.add_row(f"removed from model input: {a['kind'].replace('_', ' ')}", f"'{a['text']}' at {a['start']}-{a['end']}")
    if len(f.artefacts) > 8:
        facts.add_row("…", f"{len(f.artefacts) - 8} more artefacts (see --json)")
    console.print(facts)
    console.print(Panel(_excerpt(report, text), title="Opening, evidence highlighted (red: towards unreliable, green: towards reliable)"))
    console.print(Text(f"model {report.model.name} {report.model.version} sha256:{report.model.sha256[:16]}…", style="dim"))


def _render_claims(claims: dict, console: Console) -> None:
    """The check-worthy sentences, most worth checking first, with fact-checks they resemble."""
    items = claims.get("items", [])
    title = f"Check-worthy claims ({len(items)} of {claims.get('sentences', 0)} sentences; check these first)"
    table = Table(title=title, show_lines=True)
    table.add_column("#", justify="right")
    table.add_column("score", justify="right")
    table.add_column("sentence (characters)")
    for item in items:
        cell = Text(f"{item['text']}", style="bold")
        cell.append(f"  [{item['start']}-{item['end']}]", style="dim")
        for m in item.get("matches", []):
            c = m["claim"]
            # the claim first, then its verdict: read the other way round, the verdict seems to be
            # about the sentence above, and a similar claim can say the opposite
            verdict = c.get("verdict_text") or c.get("verdict") or "?"
            colour = {"unreliable": "red", "reliable": "green"}.get(c.get("label") or "", "yellow")
            cell.append(f"\n  a similar claim, not the same (similarity {m['similarity']:.2f}): ", style="dim")
            cell.append(f"\"{c['text'][:120]}\" ")
            cell.append(f"{verdict}", style=f"bold {colour}")
            cell.append(f" ({c.get('dataset')})", style="dim")
            if c.get("url"):
                cell.append(f" {c['url']}", style="dim")
            if m.get("negation_differs"):
                cell.append("\n    careful: one of the two is negated and the other not, so it may say the opposite",
                            style="yellow")
        table.add_row(str(item["rank"]), f"{item['score']:.2f}", cell)
    if items:
        console.print(table)
    else:
        console.print(Text("Check-worthy claims: none found above the threshold.", style="dim"))
    for note in claims.get("notes", []):
        console.print(Text(f"note: {note}", style="dim"))
