"""newscred: how far to trust a news article, and why.

>>> import newscred
>>> analyzer = newscred.load()                      # the bundled default model
>>> report = analyzer.analyze("Full article text ...")
>>> report.content.p_unreliable, report.content.label
"""

from __future__ import annotations

import logging

__version__ = "0.1.0"

from .analyzer import Analyzer, CancelToken, load  # noqa: E402
from .article import Article  # noqa: E402
from .errors import NewscredError  # noqa: E402
from .report import Report  # noqa: E402

logging.getLogger(__name__).addHandler(logging.NullHandler())

__all__ = ["Analyzer", "Article", "CancelToken", "NewscredError", "Report", "__version__", "load"]
