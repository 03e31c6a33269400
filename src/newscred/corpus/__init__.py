"""Corpus tools: exact and near-duplicate detection."""

from .dedup import DedupResult, find_duplicates

__all__ = ["DedupResult", "find_duplicates"]
