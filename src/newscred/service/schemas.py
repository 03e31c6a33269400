"""Request and response models of the REST API.

Requests are validated with these models.  Responses are written straight from
``Report.to_dict()`` (the one JSON everywhere); the response models below only document that
JSON in the OpenAPI schema, and allow extra keys because reports may gain new top-level sections
(``source``, ``provenance``, ``claims``...) within a ``schema_version``.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, Union

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictBool, StrictFloat, StrictInt, StrictStr


def _unicode_text(value: str) -> str:
    # JSON can smuggle lone surrogates ("\ud800"): they are not text and cannot be written back.
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError("contains an unpaired surrogate code point; send valid Unicode text") from exc
    return value


Text = Annotated[StrictStr, AfterValidator(_unicode_text)]


def _id_to_str(value: Any) -> str | None:
    return None if value is None else _unicode_text(str(value))


ArticleId = Annotated[Union[StrictStr, StrictInt, None], AfterValidator(_id_to_str)]


class AnalyzeRequest(BaseModel):
    """One article.  ``text`` is plain text or an HTML page (its text is extracted)."""

    model_config = ConfigDict(
        extra="forbid",  # a misspelt field ("titel") is an error, not silently ignored
        json_schema_extra={
            "examples": [
                {
                    "text": "SPRINGFIELD, Ill. - The city council voted 9-2 on Tuesday to spend $48 million ...",
                    "url": "https://example.com/news/lead-pipes",
                    "id": "story-1",
                }
            ]
        }
    )

    text: Text = Field(
        description="The article: plain text, or an HTML document (starts with '<' and contains <html, <body or <p), "
        "whose visible text is extracted without scripts, styles, navigation, headers and footers."
    )
    url: Text | None = Field(default=None, description="Where the article was published; echoed in the report.")
    title: Text | None = Field(default=None, description="The headline, if you have it separately; echoed in the report.")
    id: ArticleId = Field(default=None, description="Your identifier for the article; echoed in the report.")
    prior: StrictFloat | None = Field(
        default=None,
        allow_inf_nan=False,
        ge=0.001,
        le=0.999,
        description="Share of unreliable articles you expect among those you check (0.001 to 0.999; default 0.5); "
        "probabilities are calibrated for 0.5 and shifted to it.",
    )
    mode: Literal["auto", "article", "claim"] | None = Field(
        default=None,
        description="Which content model reads the text: 'auto' (the server's default) sends texts under 60 words "
        "to the short-claim model, longer ones to the article model.",
    )
    html: StrictBool | None = Field(
        default=None,
        description="true: read `text` as an HTML page; false: as text, even if it starts with markup; null (default): "
        "a page when it starts with '<' and contains <html, <body or <p.",
    )


def _batch_items_schema(schema: dict[str, Any]) -> None:
    schema["properties"]["items"]["items"] = {
        "anyOf": [{"$ref": "#/components/schemas/AnalyzeRequest"}, {"type": "string"}]
    }


class BatchRequest(BaseModel):
    """Several articles.  Each item is validated on its own: a bad item becomes an error at its position."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=_batch_items_schema)

    items: list[Any] = Field(
        description="Articles as AnalyzeRequest objects (or bare strings of text). At most max_batch_items "
        "(64 by default); more is refused with 413."
    )


class ExtractRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: Text = Field(description="Plain text or an HTML document.")


class SentencesRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: Text = Field(description="Plain text or an HTML document (its text is extracted, as for /v1/analyze).")
    normalised: StrictBool | None = Field(
        default=None,
        description="true: split with the boundary model (text without punctuation); false: with the punctuation "
        "rules; null: decided from the text, as /v1/analyze does.",
    )


class SentenceOut(BaseModel):
    start: int
    end: int
    score: float | None = Field(description="Check-worthiness in [0, 1]; null when not scored (see not_scored).")
    check_worthy: bool = Field(description="Whether the score reaches the threshold (and the sentence is the article's own).")
    injected: bool = Field(description="Lies mostly inside a block a republisher injected; reports never list it.")
    not_scored: Literal["short", "furniture"] | None = Field(
        default=None, description="Why score is null: 'short' (under 5 words) or 'furniture' (a credit line, caption, "
        "correction notice, press contact or boilerplate: never a claim).")
    text: str = Field(description="text[start:end] of the analysed text (see /v1/extract for HTML input).")


class SentenceModelOut(BaseModel):
    architecture: str = Field(description="'linear' (the bundled model) or 'transformer' (one you trained: "
                              "python -m newscred.claims.sentences train --architecture transformer).")
    sha256: str | None = Field(description="sha256 of the model's manifest.json (which lists every file's sha256).")
    heldout_f1: float | None = Field(description="Its boundary F1 on articles from datasets it was not trained on.")


class SentencesResponse(BaseModel):
    segmentation: Literal["punctuation", "boundary-model"]
    sentence_model: SentenceModelOut | None = Field(
        default=None, description="The boundary model that split a text without punctuation; null for punctuated text.")
    threshold: float
    sentences: list[SentenceOut]


class ExtractResponse(BaseModel):
    text: str = Field(description="The text that /v1/analyze analyses for the same input; report offsets refer to it.")
    title: str | None = Field(description="The HTML <title>, if any.")
    html: bool = Field(description="Whether the input was treated as HTML.")


# ---------------------------------------------------------------- responses (documentation)
class _Open(BaseModel):
    model_config = ConfigDict(extra="allow")


Span = Annotated[list[int], Field(min_length=2, max_length=2, description="[start, end) character offsets in the text")]


class EvidenceOut(_Open):
    text: str
    kind: Literal["word", "pattern"] | str
    weight: float = Field(description="> 0 pushed towards unreliable, < 0 towards reliable")
    direction: Literal["reliable", "unreliable"] | str
    count: int | None = Field(None, description="How often it occurs (spans locate the first 25)")
    spans: list[Span]


class SignalOut(_Open):
    name: str
    description: str
    value: float
    weight: float
    direction: str
    spans: list[Span]


class ContentOut(_Open):
    p_unreliable: float = Field(description="Calibrated probability that the text is unreliable")
    label: Literal["reliable", "unreliable", "uncertain"] | str
    mode: Literal["article", "claim"] | str = Field(description="Which model read the text")
    prior: float
    ratings: dict[str, float] | None = Field(description="Claim mode: probability of each PolitiFact rating; null for articles")
    experts: dict[str, float] | None = Field(None, description="Claim mode: how much each expert read the text "
                                             "(politics: LIAR statements, health: COVID-19 posts); null for articles")
    reasons: list[str] = Field(description="Why the label is 'uncertain' (empty otherwise)")
    evidence: list[EvidenceOut]
    signals: list[SignalOut]


class FactsOut(_Open):
    word_count: int
    char_count: int
    looks_normalised: bool
    truncated_start: bool
    truncated_end: bool
    known_word_share: float
    wire_agencies: list[str]
    artefacts: list[dict[str, Any]]


class ModelInfoOut(_Open):
    name: str
    version: str
    sha256: str


class ReportOut(_Open):
    """``Report.to_dict()``: see docs/report.md.  New top-level sections may appear."""

    schema_version: int
    id: str | None
    title: str | None
    url: str | None
    summary: str
    content: ContentOut
    facts: FactsOut
    model: ModelInfoOut
    claims: dict[str, Any] | None = Field(description="Check-worthy sentences with offsets, scores and fact-checked "
                                          "matches (see docs/report.md); null when switched off")
    newscred_version: str


class ErrorDetail(BaseModel):
    code: str = Field(description="Stable error code, e.g. input.empty, request.invalid, request.too_large, request.timeout")
    message: str = Field(description="What is wrong and how to fix it")


class ErrorOut(BaseModel):
    error: ErrorDetail


class BatchItemErrorOut(ErrorOut):
    index: int = Field(description="The item's position in the request")
    id: str | int | None = Field(default=None, description="The item's id, when it had one")


class BatchOut(BaseModel):
    results: list[Union[ReportOut, BatchItemErrorOut]] = Field(description="One entry per input item, in order")


class LimitsOut(BaseModel):
    max_body_bytes: int = Field(description="Largest request body (413 above it)")
    max_chars: int = Field(description="Longest text analysed, in characters (input.too_large above it)")
    max_batch_items: int = Field(description="Most items per /v1/analyze/batch request (413 above it)")
    timeout_s: float = Field(description="Seconds an analysis may take (504), and a request may wait for a thread (503)")


class ModelOut(_Open):
    name: str = Field(description="The article model (texts of 60 words or more in auto mode)")
    version: str
    sha256: str = Field(description="sha256 of the artifact's manifest.json (which lists the sha256 of every file)")
    created_at: str | None
    training_data: list[dict[str, Any]]
    card: str | None = Field(description="The model card (Markdown)")
    claim_model: ModelInfoOut | None = Field(description="The short-claim model (texts under 60 words in auto mode)")
    mode: Literal["auto", "article", "claim"] = Field(description="Which model reads a text unless a request says `mode`")
    claims_index: str | None = Field(description="The fact-check index check-worthy sentences are matched against, if any")
    newscred_version: str
    limits: LimitsOut


class HealthOut(BaseModel):
    status: Literal["ok"]
    model: ModelInfoOut
