"""The source verdict: which site an article comes from, and what published rating lists say of it.

>>> from newscred.sources import SourceRatings, registrable_domain
>>> registrable_domain("https://www.bbc.co.uk/news/x")
'bbc.co.uk'
>>> SourceRatings.default().lookup("infowars.com").label
'low'

Everything is offline: the rating tables and the Public Suffix List are bundled in
``newscred/sources/data`` (see SOURCES.md there for origins, dates, licences and the aggregate
rule).  The source verdict is reported beside the content verdict, never mixed into it.
"""

from __future__ import annotations

from .domains import (
    SHORTENERS,
    UGC_PLATFORMS,
    ParsedSource,
    PublicSuffixList,
    is_shortener,
    normalise_host,
    parse_source,
    psl_version,
    registrable_domain,
)
from .ratings import (
    AGGREGATE_RULE,
    HIGH_AT,
    LISTS,
    LOW_BELOW,
    MBFC_FACT_SCORES,
    OPENSOURCES_SCORES,
    USER_RULE,
    Aggregate,
    Rating,
    SourceRatings,
    SourceVerdict,
    label_for_score,
)

__all__ = [
    "AGGREGATE_RULE",
    "Aggregate",
    "HIGH_AT",
    "LISTS",
    "LOW_BELOW",
    "MBFC_FACT_SCORES",
    "OPENSOURCES_SCORES",
    "ParsedSource",
    "PublicSuffixList",
    "Rating",
    "SHORTENERS",
    "SourceRatings",
    "SourceVerdict",
    "UGC_PLATFORMS",
    "USER_RULE",
    "is_shortener",
    "label_for_score",
    "normalise_host",
    "parse_source",
    "psl_version",
    "registrable_domain",
]
