#!/usr/bin/env python3
"""Build the bundled source-rating tables from ../shared/data.

    .venv/bin/python scripts/build_source_tables.py                 # writes src/newscred/sources/data/
    .venv/bin/python scripts/build_source_tables.py --out /tmp/t    # somewhere else (e.g. to compare)
    .venv/bin/python scripts/build_source_tables.py --data-root PATH   # or set NEWSCRED_DATA

Reads the three shared folders (source_ratings_lin2023, source_ratings_baly_mbfc,
source_ratings_opensources) and writes one small CSV per list keyed by host (``www.`` removed,
lower case, punycode) or host+path for entries that rate a section of a site, plus
``manifest.json`` (origin, commit, licence, sha256 of every input and output file, and every row
that was dropped, merged or re-keyed, with the reason).  The output is byte-for-byte reproducible:
no timestamps, sorted rows, ``\\n`` line ends.

``--psl FILE`` also refreshes the vendored Public Suffix List (copied verbatim; it must keep the
MPL-2.0 header), e.g. from the ``publicsuffixlist`` wheel's ``public_suffix_list.dat``.
It never touches SOURCES.md or the PSL licence file.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import re
import shutil
import sys
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from newscred.datasets.registry import data_root  # noqa: E402
from newscred.sources.ratings import (  # noqa: E402
    LISTS,
    MANIFEST_FILE,
    TABLE_FILES,
    ListKey,
    normalise_category,
    normalise_list_key,
)

DEFAULT_OUT = ROOT / "src" / "newscred" / "sources" / "data"

META: dict[str, dict[str, Any]] = {
    "lin2023": {
        "folder": "source_ratings_lin2023",
        "name": "News-domain quality ratings, aggregate pc1 (Lin et al. 2023)",
        "authors": "Hause Lin, Jana Lasser, Stephan Lewandowsky, Rocky Cole, Andrew Gully, David G. Rand, Gordon Pennycook",
        "citation": "Lin et al. (2023). High level of correspondence across different news domain quality rating sets. "
        "PNAS Nexus 2(9), pgad286. doi:10.1093/pnasnexus/pgad286",
        "date": "2023-09",
        "repository": "hauselin/domain-quality-ratings",
        "licence": "No licence file in the repository; its README says 'Feel free to reuse the data'. Cite the paper.",
        "licence_short": "none stated; README: free to reuse, cite",
        "values": "pc1: first principal component over six imputed expert rating sets (NewsGuard, MBFC, AFM, "
        "fact-checkers, Lasser et al., Iffy); 0 = lowest quality, 1 = highest",
        "to_score": "score = pc1 as published",
    },
    "baly_mbfc": {
        "folder": "source_ratings_baly_mbfc",
        "name": "Media Bias/Fact Check factuality and bias labels as collected by Baly et al. (EMNLP 2018, ACL 2020)",
        "authors": "Ramy Baly, Georgi Karadzhov, Dimitar Alexandrov, James Glass, Preslav Nakov (EMNLP 2018); "
        "Ramy Baly, Georgi Karadzhov, Jisun An, Haewoon Kwak, Yoan Dinkov, Ahmed Ali, James Glass, Preslav Nakov "
        "(ACL 2020); labels by Media Bias/Fact Check (mediabiasfactcheck.com)",
        "citation": "Baly et al. (2018). Predicting Factuality of Reporting and Bias of News Media Sources. EMNLP; "
        "Baly et al. (2020). What Was Written vs. Who Read It: News Media Profiling Using Text Analysis and "
        "Social Media Context. ACL",
        "date": "2018 and 2020 snapshots of MBFC",
        "repository": "ramybaly/News-Media-Reliability",
        "licence": "No licence file in the repository. The labels are scraped from mediabiasfactcheck.com; research use.",
        "licence_short": "none stated; MBFC labels, research use",
        "values": "fact: low | mixed | high; bias: extreme-left .. extreme-right (7 points, 2018) or left | center | "
        "right (2020); mbfc_page: the MBFC review",
        "to_score": "score from factuality of the 2020 snapshot when present, else 2018: low 0.125, mixed 0.5, "
        "high 0.875 (midpoints of MBFC's very low 0 .. very high 1 scale); bias is reported, never scored",
    },
    "opensources": {
        "folder": "source_ratings_opensources",
        "name": "OpenSources.co domain list",
        "authors": "Melissa Zimdars (Merrimack College) and the OpenSources team",
        "citation": "OpenSources, professionally curated lists of online sources (opensources.co), 2017",
        "date": "2017-04-28",
        "repository": "BigMcLargeHuge/opensources",
        "licence": "GNU LGPL v3 (the repository's LICENSE file); the opensources.co site itself said CC BY 4.0.",
        "licence_short": "LGPL-3.0 (site: CC BY 4.0)",
        "values": "categories: up to three tags per domain (fake, satire, bias, conspiracy, rumor, state, junksci, "
        "hate, clickbait, unreliable, political, reliable; plus one stray 'blog'), in the list's order",
        "to_score": "score = the most severe tag: fake/conspiracy/junksci 0.1; unreliable/bias/clickbait/hate/rumor/"
        "state 0.3; political 0.5; reliable 0.9; satire and blog give no score (a note instead)",
    },
}


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def provenance_commit(folder: Path) -> str:
    text = (folder / "PROVENANCE.md").read_text(encoding="utf-8")
    m = re.search(r"\*\*Commit\*\*:\s*([0-9a-f]{40})", text)
    if not m:
        raise SystemExit(f"no commit in {folder / 'PROVENANCE.md'}")
    return m.group(1)


class Assembler:
    """Turns (raw entry, value) pairs into keyed entries and logs every decision."""

    def __init__(self) -> None:
        self.items: list[tuple[str, ListKey, Any]] = []
        self.skipped: list[dict[str, str]] = []
        self.rekeyed: list[dict[str, str]] = []
        self.merged: list[dict[str, str]] = []

    def add(self, raw: str, value: Any) -> None:
        key = normalise_list_key(raw)
        if key is None:
            self.skipped.append({"entry": raw, "reason": "not a valid host name or URL"})
            return
        self.items.append((raw, key, value))

    def build(self, merge: Callable[[str, Any, Any], Any | None], log_merges: bool = True) -> dict[str, Any]:
        """``merge(key, old, new)`` returns the merged value, or None to keep ``old`` and log a drop."""
        hosts = {k.host for _, k, _ in self.items if not k.path}
        out: dict[str, Any] = {}
        raws: dict[str, str] = {}
        for raw, key, value in self.items:
            if key.path and key.root_equivalent and key.host not in hosts:
                key = ListKey(key.host)  # "who.int/en/" stands for who.int when nothing else does
            k = key.key
            simple = raw.strip().lower().rstrip("/")
            if simple != k and simple not in (f"www.{k}", f"http://{k}", f"https://{k}", f"http://www.{k}", f"https://www.{k}"):
                self.rekeyed.append({"entry": raw, "key": k})
            if k in out:
                merged = merge(k, out[k], value)
                if merged is None:
                    self.skipped.append({"entry": raw, "reason": f"duplicate of '{raws[k]}' (both are {k}); kept the first"})
                else:
                    out[k] = merged
                    if log_merges:
                        self.merged.append({"entry": raw, "into": k})
                continue
            out[k] = value
            raws[k] = raw
        return out

    def log(self) -> dict[str, Any]:
        return {"rekeyed": self.rekeyed, "merged": self.merged, "skipped": self.skipped}


def read_csv(path: Path, **kw: Any) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh, **kw))


def build_lin(folder: Path) -> tuple[list[list[str]], list[str], Assembler, list[Path]]:
    src = folder / "raw" / "data" / "domain_pc1.csv"
    asm = Assembler()
    rows = read_csv(src)
    # An exact "example.com" wins over "www.example.com" for the same site: add exact keys first.
    rows.sort(key=lambda r: r["domain"].strip().lower().startswith("www."))
    for r in rows:
        asm.add(r["domain"], float(r["pc1"]))
    entries = asm.build(lambda k, old, new: None)
    out = [[k, f"{round(v, 4):g}"] for k, v in sorted(entries.items())]
    return out, ["key", "pc1"], asm, [src]


def build_baly(folder: Path) -> tuple[list[list[str]], list[str], Assembler, list[Path]]:
    srcs = []
    asm = Assembler()
    for version in ("acl2020", "emnlp18"):
        src = folder / "raw" / "data" / version / "corpus.tsv"
        srcs.append(src)
        for r in read_csv(src, delimiter="\t"):
            asm.add(r["source_url"], {f"{version}_fact": r["fact"], f"{version}_bias": r["bias"], "mbfc_page": r["ref"]})

    def merge(key: str, old: dict[str, str], new: dict[str, str]) -> dict[str, str] | None:
        if any(k in old for k in new if k != "mbfc_page"):
            return None  # the same site twice in one snapshot
        return {**new, **old}  # the 2020 snapshot was added first: its MBFC page wins

    entries = asm.build(merge, log_merges=False)  # one site in both snapshots is the normal case
    header = ["key", "acl2020_fact", "acl2020_bias", "emnlp18_fact", "emnlp18_bias", "mbfc_page"]
    out = [[k] + [v.get(h, "") for h in header[1:]] for k, v in sorted(entries.items())]
    return out, header, asm, srcs


def build_opensources(folder: Path) -> tuple[list[list[str]], list[str], Assembler, list[Path]]:
    src = folder / "raw" / "sources" / "sources.csv"
    asm = Assembler()
    with src.open(newline="", encoding="utf-8") as fh:
        reader = csv.reader(fh)
        next(reader)  # ",type,2nd type,3rd type,Source Notes (things to know?),"
        for row in reader:
            cats = [normalise_category(c) for c in row[1:4]]
            cats = list(dict.fromkeys(c for c in cats if c))
            note = " ".join(row[4].split()) if len(row) > 4 else ""
            if not cats:
                asm.skipped.append({"entry": row[0], "reason": "no category"})
                continue
            asm.add(row[0], {"categories": cats, "notes": [note] if note else []})

    def merge(key: str, old: dict[str, list[str]], new: dict[str, list[str]]) -> dict[str, list[str]]:
        return {
            "categories": list(dict.fromkeys(old["categories"] + new["categories"])),
            "notes": list(dict.fromkeys(old["notes"] + new["notes"])),
        }

    entries = asm.build(merge)
    out = [[k, ";".join(v["categories"]), " | ".join(v["notes"])] for k, v in sorted(entries.items())]
    return out, ["key", "categories", "notes"], asm, [src]


BUILDERS = {"lin2023": build_lin, "baly_mbfc": build_baly, "opensources": build_opensources}


def write_csv(header: list[str], rows: list[list[str]]) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue().encode("utf-8")


def build(root: Path, out: Path) -> dict[str, Any]:
    out.mkdir(parents=True, exist_ok=True)
    manifest: dict[str, Any] = {"format": 1, "built_by": "scripts/build_source_tables.py", "lists": {}}
    for name in LISTS:
        meta = META[name]
        folder = root / meta["folder"]
        rows, header, asm, srcs = BUILDERS[name](folder)
        data = write_csv(header, rows)
        (out / TABLE_FILES[name]).write_bytes(data)
        commit = provenance_commit(folder)
        manifest["lists"][name] = {
            "file": TABLE_FILES[name],
            "sha256": sha256(data),
            "bytes": len(data),
            "entries": len(rows),
            "section_entries": sum(1 for r in rows if "/" in r[0]),
            "name": meta["name"],
            "authors": meta["authors"],
            "citation": meta["citation"],
            "date": meta["date"],
            "licence": meta["licence"],
            "licence_short": meta["licence_short"],
            "origin": {
                "repository": meta["repository"],
                "commit": commit,
                "shared_folder": meta["folder"],
                "files": [
                    {"path": str(p.relative_to(folder / "raw")), "sha256": sha256(p.read_bytes())} for p in srcs
                ],
            },
            "url_of_list": f"https://github.com/{meta['repository']}/tree/{commit}",
            "values": meta["values"],
            "to_score": meta["to_score"],
            "build_log": asm.log(),
        }
    text = json.dumps(manifest, indent=1, ensure_ascii=False) + "\n"
    (out / MANIFEST_FILE).write_text(text, encoding="utf-8")
    return manifest


def refresh_psl(psl: Path, out: Path) -> None:
    head = psl.read_text(encoding="utf-8")[:2000]
    if "Mozilla Public" not in head or "// VERSION:" not in head:
        raise SystemExit(f"{psl} does not look like the Public Suffix List (no MPL header or VERSION line)")
    shutil.copyfile(psl, out / "public_suffix_list.dat")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data-root", help="folder holding the shared datasets (default: $NEWSCRED_DATA or ../shared/data)")
    ap.add_argument("--out", default=str(DEFAULT_OUT), help=f"output folder (default: {DEFAULT_OUT.relative_to(ROOT)})")
    ap.add_argument("--psl", help="also copy this public_suffix_list.dat into the output folder")
    args = ap.parse_args(argv)
    root = data_root(args.data_root)
    out = Path(args.out)
    manifest = build(root, out)
    if args.psl:
        refresh_psl(Path(args.psl), out)
    for name, meta in manifest["lists"].items():
        log = meta["build_log"]
        print(
            f"{name:12} {meta['entries']:6d} entries ({meta['section_entries']} site sections) {meta['bytes']:8d} bytes  "
            f"skipped {len(log['skipped'])}, merged {len(log['merged'])}, re-keyed {len(log['rekeyed'])}"
        )
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
