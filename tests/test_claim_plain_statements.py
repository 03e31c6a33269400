"""Plain short health statements get no claim verdict (issue #4: say uncertain when the model cannot know).

The health expert learned Constraint@AAAI2021, where a plain short statement (at most 15 words,
no figure, hashtag, mention or link) is false in 713 of 716 training rows, because the true posts
come from official accounts.  So "COVID is a virus" read 0.98 unreliable.  Training on CoAID
claims and Climate-FEVER as well did not fix that without costing Constraint's target (session 11
closing note), so the analyzer withholds the verdict there instead and says why.
"""

from __future__ import annotations

import pytest

from newscred.model.claim import DEFAULT_PATH, plain_short_post
from newscred.text.normalise import normalise

PLAIN_TRUE = ["covid-19 is caused by a virus", "COVID is a virus", "Washing your hands with soap helps prevent the spread of COVID-19."]
KNOWN_FAKE = ["drinking bleach cures covid", "5G towers spread the coronavirus"]
PLAIN_REASON = "a plain short health statement"


@pytest.fixture(scope="module")
def claim_analyzer():
    if not (DEFAULT_PATH / "manifest.json").is_file():
        pytest.skip("bundled claim model not built (python -m newscred.model.claim train -o src/newscred/models/claim)")
    import newscred

    return newscred.load(claims=False, provenance=False, mode="claim")


def _plain_reason(content) -> bool:  # noqa: ANN001
    return any(r.startswith(PLAIN_REASON) for r in content.reasons)


@pytest.mark.parametrize("text", ["COVID is a virus", "covid-19 is caused by a virus", "SARS-CoV-2 causes COVID-19",
                                  "Garlic protects against the coronavirus"])
def test_a_short_statement_without_figures_tags_or_links_is_plain(text: str) -> None:
    assert plain_short_post(text)
    assert plain_short_post(normalise(text))  # the lower-cased, punctuation-less copy too


@pytest.mark.parametrize("text", [
    "5G towers spread the coronavirus",                                   # a figure
    "Cases rose by 1,204 today in Kerala",                                # a figure
    "#IndiaFightsCorona masks save lives",                                # a hashtag
    "Wear a mask when you go out @CDCgov",                                # a mention
    "Masks work, see https://t.co/AbC123",                                # a link
    "masks work see https t co abc123",                                   # the same link, normalised
    "Wearing a mask in crowded indoor places lowers the chance that you pass the virus on to the people "
    "around you",                                                         # more than 15 words
])
def test_figures_tags_links_or_length_make_a_statement_not_plain(text: str) -> None:
    assert not plain_short_post(text)


@pytest.mark.parametrize("text", PLAIN_TRUE)
def test_a_plain_true_health_statement_gets_no_verdict_and_says_why(claim_analyzer, text: str) -> None:
    for variant in (text, normalise(text)):
        content = claim_analyzer.analyze(variant).content
        assert content.mode == "claim" and content.experts["health"] >= 0.5
        assert content.label == "uncertain" and _plain_reason(content), (variant, content.label, content.reasons)
        assert 0.0 <= content.p_unreliable <= 1.0  # the score is still reported, beside the reason


@pytest.mark.parametrize("text", KNOWN_FAKE)
def test_a_known_fake_health_claim_is_not_called_reliable(claim_analyzer, text: str) -> None:
    content = claim_analyzer.analyze(text).content
    assert content.mode == "claim" and content.label != "reliable"


def test_the_rule_leaves_posts_with_figures_and_political_statements_alone(claim_analyzer) -> None:
    official = claim_analyzer.analyze("#IndiaFightsCorona: 1,204 new cases and 12 deaths reported in the last 24 hours, "
                                      "says @MoHFW_INDIA. Total recoveries now 45,300.").content
    assert official.experts["health"] >= 0.5 and not _plain_reason(official)
    political = claim_analyzer.analyze("Obama was born in Kenya").content
    assert plain_short_post("Obama was born in Kenya") and political.experts["politics"] > 0.5
    assert not _plain_reason(political)


def test_the_rule_rests_on_the_data(shared_data) -> None:  # noqa: ANN001
    """Its premise, on the real corpora: plain health statements are almost all false in the
    Constraint training split, and far from it in the external sets."""
    from newscred.model.claim import ClaimModel, load_claim_data
    from newscred.text.questions import only_asks

    if not (DEFAULT_PATH / "manifest.json").is_file():
        pytest.skip("bundled claim model not built")
    model = ClaimModel.load()
    data = load_claim_data(shared_data)

    def false_share(rows: list) -> tuple[int, float]:  # noqa: ANN401
        picked = [r for r in rows if not only_asks(r.text) and plain_short_post(r.text)
                  and model.domain_probs(r.text)["health"] >= 0.5]
        return len(picked), sum(r.y for r in picked) / max(1, len(picked))

    n, share = false_share(data["constraint_covid19"]["train"])
    assert n >= 300 and share >= 0.98
    external = [r for name in ("coaid_claims", "climate_fever") if name in data for r in data[name]["test"]]
    n, share = false_share(external)
    assert n >= 30 and share <= 0.6
