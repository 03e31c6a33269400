"""A text that only asks gets no claim verdict; a statement with a question inside still does."""

from __future__ import annotations

import pytest

from newscred.text.normalise import normalise
from newscred.text.questions import is_question, only_asks

# CoAID's WHO FAQ questions (labelled "real"), LIAR and Constraint statements that contain questions
ONLY_ASKING = [
    "Can I catch COVID-19 from my pet?",
    "\"What are the symptoms of COVID-19?\"",
    "How long does the virus survive on surfaces?",
    "Is there a vaccine, drug or treatment for COVID-19? What should I do if I feel ill?",
]
STATING = [
    "WHO has declared COVID-19 an endemic disease.",  # the organisation, not "who has ...?"
    "Did you know that 5G towers spread the coronavirus?",  # rhetorical: asserts what it asks
    "Cold weather will kill coronavirus. No wait. Hot weather will kill corona. Did you also fall for it?",
    "A $250 fine if youre caught with a plastic bag coming out of a store. Plastic bag police anyone?",
    "When I left Washington, we had a $5 trillion surplus.",
    "Will Smith has reunited with the cast of his old show.",
]


@pytest.mark.parametrize("text", ONLY_ASKING)
def test_questions_only_ask(text: str) -> None:
    assert is_question(text) and only_asks(text)


@pytest.mark.parametrize("text", STATING)
def test_statements_with_or_without_a_question_state(text: str) -> None:
    assert not only_asks(text)


def test_a_question_without_its_question_mark_still_asks() -> None:
    # CoAID lost some question marks, and normalised text has none
    assert only_asks(normalise("Can I catch COVID-19 from my pet?"))
    assert only_asks("how long does the virus survive on surfaces")


def test_the_claim_model_withholds_its_verdict_on_a_question(analyzer) -> None:
    # the model alone reads this FAQ question as near-certainly unreliable
    text = "Can I catch COVID-19 from the feces of someone with the disease?"
    assert analyzer.claim_model.p_unreliable(text) > 0.8
    content = analyzer.analyze(text, mode="claim").to_dict()["content"]
    assert content["label"] == "uncertain"
    assert any(r.startswith("a question, not a claim") for r in content["reasons"])
    stated = analyzer.analyze("You can catch coronavirus from urine and feces", mode="claim").to_dict()["content"]
    assert not any(r.startswith("a question") for r in stated["reasons"])
