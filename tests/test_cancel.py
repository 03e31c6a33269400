"""Cooperative cancellation: ``analyze(..., cancel=CancelToken())`` stops at a stage boundary, and the
service cancels an analysis whose caller got a 504, so its thread is free again."""

from __future__ import annotations

import threading
import time
import warnings

import pytest

import newscred.provenance
from newscred.analyzer import CancelToken
from newscred.errors import AnalysisCancelledError, InputTypeError, NewscredError

from .conftest import EXAMPLES, ROOT

WIRE = (EXAMPLES / "wire-story.txt").read_text()
DATA = ROOT / "tests" / "data"


def _cancelled(analyzer, text, cancel, **kwargs) -> AnalysisCancelledError:
    with pytest.raises(AnalysisCancelledError) as info:
        analyzer.analyze(text, cancel=cancel, **kwargs)
    err = info.value
    assert isinstance(err, NewscredError)
    assert err.code == "analysis.cancelled"
    assert err.to_dict() == {"code": "analysis.cancelled", "message": err.message}
    return err


# ---------------------------------------------------------------- library
def test_a_cancelled_token_stops_before_any_work(analyzer) -> None:
    token = CancelToken()
    token.cancel()
    assert token.is_set()
    err = _cancelled(analyzer, WIRE, token)
    assert err.context == {"stage": "validation"}
    assert "cancelled before validation" in err.message


def test_a_set_threading_event_works_as_a_token(analyzer) -> None:
    event = threading.Event()
    event.set()
    _cancelled(analyzer, WIRE, event)


def test_a_deadline_in_the_past_stops_the_analysis(analyzer) -> None:
    token = CancelToken(deadline=time.monotonic() - 1.0)
    assert token.is_set()
    _cancelled(analyzer, WIRE, token)
    # even for input the analyzer would refuse: nothing is read once the token is set
    _cancelled(analyzer, "", token)


def test_a_cancel_that_is_not_a_token_is_refused(analyzer) -> None:
    with pytest.raises(InputTypeError):
        analyzer.analyze(WIRE, cancel=1.5)


@pytest.mark.parametrize("name", ["provenance_wire_raw.txt", "provenance_page.html", "editor_audit/press_release.txt",
                                  "editor_audit/post40.txt"])
def test_reports_are_unchanged_with_an_unsignalled_token(analyzer, name) -> None:
    text = (DATA / name).read_text()
    plain = analyzer.analyze(text, url="https://example.com/a", id="x").to_dict()
    for cancel in (CancelToken(), CancelToken(deadline=time.monotonic() + 3600), threading.Event()):
        assert analyzer.analyze(text, url="https://example.com/a", id="x", cancel=cancel).to_dict() == plain


def test_a_token_cancelled_during_a_stage_stops_at_the_next_boundary(analyzer, monkeypatch) -> None:
    token = CancelToken()
    real = newscred.provenance.analyze_provenance
    finder = analyzer.claim_finder
    claims_called = []

    def provenance_then_cancel(*args, **kwargs):
        result = real(*args, **kwargs)
        token.cancel()  # as the service does from another thread while this stage runs
        return result

    monkeypatch.setattr(newscred.provenance, "analyze_provenance", provenance_then_cancel)
    monkeypatch.setattr(finder, "find", lambda *a, **k: claims_called.append(1))
    err = _cancelled(analyzer, WIRE, token)
    assert err.context == {"stage": "claims extraction"}
    assert claims_called == []


def test_claim_matching_is_a_boundary_too(analyzer, monkeypatch) -> None:
    token = CancelToken()
    finder = analyzer.claim_finder
    real = finder.scored_sentences
    matched = []

    def score_then_cancel(*args, **kwargs):
        out = real(*args, **kwargs)
        token.cancel()
        return out

    monkeypatch.setattr(finder, "scored_sentences", score_then_cancel)
    monkeypatch.setattr(finder, "_matches", lambda *a, **k: matched.append(1))
    err = _cancelled(analyzer, WIRE, token)
    assert err.context == {"stage": "claim matching"}
    assert matched == []


def test_claim_mode_checks_the_token(analyzer) -> None:
    token = CancelToken()
    text = "Says crime doubled last year in every city of the state."
    assert analyzer.analyze(text, cancel=token).to_dict() == analyzer.analyze(text).to_dict()
    token.cancel()
    _cancelled(analyzer, text, token)


# ---------------------------------------------------------------- service
def _service():
    pytest.importorskip("fastapi", reason="the service needs: pip install 'newscred[serve]'")
    pytest.importorskip("httpx", reason="FastAPI's TestClient needs httpx")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient

    from newscred.service import ServiceSettings, create_app

    return TestClient, ServiceSettings, create_app


class _SlowProvenance:
    """The provenance stage made slow: the first call blocks until released (checking no token), as a
    huge article would; the claims stage after it records calls and then sleeps, so an analysis that
    was not cancelled would keep the only thread busy for longer than the service waits."""

    def __init__(self, monkeypatch, analyzer, claims_sleep: float) -> None:
        self.entered = threading.Event()
        self.release = threading.Event()
        self.claims_called: list[int] = []
        self.claims_slow = True
        self.outcomes: list[BaseException | None] = []
        self.finished = threading.Semaphore(0)
        real_prov = newscred.provenance.analyze_provenance
        finder = analyzer.claim_finder
        real_find = finder.find
        real_analyze = analyzer.analyze
        blocked = []

        def prov(*args, **kwargs):
            if not blocked:
                blocked.append(1)
                self.entered.set()
                self.release.wait(30)
            return real_prov(*args, **kwargs)

        def find(*args, **kwargs):
            self.claims_called.append(1)
            if self.claims_slow:
                time.sleep(claims_sleep)
            return real_find(*args, **kwargs)

        def analyze(*args, **kwargs):
            try:
                report = real_analyze(*args, **kwargs)
            except BaseException as exc:
                self.outcomes.append(exc)
                raise
            else:
                self.outcomes.append(None)
                return report
            finally:
                self.finished.release()

        monkeypatch.setattr(newscred.provenance, "analyze_provenance", prov)
        monkeypatch.setattr(finder, "find", find)
        monkeypatch.setattr(analyzer, "analyze", analyze)

    def wait_finished(self, n: int = 1) -> None:
        for _ in range(n):
            assert self.finished.acquire(timeout=30), "the analysis thread never finished"


def test_a_504_cancels_the_analysis_and_frees_its_thread(monkeypatch) -> None:
    TestClient, ServiceSettings, create_app = _service()
    import newscred

    analyzer = newscred.load()
    analyzer.analyze(WIRE)  # warm: the claims finder loads on first use
    timeout = 1.0
    slow = _SlowProvenance(monkeypatch, analyzer, claims_sleep=3 * timeout)
    with TestClient(create_app(analyzer, ServiceSettings(timeout_s=timeout, analysis_threads=1))) as c:
        r = c.post("/v1/analyze", json={"text": WIRE})
        assert r.status_code == 504 and r.json()["error"]["code"] == "request.timeout"
        assert slow.entered.is_set()
        slow.release.set()  # the slow stage ends; the next boundary sees the cancel
        slow.wait_finished()
        assert isinstance(slow.outcomes[0], AnalysisCancelledError)
        assert slow.outcomes[0].context == {"stage": "claims extraction"}
        assert slow.claims_called == []
        # the only thread is free: a following request is served, not told 503 server.busy
        slow.claims_slow = False
        r = c.post("/v1/analyze", json={"text": WIRE})
        assert r.status_code == 200, r.text
        assert slow.claims_called == [1]
        assert r.json() == analyzer.analyze(WIRE).to_dict()


def test_a_batch_past_its_deadline_cancels_its_items(monkeypatch) -> None:
    TestClient, ServiceSettings, create_app = _service()
    import newscred

    analyzer = newscred.load()
    analyzer.analyze(WIRE)
    timeout = 2.0
    slow = _SlowProvenance(monkeypatch, analyzer, claims_sleep=3 * timeout)

    def release_later() -> None:
        # a while after the first item's 504, while the second still waits (up to timeout) for the thread
        slow.entered.wait(30)
        time.sleep(timeout + 0.5)
        slow.release.set()

    releaser = threading.Thread(target=release_later)
    releaser.start()
    with TestClient(create_app(analyzer, ServiceSettings(timeout_s=timeout, analysis_threads=1))) as c:
        r = c.post("/v1/analyze/batch", json={"items": [WIRE, WIRE]})
        releaser.join()
        assert r.status_code == 200
        assert [x["error"]["code"] for x in r.json()["results"]] == ["request.timeout", "request.timeout"]
        slow.wait_finished(2)
        assert all(isinstance(o, AnalysisCancelledError) for o in slow.outcomes), slow.outcomes
        # the first stopped after its slow stage, the second (past the deadline) before any work
        assert [o.context["stage"] for o in slow.outcomes] == ["claims extraction", "validation"]
        assert slow.claims_called == []
