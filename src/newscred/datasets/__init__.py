"""Labelled news corpora and users' own tables, as :class:`Record` streams.

* :func:`load_dataset` / :data:`DATASETS`: the shared corpora (see ``docs/datasets.md``).
* ``read_xxx``: one reader per published raw format.
* :func:`read_table` / :func:`iter_rows`: CSV, TSV, JSONL and Parquet files of your own.
"""

from __future__ import annotations

from .readers import (
    decode_bytes,
    domain_of,
    iso_date,
    read_buzzfeed_webis,
    read_celebrity,
    read_climate_fever,
    read_coaid_claims,
    read_coaid_news,
    read_constraint,
    read_fakenewsamt,
    read_fakenewscorpus_sample,
    read_fakenewsnet_crawl,
    read_fakenewsnet_v1,
    read_liar,
    read_liar_plus,
    read_misinfotext,
    read_recovery,
    read_semeval_hyperpartisan,
)
from .record import BINARY_LABELS, RELIABLE, UNRELIABLE, Record
from .registry import (
    DATASETS,
    DatasetSpec,
    article_datasets,
    claim_datasets,
    data_root,
    dataset_dir,
    get_spec,
    load_dataset,
)
from .tabular import DEFAULT_LABEL_MAP, FORMATS, ColumnMapping, RowResult, detect_format, iter_rows, read_table

__all__ = [
    "BINARY_LABELS",
    "DATASETS",
    "DEFAULT_LABEL_MAP",
    "FORMATS",
    "RELIABLE",
    "UNRELIABLE",
    "ColumnMapping",
    "DatasetSpec",
    "Record",
    "RowResult",
    "article_datasets",
    "claim_datasets",
    "data_root",
    "dataset_dir",
    "decode_bytes",
    "detect_format",
    "domain_of",
    "get_spec",
    "iso_date",
    "iter_rows",
    "load_dataset",
    "read_buzzfeed_webis",
    "read_celebrity",
    "read_climate_fever",
    "read_coaid_claims",
    "read_coaid_news",
    "read_constraint",
    "read_fakenewsamt",
    "read_fakenewscorpus_sample",
    "read_fakenewsnet_crawl",
    "read_fakenewsnet_v1",
    "read_liar",
    "read_liar_plus",
    "read_misinfotext",
    "read_recovery",
    "read_semeval_hyperpartisan",
    "read_table",
]
