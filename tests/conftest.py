"""Shared fixtures: the bundled model, a tiny model trained in a second, the shared data."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
SEED_ARTICLE = ROOT.parent / "shared" / "examples" / "seed-article.txt"


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch) -> None:
    # A user's NEWSCRED_MODEL must not change what the tests load.
    monkeypatch.delenv("NEWSCRED_MODEL", raising=False)
    monkeypatch.delenv("NEWSCRED_CLAIM_MODEL", raising=False)
    monkeypatch.delenv("NEWSCRED_SENTENCE_MODEL", raising=False)


@pytest.fixture(scope="session")
def shared_data() -> Path:
    from newscred.datasets.registry import data_root
    from newscred.errors import DatasetNotFoundError

    try:
        return data_root()
    except DatasetNotFoundError:
        pytest.skip("../shared/data not found (set NEWSCRED_DATA to run tests on the shared corpora)")


@pytest.fixture(scope="session")
def seed_article() -> str:
    if not SEED_ARTICLE.is_file():
        pytest.skip("../shared/examples/seed-article.txt not found")
    return SEED_ARTICLE.read_text()


@pytest.fixture(scope="session")
def analyzer():
    import newscred

    return newscred.load()


_RELIABLE = ("said officials according to the ministry reported on tuesday spokesman told reporters statement "
             "budget council percent million agency data study researchers announced confirmed").split()
_UNRELIABLE = ("shocking you won t believe truth exposed elites hoax share this wake up they secret cover up "
               "mainstream media destroy insane amazing miracle").split()
_COMMON = "the a of to in and is was for on that with as it by at from this be are have".split()


def synthetic_docs(n: int = 40, seed: int = 7) -> tuple[list[list[str]], list[int]]:
    """Two clearly separable classes of fake 'articles' for fast, deterministic model tests."""
    rng = random.Random(seed)
    docs, y = [], []
    for i in range(n):
        label = i % 2
        pool = _UNRELIABLE if label else _RELIABLE
        words = [rng.choice(pool) if rng.random() < 0.4 else rng.choice(_COMMON) for _ in range(120)]
        docs.append(" ".join(words).split())
        y.append(label)
    return docs, y


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from newscred.model.artifact import save_artifact
    from newscred.model.content import ContentModel, ContentParams

    docs, y = synthetic_docs()
    model = ContentModel(ContentParams(min_df=1, max_df=1.0, fw_top_k=10)).fit(docs, y)
    lexicon = sorted({w for d in docs for w in d})
    return save_artifact(model, tmp_path_factory.mktemp("models") / "tiny", name="tiny", version="0.0.1", lexicon=lexicon)
