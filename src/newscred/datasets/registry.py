"""Registry of the shared labelled corpora and the one entry point to load them.

Datasets live under a *data root* (``<root>/<name>/{PROVENANCE.md,data.jsonl,raw/}``), found by
:func:`data_root`.  :func:`load_dataset` reads the complete flattened ``data.jsonl`` by default
(``raw/`` is a trimmed sample for some corpora, e.g. 20 of 6,445 FakeNewsNet crawl files) and
maps it exactly like the raw reader does; ``from_raw=True`` parses the published files instead.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator, Literal, Mapping

from ..errors import DatasetNotFoundError
from . import readers as r
from .record import Record

__all__ = [
    "DATASETS",
    "DatasetSpec",
    "article_datasets",
    "claim_datasets",
    "data_root",
    "get_spec",
    "load_dataset",
]

ENV_VAR = "NEWSCRED_DATA"

Kind = Literal["article", "claim"]
GroupBy = Literal["domain", "source", "pair_id"]


@dataclass(frozen=True)
class DatasetSpec:
    """How to read one shared corpus and what its labels mean.

    ``label_map`` maps the dataset's own word to ``"reliable"``/``"unreliable"``, or to ``None``
    for words deliberately left out (e.g. "no factual content"); every word found in the data is
    listed, so an unlisted one raises :class:`~newscred.errors.UnknownLabelError`.
    ``group_by`` names the Record field whose value is ``Record.group``: the unit that must
    never straddle a train/test split (``None`` when the corpus has no such unit; then the
    official split in ``Record.subset`` is the safe choice).
    """

    name: str
    kind: Kind
    reader: Callable[[str | Path], Iterator[Record]]
    label_map: Mapping[str, str | None]
    group_by: GroupBy | None
    licence: str
    citation: str
    notes: str
    #: converts one ``data.jsonl`` object into the same Record the raw reader builds
    from_jsonl: Callable[[Mapping[str, Any]], Record]
    #: folder under the data root (two specs may share one, e.g. CoAID news and claims)
    folder: str = ""
    #: flattened file inside ``folder``
    jsonl: str = "data.jsonl"
    #: False when ``raw/`` holds only part of the rows (``data.jsonl`` is then the full set)
    raw_complete: bool = True
    #: True when ``Record.subset`` names a sub-collection with its own class mix (FakeNewsNet's
    #: GossipCop and PolitiFact halves); elsewhere it is an official split or a snapshot date.
    #: Training balances such sub-collections like datasets (training.prepare.balanced_weights).
    subset_is_collection: bool = False

    @property
    def directory(self) -> str:
        return self.folder or self.name


def _spec(**kw: Any) -> DatasetSpec:
    return DatasetSpec(**kw)


_SPECS = [
    _spec(
        name="buzzfeed_webis_2016",
        kind="article",
        reader=r.read_buzzfeed_webis,
        from_jsonl=r.buzzfeed_webis_from_jsonl,
        label_map=r.BUZZFEED_LABELS,
        group_by="source",
        licence="not stated in the copy; Zenodo original believed CC BY 4.0 (verify)",
        citation="Potthast et al. 2018, A Stylometric Inquiry into Hyperpartisan and Fake News, ACL",
        notes="9 Facebook pages, Sep 2016; label follows the publisher (grouped by page), overlaps fakenewsnet_v1 and misinfotext_sfu.",
    ),
    _spec(
        name="fakenewsnet_v1",
        kind="article",
        reader=r.read_fakenewsnet_v1,
        from_jsonl=r.fakenewsnet_v1_from_jsonl,
        label_map=r.FAKE_REAL_LABELS,
        group_by="domain",
        licence="none stated; research use, cite Shu et al. 2017/2018",
        citation="Shu, Sliva, Wang, Tang, Liu 2017, Fake News Detection on Social Media: A Data Mining Perspective, SIGKDD Explorations",
        notes="91+91 BuzzFeed and 120+120 PolitiFact articles; BuzzFeed half overlaps buzzfeed_webis_2016; dates only in raw/.",
        subset_is_collection=True,
    ),
    _spec(
        name="fakenewsnet_crawl_krishg",
        kind="article",
        reader=r.read_fakenewsnet_crawl,
        from_jsonl=r.fakenewsnet_crawl_from_jsonl,
        label_map=r.FAKE_REAL_LABELS,
        group_by="domain",
        licence="none; FakeNewsNet is research-only and not redistributable in full",
        citation="Shu, Mahudeswaran, Wang, Lee, Liu 2018, FakeNewsNet (arXiv:1809.01286)",
        notes="raw/ is a 20-file sample; GossipCop is 4942 fake vs 530 real (partial crawl), many empty/boilerplate pages.",
        raw_complete=False,
        subset_is_collection=True,
    ),
    _spec(
        name="perez_rosas_fakenewsamt",
        kind="article",
        reader=r.read_fakenewsamt,
        from_jsonl=r.fakenewsamt_from_jsonl,
        label_map=r.FAKE_LEGIT_LABELS,
        group_by="pair_id",
        licence="none stated; research use, cite the COLING 2018 paper",
        citation="Pérez-Rosas, Kleinberg, Lefevre, Mihalcea 2018, Automatic Detection of Fake News, COLING",
        notes="fakes are crowd-written rewrites of the legit item with the same pair id; 30 fakes lack a headline line.",
    ),
    _spec(
        name="perez_rosas_celebrity",
        kind="article",
        reader=r.read_celebrity,
        from_jsonl=r.celebrity_from_jsonl,
        label_map=r.FAKE_LEGIT_LABELS,
        group_by="pair_id",
        licence="none stated; research use, cite the COLING 2018 paper",
        citation="Pérez-Rosas, Kleinberg, Lefevre, Mihalcea 2018, Automatic Detection of Fake News, COLING",
        notes="tabloid fakes vs mainstream legit items collected in pairs; style cues leak the label.",
    ),
    _spec(
        name="recovery_covid19",
        kind="article",
        reader=r.read_recovery,
        from_jsonl=r.recovery_from_jsonl,
        label_map=r.RELIABILITY_LABELS,
        group_by="source",
        licence="CC BY-NC-SA 4.0",
        citation="Zhou, Mulay, Ferrara, Zafarani 2020, ReCOVery: A Multimodal Repository for COVID-19 News Credibility Research, CIKM",
        notes="labels rate the publisher, not the article: always split by publisher; staged copy has 28 of 55 publisher files.",
    ),
    _spec(
        name="liar",
        kind="claim",
        reader=r.read_liar,
        from_jsonl=r.liar_from_jsonl,
        label_map=r.LIAR_LABELS,
        group_by="source",
        licence="research use only (README); sources keep copyright",
        citation="Wang 2017, 'Liar, Liar Pants on Fire': A New Benchmark Dataset for Fake News Detection, ACL",
        notes="short PolitiFact statements, 6-way rating kept in original_label; grouped by speaker; official split in subset.",
    ),
    _spec(
        name="constraint_covid19",
        kind="claim",
        reader=r.read_constraint,
        from_jsonl=r.constraint_from_jsonl,
        label_map=r.FAKE_REAL_LABELS,
        group_by=None,
        licence="not stated; released for research, cite Patwa et al. 2021",
        citation="Patwa et al. 2021, Fighting an Infodemic: COVID-19 Fake News Dataset (CONSTRAINT@AAAI 2021)",
        notes="tweet-like posts; URLs and length leak the label; use the official train/val/test split in subset.",
    ),
    _spec(
        name="misinfotext_sfu",
        kind="article",
        reader=r.read_misinfotext,
        from_jsonl=r.misinfotext_from_jsonl,
        label_map=r.MISINFOTEXT_LABELS,
        group_by="domain",
        licence="GPL-3.0 on the MisInfoText repo, none on the data repo; research use",
        citation="Torabi Asr & Taboada 2019, Big Data and quality data for fake news and misinformation detection, Big Data & Society",
        notes="BuzzFeed half = same items as buzzfeed_webis_2016; Snopes rows labelled only when most annotators say the article makes the claim.",
        subset_is_collection=True,
    ),
    _spec(
        name="semeval2019_hyperpartisan_byarticle",
        kind="article",
        reader=r.read_semeval_hyperpartisan,
        from_jsonl=r.semeval_from_jsonl,
        label_map=r.SEMEVAL_LABELS,
        group_by="domain",
        licence="not stated in the copy; Zenodo original believed CC BY 4.0 (verify)",
        citation="Kiesel et al. 2019, SemEval-2019 Task 4: Hyperpartisan News Detection",
        notes="hyperpartisan vs not is bias, not veracity: label is None, the class stays in original_label.",
    ),
    _spec(
        name="coaid",
        kind="article",
        reader=r.read_coaid_news,
        from_jsonl=r.coaid_news_from_jsonl,
        label_map=r.FAKE_REAL_LABELS,
        group_by="domain",
        licence="not stated; research use, cite Cui & Lee 2020",
        citation="Cui & Lee 2020, CoAID: COVID-19 Healthcare Misinformation Dataset (arXiv:2006.00885)",
        notes="content is lower-cased, punctuation stripped; 1017 empty texts; most fakes are social posts; ids made unique with the label.",
    ),
    _spec(
        name="coaid_claims",
        kind="claim",
        reader=r.read_coaid_claims,
        from_jsonl=r.coaid_claims_from_jsonl,
        label_map=r.FAKE_REAL_LABELS,
        group_by="domain",
        licence="not stated; research use, cite Cui & Lee 2020",
        citation="Cui & Lee 2020, CoAID: COVID-19 Healthcare Misinformation Dataset (arXiv:2006.00885)",
        notes="518 short claims, only 28 fake; URLs only in raw/ (claims.jsonl has none).",
        folder="coaid",
        jsonl="claims.jsonl",
    ),
    _spec(
        name="climate_fever",
        kind="claim",
        reader=r.read_climate_fever,
        from_jsonl=r.climate_fever_from_jsonl,
        label_map=r.CLIMATE_FEVER_LABELS,
        group_by=None,
        licence="not stated in the repo (README asks to cite arXiv:2012.00614); check before redistributing",
        citation="Diggelmann et al. 2020, CLIMATE-FEVER: A Dataset for Verification of Real-World Climate Claims (arXiv:2012.00614)",
        notes="1535 climate claims rated against Wikipedia evidence (kept in extra); NOT_ENOUGH_INFO and DISPUTED map to None.",
    ),
    _spec(
        name="liar_plus_partial",
        kind="claim",
        reader=r.read_liar_plus,
        from_jsonl=r.liar_plus_from_jsonl,
        label_map=r.LIAR_LABELS,
        group_by="source",
        licence="CC0 1.0 (repo LICENSE), README says research use only; PolitiFact keeps copyright",
        citation="Alhindi, Petridis, Muresan 2018, Where is Your Evidence: Improving Fact-checking by Justification Modeling, FEVER workshop",
        notes="LIAR val2/test2 claims (same ids as liar) with PolitiFact justification in extra; speaker only in raw/. "
              "Use from_raw=True: data.jsonl lost 16 test2 rows. Upstream, test2 justifications from ~row 700 belong "
              "to the claim 11 or 16 rows earlier (Tariq60/LIAR-PLUS#4): use val2 for claim-justification pairs.",
    ),
    _spec(
        name="fakenewscorpus_sample",
        kind="article",
        reader=r.read_fakenewscorpus_sample,
        from_jsonl=r.fakenewscorpus_from_jsonl,
        label_map=r.OPENSOURCES_LABELS,
        group_by="domain",
        licence="Apache-2.0 (repo); texts belong to their publishers",
        citation="Szpakowski, FakeNewsCorpus (github.com/several27/FakeNewsCorpus)",
        notes="format sample only: tags are per domain (OpenSources), so every label is None; 62% of rows from one site.",
    ),
]

#: Every shared dataset, by name.
DATASETS: dict[str, DatasetSpec] = {spec.name: spec for spec in _SPECS}


def article_datasets() -> list[str]:
    """Names of the datasets whose rows are full articles."""
    return [name for name, spec in DATASETS.items() if spec.kind == "article"]


def claim_datasets() -> list[str]:
    """Names of the datasets whose rows are short claims or posts."""
    return [name for name, spec in DATASETS.items() if spec.kind == "claim"]


def get_spec(name: str) -> DatasetSpec:
    """The spec of ``name``, or :class:`DatasetNotFoundError` listing the known names."""
    try:
        return DATASETS[name]
    except KeyError:
        known = ", ".join(sorted(DATASETS))
        raise DatasetNotFoundError(f"unknown dataset {name!r}; known datasets: {known}", name=name) from None


def _repo_root() -> Path:
    # src/newscred/datasets/registry.py -> parents[3] is the checkout root
    return Path(__file__).resolve().parents[3]


def data_root(root: str | os.PathLike[str] | None = None) -> Path:
    """The folder holding the shared datasets.

    Order: the explicit ``root``; else ``$NEWSCRED_DATA``; else the first existing of
    ``./../shared/data`` (relative to the working directory) and ``<repo root>/../shared/data``.
    An explicit root or variable that does not exist is an error rather than a silent fallback,
    so a typo never quietly loads other data.
    """
    if root is not None:
        path = Path(root).expanduser()
        if not path.is_dir():
            raise DatasetNotFoundError(f"data root {path} does not exist or is not a folder", path=str(path))
        return path
    env = os.environ.get(ENV_VAR)
    if env:
        path = Path(env).expanduser()
        if not path.is_dir():
            raise DatasetNotFoundError(
                f"{ENV_VAR}={env} does not exist or is not a folder; fix it or pass --data-root", path=str(path)
            )
        return path
    candidates = [Path.cwd() / ".." / "shared" / "data", _repo_root().parent / "shared" / "data"]
    for path in candidates:
        if path.is_dir():
            return path.resolve()
    tried = ", ".join(str(p) for p in candidates)
    raise DatasetNotFoundError(
        f"no shared data folder found (tried {tried}); pass --data-root PATH or set {ENV_VAR}=PATH"
    )


def dataset_dir(name: str, root: str | os.PathLike[str] | None = None) -> Path:
    """``<data root>/<folder of name>``, checked to exist."""
    spec = get_spec(name)
    path = data_root(root) / spec.directory
    if not path.is_dir():
        raise DatasetNotFoundError(f"dataset {name!r} is not under {path.parent} (missing {path})", name=name)
    return path


def load_dataset(name: str, root: str | os.PathLike[str] | None = None, *, from_raw: bool = False) -> Iterator[Record]:
    """Stream the Records of dataset ``name``.

    By default reads the flattened ``data.jsonl`` (the complete copy) and maps each row with the
    same builder as the raw reader, so the Records have the same fields and label mapping;
    ``from_raw=True`` parses ``raw/`` instead (which may be a sample, see ``raw_complete``).
    Raises :class:`DatasetNotFoundError` for an unknown name or missing folder and
    :class:`~newscred.errors.UnknownLabelError` for a label word not in the map.
    """
    spec = get_spec(name)
    folder = dataset_dir(name, root)
    if from_raw:
        raw = folder / "raw"
        if not raw.is_dir():
            raise DatasetNotFoundError(f"dataset {name!r} has no raw/ folder at {raw}", name=name)
        return spec.reader(raw)
    jsonl = folder / spec.jsonl
    if not jsonl.is_file():
        raise DatasetNotFoundError(f"dataset {name!r} has no {spec.jsonl} at {jsonl}", name=name)
    return (spec.from_jsonl(row) for _line, row in r.iter_jsonl(jsonl))
