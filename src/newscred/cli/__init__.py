"""The ``newscred`` command line: a thin shell over the library."""

from __future__ import annotations

import click

from .. import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="newscred")
def main() -> None:
    """How far to trust a news article, and why.

    \b
    Analyse one article (a readable report, or JSON):
      newscred analyze article.txt
      newscred analyze article.txt --json
      cat article.txt | newscred analyze -
    \b
    Score a table of articles (JSONL, CSV, TSV or Parquet; one output row per input row):
      newscred score articles.jsonl -o scores.jsonl --text-col body --id-col doc_id
    \b
    Retrain the default model on ../shared/data and check an artifact:
      newscred train --recipe default -o models/my-default
      newscred models verify models/my-default

    The content verdict is a calibrated probability that the text is unreliable, with the words
    and style signals that pushed it; "uncertain" means the model cannot tell (too short, unlike
    the news it knows, or a probability near the middle).
    """


from . import analyze as _analyze  # noqa: E402,F401  (registers commands)
from . import benchmark as _benchmark  # noqa: E402,F401
from . import evaluate as _evaluate  # noqa: E402,F401
from . import models as _models  # noqa: E402,F401
from . import score as _score  # noqa: E402,F401
from . import train as _train  # noqa: E402,F401
from . import serve as _serve  # noqa: E402,F401
from . import sources as _sources  # noqa: E402,F401
from . import index as _index  # noqa: E402,F401
from . import claims as _claims  # noqa: E402,F401
