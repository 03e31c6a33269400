"""The Analyzer: text in, :class:`~newscred.report.Report` out.

It is the only module that knows every stage: validation, normalisation, artefact stripping,
style signals, the content model, calibration and the uncertain band.
"""

from __future__ import annotations

import json
import math
import os
import threading
import time
import unicodedata
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping

import numpy as np

from .article import Article
from .errors import (AnalysisCancelledError, ConfigError, IndexNotFoundError, InputTypeError, ModelNotFoundError,
                     NewscredError)
from .features.signals import DESCRIPTIONS, STYLE_FEATURES, signal_matches, style_vector
from .model.artifact import Artifact, load_artifact, sha256_bytes
from .provenance.html import text_to_analyse
from .report import ContentVerdict, Evidence, Facts, ModelInfo, Report, SignalValue
from .text.artefacts import Artefact as TextArtefact
from .text.artefacts import find_artefacts, strip_artefacts
from .text.normalise import TOKEN_END, TOKEN_START, Token, looks_normalised, tokenize
from .text.questions import only_asks
from .text.validate import DEFAULT_MAX_CHARS, check_text, decode_bytes, placeholder_page

_MODELS_DIR = Path(__file__).parent / "models"
#: every artifact installed with the package; only "default" is an article model that load() takes
BUILTIN_MODELS = {name: _MODELS_DIR / name for name in ("default", "claim", "sentences", "checkworthy", "claim-embedder")}

#: below this many words (after bylines and boilerplate are removed) "auto" mode uses the claim
#: model: statements, headlines and posts are a different task from articles
CLAIM_MAX_WORDS = 60
#: fewer words than this get no claim verdict ("Home", a lone name): nothing there is a statement.
#: Every Constraint post and all but 10 of LIAR's 12,836 statements have at least 3.
CLAIM_MIN_WORDS = 3
#: a short-claim model folder to use instead of the bundled one (as ``claim_model=``)
ENV_CLAIM_MODEL = "NEWSCRED_CLAIM_MODEL"
#: a sentence (boundary) model folder to split text without punctuation (as ``sentence_model=``)
ENV_SENTENCE_MODEL = "NEWSCRED_SENTENCE_MODEL"
MODES = ("auto", "article", "claim")

_MAX_EVIDENCE_PER_SIDE = 8
_MAX_SPANS = 25


class CancelToken:
    """Asks an analysis to stop: ``analyzer.analyze(text, cancel=token)`` looks at the token between
    its stages (validation, normalisation, the content model, evidence, provenance, claims
    extraction, claim matching) and raises :class:`~newscred.errors.AnalysisCancelledError`
    (code ``analysis.cancelled``) at the first boundary after :meth:`cancel` was called, from any
    thread, or after ``deadline`` (a :func:`time.monotonic` time) has passed.

    Cancellation is cooperative: a stage that has begun runs to its end, so an analysis stops
    within about one stage's time.  A ``threading.Event`` may be passed instead (set = cancelled).
    """

    __slots__ = ("_event", "deadline")

    def __init__(self, deadline: float | None = None) -> None:
        self._event = threading.Event()
        self.deadline = deadline

    def cancel(self) -> None:
        """Stop the analyses holding this token at their next stage boundary."""
        self._event.set()

    def is_set(self) -> bool:
        """True once cancelled or past the deadline (the name ``threading.Event`` uses)."""
        return self._event.is_set() or (self.deadline is not None and time.monotonic() >= self.deadline)

    def __repr__(self) -> str:
        return f"CancelToken(deadline={self.deadline!r}, cancelled={self._event.is_set()})"


def _checkpoint(cancel: Any, stage: str) -> None:
    """A stage boundary: raise when ``cancel`` (a CancelToken, a threading.Event or None) is set."""
    if cancel is not None and cancel.is_set():
        raise AnalysisCancelledError.before(stage)


def resolve_model_path(model: str | os.PathLike[str] | None) -> Path:
    """``None`` / "default" / "builtin:NAME" -> the bundled model; anything else is a path."""
    if model is None:
        model = os.environ.get("NEWSCRED_MODEL") or "builtin:default"
    name = str(model)
    if name.startswith("builtin:") or name in BUILTIN_MODELS:
        key = name.split(":", 1)[-1]
        if key not in BUILTIN_MODELS:
            raise ModelNotFoundError(f"No built-in model '{key}'. Built-in models: {', '.join(sorted(BUILTIN_MODELS))}.")
        return BUILTIN_MODELS[key]
    return Path(name)


def load(model: str | os.PathLike[str] | None = None, *, max_chars: int = DEFAULT_MAX_CHARS, prior: float = 0.5,
         ratings_file: str | os.PathLike[str] | None = None, provenance: bool = True, claims: bool = True,
         claims_index: Any = None, mode: str = "auto",
         claim_model: str | os.PathLike[str] | None = None,
         sentence_model: str | os.PathLike[str] | None = None) -> "Analyzer":
    """Load an analyzer around a model artifact (default: the bundled model).

    ``prior`` is the share of unreliable articles you expect in your collection; probabilities
    are calibrated for 0.5 and shifted to your prior (Bayes' rule on the odds).
    ``ratings_file`` adds or overrides source ratings (CSV/JSON: domain, score/label, category, note).
    ``provenance=False`` skips the provenance section (about half the time of an analysis) for
    bulk scoring; the report then has ``provenance: null``.
    ``claims=False`` skips the check-worthy claims section (``claims: null``); ``claims_index``
    (a path from ``newscred claims index build``, or a loaded ClaimIndex; default: the
    ``NEWSCRED_CLAIMS_INDEX`` environment variable) adds already fact-checked matches to it.
    ``mode``: "auto" sends texts under :data:`CLAIM_MAX_WORDS` words to the short-claim model
    and longer ones to the article model (for an article model you trained yourself, only texts
    under its own ``min_words``, when that is lower: it was trained on texts that long);
    "article" or "claim" forces one.
    ``claim_model``: a short-claim model you trained (``python -m newscred.model.claim train -o
    DIR``) instead of the bundled one (default: the ``NEWSCRED_CLAIM_MODEL`` environment variable).
    ``sentence_model``: a sentence boundary model you trained, used by the claims section to split
    text without punctuation (``python -m newscred.claims.sentences train --architecture transformer
    ...``: held-out boundary F1 0.80 instead of the bundled 0.53, about 0.25 s per article, needs
    ``newscred[neural]``); default: the ``NEWSCRED_SENTENCE_MODEL`` environment variable, else the
    bundled one.
    """
    return Analyzer(load_artifact(resolve_model_path(model)), max_chars=max_chars, prior=prior, ratings_file=ratings_file,
                    provenance=provenance, claims=claims, claims_index=claims_index, mode=mode, claim_model=claim_model,
                    sentence_model=sentence_model)


class Analyzer:
    """Scores articles with one loaded artifact.  Thread-safe: analysis keeps no state."""

    def __init__(self, artifact: Artifact, *, max_chars: int = DEFAULT_MAX_CHARS, prior: float = 0.5,
                 ratings_file: str | os.PathLike[str] | None = None, provenance: bool = True, claims: bool = True,
                 claims_index: Any = None, mode: str = "auto", claim_model: str | os.PathLike[str] | None = None,
                 sentence_model: str | os.PathLike[str] | None = None) -> None:
        _check_prior(prior)
        self.mode = _check_mode(mode)
        self._claim_model: Any = None
        if claim_model is None:
            claim_model = os.environ.get(ENV_CLAIM_MODEL) or None
        if claim_model is not None and not (Path(claim_model) / "manifest.json").is_file():
            # Fail here, not at the first short text (which may be hours into a batch run).
            raise ModelNotFoundError(f"no claim model at {claim_model}: give the folder written by 'python -m "
                                     "newscred.model.claim train -o DIR', or leave it out for the bundled one")
        self.claim_model_path = None if claim_model is None else str(claim_model)
        if self.claim_model_path is not None:
            self.claim_model  # noqa: B018 - a model you chose is verified now: a bad one fails here, not mid-batch
        if sentence_model is None:
            sentence_model = os.environ.get(ENV_SENTENCE_MODEL) or None
        self.sentence_model_path = None if sentence_model is None else str(sentence_model)
        self._sentence_model: Any = None
        if self.sentence_model_path is not None and claims:
            # verified and loaded now: a bad or torch-less model fails here, not mid-batch
            self._sentence_model = self._load_sentence_model()
        self.prior = prior
        self.provenance = provenance
        self.claims = claims
        if claims_index is None and claims:
            from .claims.extract import default_index_path

            claims_index = default_index_path()
        if isinstance(claims_index, (str, os.PathLike)) and not Path(claims_index).is_dir():
            # Fail here, not at the first analysis (which may be hours into a batch run).
            raise IndexNotFoundError(f"no claim index at {claims_index}: build one with 'newscred claims index build -o "
                                     f"{claims_index}', or leave the claims index out", path=str(claims_index))
        self.claims_index = claims_index
        self._claim_finder: Any = None
        self.ratings_file = ratings_file
        self._ratings: Any = None
        self.artifact = artifact
        self.model = artifact.model
        # Below this many words "auto" asks the claim model.  A model you trained with a lower
        # --min-words was trained, and measured, on texts that short: it scores them itself.
        bundled = Path(artifact.path).resolve() == BUILTIN_MODELS["default"].resolve()
        self.claim_word_limit = CLAIM_MAX_WORDS if bundled else min(CLAIM_MAX_WORDS, self.model.params.min_words)
        self.max_chars = max_chars
        self.model_info = ModelInfo(artifact.name, artifact.version, artifact.sha256)
        # evidence: column -> term as shown, and the id of its anchor (-1: not worked out yet)
        self._shown_terms: dict[int, str] = {}
        self._anchor_of = np.full(self.model.n_terms, -1, dtype=np.int64)
        self._anchor_ids: dict[str, int] = {}
        self._anchors: list[str] = []
        self._anchor_lock = threading.Lock()
        # columns of patterns made only of masked words: they carry weight but mean nothing to a reader
        self._opaque_mask = np.zeros(self.model.n_terms, dtype=bool)
        self._opaque_mask[list(self.model.opaque_columns_)] = True

    def __repr__(self) -> str:
        return f"Analyzer(model={self.artifact.name!r}, version={self.artifact.version!r})"

    # ------------------------------------------------------------------ public API
    def analyze(
        self,
        article: Article | str | bytes | Mapping[str, Any],
        *,
        title: str | None = None,
        url: str | None = None,
        id: str | None = None,
        prior: float | None = None,
        mode: str | None = None,
        html: bool | None = None,
        cancel: CancelToken | threading.Event | None = None,
    ) -> Report:
        """Analyse one article (str, bytes, :class:`Article` or mapping with ``text``).

        ``prior`` overrides the analyzer's expected share of unreliable articles for this call;
        ``mode`` ("auto", "article", "claim") overrides the analyzer's mode.

        ``html``: True reads the input as an HTML page, False as text; None (default) decides with
        :func:`~newscred.provenance.html.looks_like_html` (it starts with ``<`` and has ``<html``,
        ``<body`` or ``<p``).  A page is reduced to its article text first; its title and
        canonical URL fill ``title`` and ``url`` when those are not given, and the report's
        ``page`` section holds what was read, including ``page.text``: every offset in the report
        refers to that text.

        ``cancel``: a :class:`CancelToken` (or ``threading.Event``) checked between the stages; once it
        is cancelled, or its deadline has passed, the analysis stops at the next stage boundary with
        :class:`~newscred.errors.AnalysisCancelledError` (``analysis.cancelled``) instead of a report.
        Without one (the default) nothing changes.  The REST service cancels an analysis whose
        caller got a 504, so that its thread is free again.
        """
        if cancel is not None and not callable(getattr(cancel, "is_set", None)):
            raise InputTypeError(f"cancel must be a CancelToken, a threading.Event or None; got {type(cancel).__name__}")
        _checkpoint(cancel, "validation")
        if isinstance(article, (bytes, bytearray)):
            article = decode_bytes(bytes(article))
        art = Article.coerce(article)
        text = check_text(art.text, max_chars=self.max_chars)
        title = _optional_text("title", title if title is not None else art.title)
        url = _optional_text("url", url if url is not None else art.url)
        id = id if id is not None else art.id
        if id is not None and not isinstance(id, str):
            id = str(id)  # database ids are often numbers; the report's id is always a string, as in the API
        _checkpoint(cancel, "reading the page")
        text, page = text_to_analyse(text, html, url=url, max_chars=self.max_chars)
        _checkpoint(cancel, "normalisation")
        if page is not None:
            title = title if title is not None else page.title
            url = url if url is not None else page.canonical_url
        report = self._analyze_text(
            text,
            title=title,
            url=url,
            id=id,
            prior=self.prior if prior is None else _check_prior(prior),
            mode=self.mode if mode is None else _check_mode(mode),
            cancel=cancel,
        )
        if page is not None:
            from dataclasses import replace

            report = replace(report, extra={**report.extra, "page": page.to_dict()})
        return report

    def pipe(self, articles: Iterable[Article | str | Mapping[str, Any]], *, prior: float | None = None,
             mode: str | None = None, html: bool | None = None, on_error: str = "raise") -> Iterator[Any]:
        """Analyse a stream lazily, in order, one output per input.

        ``on_error="raise"`` (default) stops at the first bad item with its :class:`NewscredError`;
        ``on_error="return"`` yields that error object in the item's place and goes on, so a
        stream with bad rows still gives one output per input (``isinstance(out, Report)``).
        ``prior``, ``mode`` and ``html`` are as for :meth:`analyze`.
        """
        if on_error not in ("raise", "return"):
            raise ConfigError(f"on_error must be 'raise' or 'return'; got {on_error!r}")
        if prior is not None:
            _check_prior(prior)
        if mode is not None:
            _check_mode(mode)
        for article in articles:
            try:
                yield self.analyze(article, prior=prior, mode=mode, html=html)
            except NewscredError as exc:
                if on_error == "raise":
                    raise
                yield exc

    @property
    def ratings(self) -> Any:
        """The source rating tables (loaded on first use: most texts come without a URL)."""
        if self._ratings is None:
            from .sources import SourceRatings

            base = SourceRatings.default()
            self._ratings = base.with_overrides(self.ratings_file) if self.ratings_file else base
        return self._ratings

    def republication(self, report: Report, text: str, index: Any, top_k: int = 5) -> Report:
        """Add near-duplicate matches from a :class:`~newscred.provenance.RepublicationIndex`
        (or its path) to the report's provenance: who else published this text, how much is copied."""
        from dataclasses import replace

        from .provenance import RepublicationIndex

        idx = RepublicationIndex.open(index, readonly=True) if isinstance(index, (str, os.PathLike)) else index
        matches = [m.to_dict() for m in idx.query(text, top_k=top_k)]
        prov = dict(report.provenance or {})
        prov["republication"] = {"index": str(index) if isinstance(index, (str, os.PathLike)) else None, "matches": matches}
        return replace(report, provenance=prov)

    def settings(self) -> dict[str, Any]:
        """The keyword arguments that rebuild this analyzer around the same artifact (worker processes)."""
        index = self.claims_index
        if index is not None and not isinstance(index, (str, os.PathLike)):
            index = str(index.path)  # a loaded ClaimIndex: workers reopen it from its folder
        return {"max_chars": self.max_chars, "prior": self.prior, "provenance": self.provenance,
                "ratings_file": self.ratings_file, "claims": self.claims,
                "claims_index": None if index is None else str(index), "mode": self.mode,
                "claim_model": self.claim_model_path, "sentence_model": self.sentence_model_path}

    def _load_sentence_model(self) -> Any:
        from .claims.sentences import SentenceBoundaryModel

        if not (Path(str(self.sentence_model_path)) / "manifest.json").is_file():
            raise ModelNotFoundError(f"no sentence model at {self.sentence_model_path}: give the folder written by 'python -m "
                                     "newscred.claims.sentences train -o DIR', or leave it out for the bundled one")
        return SentenceBoundaryModel.load(self.sentence_model_path)

    @property
    def claim_finder(self) -> Any:
        """The check-worthy claims finder (loaded on first use, with the fact-check index if any)."""
        if self._claim_finder is None:
            from .claims.extract import ClaimFinder

            if self._sentence_model is None and self.sentence_model_path is not None:
                # claims off (so not loaded up front), yet asked for sentences (the API's /v1/claims/sentences)
                self._sentence_model = self._load_sentence_model()
            self._claim_finder = ClaimFinder.load(self.claims_index, sentence_model=self._sentence_model)
        return self._claim_finder

    def source_verdict(self, url: str | None) -> dict[str, Any] | None:
        """The source section for ``url`` (None without one).  Never touches the content score."""
        if not url:
            return None
        return self.ratings.lookup(url).to_dict()

    # ------------------------------------------------------------------ internals
    @property
    def claim_model(self) -> Any:
        """The short-claim model (loaded on first use: most inputs are articles)."""
        if self._claim_model is None:
            from .model.claim import ClaimModel

            self._claim_model_info = claim_model_info(self.claim_model_path)
            self._claim_model = ClaimModel.load(self.claim_model_path)
        return self._claim_model

    def _analyze_text(self, text: str, *, title: str | None, url: str | None, id: str | None, prior: float,
                      mode: str = "auto", cancel: Any = None) -> Report:
        params = self.model.params
        tokens = tokenize(text)
        artefacts = find_artefacts(tokens)
        kept = strip_artefacts(tokens, artefacts, drop_links=self.model.params.drop_link_syntax)
        words = [t.text for t in kept]
        script = unread_script(text, tokens)
        # A text mostly in a script the models cannot read (Cyrillic, CJK, ...) folds to few or no
        # words.  The claim model has nothing to score in it, so it takes the article path, which
        # says "uncertain" and why instead of refusing the text as empty.
        # A short text under a wire dateline ("LONDON (Reuters) -") is a news brief, not a claim: the
        # article model reads it (and says "too short" when it is).  Only raw text shows a dateline
        # for sure, by its parentheses; "says the ap reported" in normalised text stays a claim.
        short = mode == "auto" and len(words) < self.claim_word_limit
        if short and any(a.kind == "dateline" for a in artefacts) and not looks_normalised(text):
            from .provenance.detect import plausible_dateline

            short = not any(a.kind == "dateline" and plausible_dateline(text, tokens, a, True) for a in artefacts)
        # what a scraper got instead of an article ("Sorry, we can't find that page"): no verdict on it
        placeholder = placeholder_page(text)
        not_article = [f"not an article: the text reads as {placeholder}, what a scraper saves when the page "
                       "gave no article"] if placeholder else []
        if script is None and (mode == "claim" or short):
            return self._analyze_claim(text, tokens, artefacts, words, title=title, url=url, id=id, prior=prior,
                                       first_reasons=not_article, cancel=cancel)
        _checkpoint(cancel, "the content model")
        matches = signal_matches(words)
        style = style_vector(words, matches)
        z, term_cols, term_contrib, style_contrib = self.model.decision_arrays(words, style)
        a, b = self.model.calibration_
        # Calibrated for an even prior; Bayes' rule moves the odds to the user's prior.
        p = _sigmoid(a * z + b + math.log(prior / (1.0 - prior)))

        lexicon = self.artifact.lexicon
        known_share = _known_share(words, lexicon)
        reasons: list[str] = list(not_article)
        if script is not None:
            reasons.append(f"not a language the model reads: the text is mostly in {script} script, and newscred's models "
                           "read English news")
        # in another script, "too short" and "unknown words" are consequences of the first reason
        if script is None and len(words) < params.min_words:
            reasons.append(
                f"too short: {len(words)} words after removing bylines and boilerplate; the article model needs at least {params.min_words}"
            )
        if script is None and words and known_share < params.min_known_share:
            reasons.append(
                f"unlike the news the model knows: only {known_share:.0%} of the words are in its vocabulary (not English, or not prose)"
            )
        if script is None and params.uncertain_low < p < params.uncertain_high:
            reasons.append(
                f"calibrated confidence is low: p_unreliable {p:.2f} is inside the uncertain band ({params.uncertain_low:.2f}-{params.uncertain_high:.2f})"
            )
        label = "uncertain" if reasons else ("unreliable" if p >= 0.5 else "reliable")

        _checkpoint(cancel, "evidence")
        evidence = self._evidence(kept, words, term_cols, term_contrib)
        signals = self._signals(kept, matches, style, style_contrib)
        prov = None
        normalised_input = looks_normalised(text)
        if self.provenance:
            _checkpoint(cancel, "provenance")
            from .provenance import analyze_provenance

            prov = analyze_provenance(text, tokens, artefacts, lexicon=lexicon, normalised=normalised_input,
                                      known_share=known_share).to_dict()
            if prov["injected_blocks"]:
                # The verdict scores the text as given; what the article's own words say without the
                # republisher's blocks is stated beside it, so a reader sees how much they moved it.
                spans = [(blk["start"], blk["end"]) for blk in prov["injected_blocks"]]
                own = [t.text for t in kept if not any(a <= t.start < e for a, e in spans)]
                if own:
                    z_own = self.model.decision_arrays(own, style_vector(own, signal_matches(own)))[0]
                    prov["without_injected_blocks"] = {
                        "p_unreliable": round(_sigmoid(a * z_own + b + math.log(prior / (1.0 - prior))), 4),
                        "words": len(own)}
        facts = self._facts(text, tokens, artefacts, known_share, lexicon, prov, normalised_input)
        content = ContentVerdict(p, label, tuple(reasons), evidence, signals, prior=prior)
        source = self.source_verdict(url)
        claims = None
        if self.claims:
            _checkpoint(cancel, "claims extraction")
            injected = [(b["start"], b["end"]) for b in prov["injected_blocks"]] if prov else []
            claims = self.claim_finder.find(text, normalised=normalised_input, skip_spans=injected,
                                            tokens=tokens, cancel=cancel).to_dict()
        return Report(content, facts, self.model_info, _summary(content, facts, source, prov), id=id, title=title, url=url,
                      source=source, provenance=prov, claims=claims)

    def _analyze_claim(self, text: str, tokens: list[Token], artefacts: list[TextArtefact], words: list[str], *,
                       title: str | None, url: str | None, id: str | None, prior: float,
                       first_reasons: list[str] | None = None, cancel: Any = None) -> Report:
        """A short text (statement, headline, post) scored by the claim model.

        Provenance and the claims section are article concerns: a claim *is* the sentence to
        check, so ``claims`` lists it alone (with its fact-checked matches when an index is set).
        """
        _checkpoint(cancel, "the claim model")
        cm = self.claim_model
        scored = cm.score(text, top_k=12)  # the claim model reads the whole text (it drops only links)
        p_even = scored["p_unreliable"]
        z = math.log(max(p_even, 1e-12) / max(1.0 - p_even, 1e-12))
        p = _sigmoid(z + math.log(prior / (1.0 - prior)))
        reasons: list[str] = list(first_reasons or ())
        low, high = cm.params.uncertain_low, cm.params.uncertain_high
        if len(words) > cm.params.max_words:
            reasons.append(f"too long for the claim model: {len(words)} words (it reads statements of up to "
                           f"{cm.params.max_words}); ask for the article model (mode 'article', --mode article)")
        lexicon = self.artifact.lexicon
        known_share = _known_share(words, lexicon)
        # the article model's vocabulary test: on LIAR it flags 0.02% of the statements, on
        # Constraint 0.5%, and Spanish or German statements (0.44-0.5)
        # numbers are not words to judge: "14 3 100 2020" read 0.95 unreliable as a COVID-19 post
        n_words = sum(1 for w in words if not w.isdigit())
        if n_words < CLAIM_MIN_WORDS:
            aside = " (numbers aside)" if n_words < len(words) else ""
            reasons.append(f"too short to judge: {n_words} word{'s' * (n_words != 1)}{aside}; a statement needs at least "
                           f"{CLAIM_MIN_WORDS}")
        if words and known_share < self.model.params.min_known_share:
            reasons.append(f"unlike the statements the model knows: only {known_share:.0%} of the words are in its "
                           "vocabulary (not English?)")
        if only_asks(text):
            # CoAID's WHO FAQ questions ("Can I catch COVID-19 from my pet?") read 0.8-1.0 unreliable
            reasons.append("a question, not a claim: it asserts nothing true or false, and the claim model reads "
                           "statements; to check a claim the question implies, write it as a statement")
        from .model.claim import plain_short_post  # loaded with the claim model anyway

        experts = {k: round(v, 4) for k, v in scored["domain"].items()}
        if experts.get("health", 0.0) >= 0.5 and plain_short_post(text):
            # In Constraint a plain short statement is false 713 times in 716: the expert learned
            # who writes that way (not official accounts), and on such statements from elsewhere
            # its verdicts are a coin flip ("COVID is a virus" read 0.98 unreliable).
            reasons.append("a plain short health statement (no figures, tags or links): in the COVID-19 posts the "
                           "model learned from, nearly every such post was false, because the true ones came from "
                           "official accounts, so its score here reflects how the statement is written, not whether "
                           "it is true; compare it with fact-checks instead")
        if low < p < high:
            reasons.append(f"calibrated confidence is low: p_unreliable {p:.2f} is inside the uncertain band ({low:.2f}-{high:.2f})")
        label = "uncertain" if reasons else ("unreliable" if p >= 0.5 else "reliable")
        evidence = tuple(Evidence(e["term"], float(e["weight"]), ((e["start"], e["end"]),), "word") for e in scored["evidence"])
        ratings = {k: round(v, 4) for k, v in scored["rating_probs"].items()}
        content = ContentVerdict(p, label, tuple(reasons), evidence, (), mode="claim", prior=prior, ratings=ratings,
                                 experts=experts)
        normalised_input = looks_normalised(text)
        facts = self._facts(text, tokens, artefacts, known_share, lexicon, None, normalised_input, statement=True)
        source = self.source_verdict(url)
        claims = None
        if self.claims:
            _checkpoint(cancel, "claims extraction")
            claims = self.claim_finder.single(text).to_dict()
        return Report(content, facts, self._claim_model_info, _summary(content, facts, source, None), id=id, title=title, url=url,
                      source=source, provenance=None, claims=claims)

    def _evidence(self, kept: list[Token], words: list[str], cols: np.ndarray, vals: np.ndarray) -> tuple[Evidence, ...]:
        """The strongest words each way, located in the input.

        The model weighs a word both alone and inside function-word patterns ("said", "… said",
        "said … …"): one entry per word (or per pattern with a gap inside, "as … as") sums them,
        so five near-copies of "said" do not crowd out the rest.  ``terms`` keeps the parts.
        ``words`` are the texts of ``kept``; ``cols`` and ``vals`` the model's term columns and
        their contributions (:meth:`ContentModel.decision_arrays`).
        """
        keep = ~self._opaque_mask[cols] & (vals != 0.0)
        cols, vals = cols[keep], vals[keep]
        if not len(cols):
            return ()
        anchor_of = self._anchor_of
        missing = cols[anchor_of[cols] < 0]
        if len(missing):
            # a few hundred weighted columns, each worked out once; under a lock, since the service
            # analyses in threads and two of them must not give one anchor two ids
            with self._anchor_lock:
                for column in missing.tolist():
                    if anchor_of[column] >= 0:
                        continue  # another thread got here first
                    prefix, term = self.model.term(column)
                    shown = term if prefix == "w" else " ".join("…" if w == "_" else w for w in term.split())
                    self._shown_terms[column] = shown
                    anchor = _anchor(shown)
                    if anchor not in self._anchor_ids:
                        self._anchor_ids[anchor] = len(self._anchors)
                        self._anchors.append(anchor)
                    anchor_of[column] = self._anchor_ids[anchor]  # last: a column with an id has its term
        ids = anchor_of[cols]
        # summed per anchor in column order, as adding them one by one does
        present = np.unique(ids)
        sums = np.bincount(ids, weights=vals, minlength=len(self._anchors))[present]
        anchors = self._anchors
        ranked = sorted(zip(sums.tolist(), (anchors[i] for i in present.tolist()), present.tolist()))
        negatives = [r for r in ranked[:_MAX_EVIDENCE_PER_SIDE] if r[0] < 0]
        positives = [r for r in reversed(ranked[-_MAX_EVIDENCE_PER_SIDE:]) if r[0] > 0]
        chosen = positives + negatives
        needs_mask = any("…" in anchor for _, anchor, _ in chosen)
        sequences = {False: words, True: self.model.masked(words) if needs_mask else words}
        # the parts of the chosen anchors, in column order
        parts_of: dict[int, dict[str, float]] = {anchor_id: {} for _, _, anchor_id in chosen}
        shown_terms = self._shown_terms
        for column, value, i in zip(cols.tolist(), vals.tolist(), ids.tolist()):
            parts = parts_of.get(i)
            if parts is not None:
                # a word can be a vocabulary term and a one-word function pattern too: one part
                shown = shown_terms[column]
                parts[shown] = parts.get(shown, 0.0) + value
        out = []
        for weight, anchor, anchor_id in chosen:
            parts = parts_of[anchor_id]
            gap = "…" in anchor
            wanted = ["_" if w == "…" else w for w in anchor.split(" ")]
            where = _occurrences(sequences[gap], wanted)
            n = len(wanted)
            count = len(where)  # counted: all; located: the first ones
            spans = [(kept[i].start, kept[i + n - 1].end) for i in where[:_MAX_SPANS]]
            terms = sorted(parts.items(), key=lambda p: -abs(p[1]))
            out.append(Evidence(anchor, float(weight), tuple(spans), "pattern" if gap else "word", tuple(terms), count))
        out.sort(key=lambda e: -abs(e.weight))
        return tuple(out)

    def _signals(
        self,
        kept: list[Token],
        matches: dict[str, list[tuple[int, int]]],
        style: np.ndarray,
        style_contrib: np.ndarray,
    ) -> tuple[SignalValue, ...]:
        out = []
        for idx, name in enumerate(STYLE_FEATURES):
            spans = tuple((kept[i].start, kept[j - 1].end) for i, j in matches.get(name, ())[:_MAX_SPANS])
            out.append(SignalValue(name, DESCRIPTIONS[name], float(style[idx]), float(style_contrib[idx]), spans))
        out.sort(key=lambda s: -abs(s.weight))
        return tuple(out)

    def _facts(
        self,
        text: str,
        tokens: list[Token],
        artefacts: list[TextArtefact],
        known_share: float,
        lexicon: frozenset[str],
        prov: dict[str, Any] | None,
        normalised_input: bool,
        *,
        statement: bool = False,
    ) -> Facts:
        if prov is not None:
            # provenance filters photo credits and "told Reuters" out of the wire credits
            agencies = tuple(sorted({w["agency"] for w in prov["wire"] if w.get("agency")}))
            cut_start, cut_end = prov["truncated_start"], prov["truncated_end"]
        else:
            from .provenance.detect import truncation

            agencies = tuple(sorted({a.agency for a in artefacts if a.agency}))
            cut = truncation(text, tokens, lexicon, normalised_input, artefacts, known_share=known_share, statement=statement)
            cut_start, cut_end = cut["start"].truncated, cut["end"].truncated
        return Facts(
            word_count=len(tokens),
            char_count=len(text),
            looks_normalised=normalised_input,
            truncated_start=cut_start,
            truncated_end=cut_end,
            known_word_share=known_share,
            wire_agencies=agencies,
            artefacts=tuple(_artefact_fact(text, tokens, a, normalised_input) for a in artefacts),
        )


def _artefact_fact(text: str, tokens: list[Token], a: TextArtefact, normalised_input: bool) -> dict[str, Any]:
    """One ``facts.artefacts`` entry.  The model's input drops every agency name near the opening with
    up to two words before it, in case they are a dateline (that is how it was trained); the report
    calls it a dateline only when it reads as one, and otherwise says what it is: "earlier this week
    and reuters reported" holds an agency mention, not the dateline 'week and reuters'."""
    out = a.to_dict()
    if a.kind == "dateline":
        from .provenance.detect import plausible_dateline

        if not plausible_dateline(text, tokens, a, not normalised_input):
            out["kind"] = "agency_near_start"
    return out


def claim_model_info(path: str | os.PathLike[str] | None = None) -> ModelInfo:
    """Name, version and manifest sha256 of the claim model at ``path`` (default: the bundled one),
    read without its weights (the ``model`` of every claim-mode report, and what ``GET /v1/model``
    says answers short texts)."""
    from .model.claim import DEFAULT_PATH

    raw = (Path(path) if path is not None else DEFAULT_PATH).joinpath("manifest.json").read_bytes()
    manifest = json.loads(raw)
    return ModelInfo(str(manifest.get("name", "claim")), str(manifest.get("version", "")), sha256_bytes(raw))


def unread_script(text: str, tokens: list[Token]) -> str | None:
    """The name of the script ("Cyrillic", "Arabic", "CJK") most of ``text``'s letters are written
    in when the normalised tokens cover less than half of them, else None.

    Normalisation keeps ASCII letters and digits only (accents are folded), so letters of other
    scripts simply vanish; this is how the analyzer notices it was given nothing it can read.
    """
    if text.isascii():
        return None
    read = sum(map(TOKEN_END, tokens)) - sum(map(TOKEN_START, tokens))  # letters the tokens cover
    if len(text) - len(text.encode("ascii", "ignore")) <= read:
        return None  # fewer non-ASCII characters than letters read (curly quotes, accents): the common case
    scripts: dict[str, int] = {}
    unread = 0
    for ch in text:
        if ch.isalpha() and not ch.isascii():
            try:
                name = unicodedata.name(ch).split(" ", 1)[0]
            except ValueError:
                continue
            if name != "LATIN":
                unread += 1
                scripts[name] = scripts.get(name, 0) + 1
    if not unread or read >= unread:
        return None
    name = max(scripts, key=scripts.__getitem__)
    return name if name == "CJK" else name.capitalize()


def _anchor(shown: str) -> str:
    """The visible words of a term: "… said" and "said … …" -> "said"; a gap inside stays ("as … as")."""
    return shown.strip("… ")  # terms are ASCII words and "…": only the masks are stripped


def _occurrences(sequence: list[str], wanted: list[str]) -> list[int]:
    """Every position where ``wanted`` occurs as a run in ``sequence`` (list.index scans in C)."""
    first, n, found = wanted[0], len(wanted), []
    i = -1
    while True:
        try:
            i = sequence.index(first, i + 1)
        except ValueError:
            return found
        if n == 1 or sequence[i : i + n] == wanted:
            found.append(i)


def _known_share(words: list[str], lexicon: frozenset[str]) -> float:
    """Share of ``words`` in the model's training vocabulary (0 for no words)."""
    return (sum(map(lexicon.__contains__, words)) / len(words)) if words else 0.0


def _sigmoid(x: float) -> float:
    """Logistic function that cannot overflow for extreme logits (e.g. a prior of 1e-300)."""
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def _optional_text(name: str, value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    raise InputTypeError(f"{name} must be text (str) or None, got {type(value).__name__}")


def _check_mode(mode: str) -> str:
    if mode not in MODES:
        raise ConfigError(f"mode must be one of {', '.join(MODES)} (auto: claims under {CLAIM_MAX_WORDS} words go to the "
                          f"claim model); got {mode!r}")
    return mode


def _check_prior(prior: float) -> float:
    if not (isinstance(prior, (int, float)) and 0.0 < prior < 1.0):
        raise ConfigError(f"prior must be a share strictly between 0 and 1 (e.g. 0.1 for one unreliable article in ten); got {prior!r}")
    return float(prior)


#: what each claim-model expert was trained on, as the summary says it
_EXPERT_WORDS = {"politics": "a US political statement (like those PolitiFact rates)",
                 "health": "a COVID-19 social-media post"}

def _summary(content: ContentVerdict, facts: Facts, source: dict[str, Any] | None,
             prov: dict[str, Any] | None = None) -> str:
    """One sentence per verdict, side by side; they are never averaged."""
    p = content.p_unreliable
    what = "Claim (short-text model)" if content.mode == "claim" else "Content"
    if content.label == "uncertain":
        verdict = f"{what}: uncertain (p_unreliable {p:.2f}; {content.reasons[0].split(':')[0]})."
    else:
        verdict = f"{what} reads as {content.label} (p_unreliable {p:.2f})."
    parts = [verdict]
    if content.prior != 0.5:
        # a prior moves the probability and with it the label: say so, and what the text alone reads
        shift = math.log(content.prior / (1.0 - content.prior))
        alone = _sigmoid(math.log(max(p, 1e-12) / max(1.0 - p, 1e-12)) - shift)
        parts.append(f"That includes your prior of {content.prior:g} that a text is unreliable; the text alone, at an "
                     f"even prior, reads p_unreliable {alone:.2f}.")
    if content.experts:
        # which expert's reading this is: a UK policy sentence read as a COVID-19 post gets that
        # expert's verdict, and the PolitiFact-style ratings beside it then mean little
        main, _ = max(content.experts.items(), key=lambda kv: kv[1])
        parts.append(f"The claim model judged it as {_EXPERT_WORDS.get(main, main)}, the closer of the two kinds of "
                     "short text it was trained on.")
    if source is None:
        parts.append("Source: no URL given, so no site rating (the content score never uses one).")
    else:
        agg = source.get("aggregate", {})
        host = source.get("host") or source.get("domain") or source.get("input")
        flags = source.get("flags") or []
        if agg.get("label") in (None, "unknown"):
            if "ugc_platform" in flags or "aggregator" in flags or "shortener" in flags:
                kind = ("a link shortener" if "shortener" in flags else "a news aggregator" if "aggregator" in flags
                        else "a platform anyone can publish on")
                parts.append(f"Source: {host} is {kind}, so the publisher is unknown and no site rating applies.")
            else:
                parts.append(f"Source: {host} is in none of the rating lists.")
        else:
            from .sources.ratings import LIST_TITLES

            ratings = source.get("ratings", [])
            # only the lists whose scores went into the aggregate (OpenSources' satire tag adds none)
            components = agg.get("components") or [{"list": r["list"], "score": r.get("score")} for r in ratings]
            if len(components) > 1:  # the mean is nobody's rating: give each list's own
                scores = f"mean {agg.get('score', 0):.2f} of " + ", ".join(
                    f"{LIST_TITLES.get(c['list'], c['list'])} {c['score']:.2f}" for c in components)
            else:
                scores = f"{agg.get('score', 0):.2f} by " + LIST_TITLES.get(components[0]["list"], components[0]["list"])
            # name what was rated: abcnews.go.com has its own entry, go.com does not stand for it
            entries = sorted({r.get("matched") or source.get("domain") for r in ratings})
            rated = host if entries == [host] else f"{host} (rated by the entries for {' and '.join(entries)})"
            parts.append(f"Source: {rated} is rated {agg['label']} ({scores}), "
                         "stated beside the content verdict, not mixed into it.")
            if "satire" in flags:
                # the first thing a reader must know of an Onion story, whatever the content model says
                parts.append(f"{host} is a satire site: its stories are jokes, not news.")
    if prov is not None and prov.get("press_release"):
        release = prov["press_release"]
        via = f" ({release['distributor']})" if release.get("distributor") else ""
        # a release quotes its own executives: named sources, yet no independent reporting
        parts.append(f"It presents itself as a press release{via}: the organisation's own words, not independent "
                     "reporting.")
    if prov is not None and prov.get("wire_origin"):
        from .sources.domains import on_agency_site

        agency = prov["wire_origin"]
        if on_agency_site(agency, (source or {}).get("host") or (source or {}).get("domain") or ""):
            owner = agency + ("'" if agency.endswith("s") else "'s")
            parts.append(f"Provenance: the text carries {agency} wire credits and the URL is {owner} own site.")
        else:
            # a dateline is easy to copy or fake (hoaxes wear "(AP)"), so this says what the text claims
            parts.append(f"Provenance: the text carries {agency} wire credits, so it presents itself as "
                         f"republished {agency} copy (not verified: look for the original on the agency's site).")
    elif facts.wire_agencies:
        parts.append(f"Wire agencies are mentioned ({', '.join(facts.wire_agencies)}), but not in a way that makes the "
                     "text wire copy.")
    if prov is not None and prov.get("injected_blocks"):
        n = len(prov["injected_blocks"])
        parts.append(f"{n} block{'s' if n > 1 else ''} of unrelated headlines or promotion {'were' if n > 1 else 'was'} found inside it"
                     + (f"; without {'them' if n > 1 else 'it'} the content would read p_unreliable "
                        f"{prov['without_injected_blocks']['p_unreliable']:.2f}." if prov.get("without_injected_blocks") else "."))
    cut = [side for side, flag in (("start", facts.truncated_start), ("end", facts.truncated_end)) if flag]
    if cut:
        parts.append(f"The text appears cut at the {' and '.join(cut)}.")
    return " ".join(parts)
