"""Batch scoring."""

from .score import Columns, ScoreSummary, score_file, score_rows

__all__ = ["Columns", "ScoreSummary", "score_file", "score_rows"]
