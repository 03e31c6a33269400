"""Batch scoring."""

from .score import ScoreSummary, score_file, score_rows

__all__ = ["ScoreSummary", "score_file", "score_rows"]
