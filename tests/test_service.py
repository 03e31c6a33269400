"""The REST API in process: every route, every error status, one error shape."""

from __future__ import annotations

import json
import re
import time
import warnings

import pytest

pytest.importorskip("fastapi", reason="the service needs: pip install 'newscred[serve]'")
pytest.importorskip("httpx", reason="FastAPI's TestClient needs httpx")

with warnings.catch_warnings():  # newer Starlette prefers httpx2 and says so on import
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

import newscred  # noqa: E402
from newscred.service import ServiceSettings, create_app  # noqa: E402
from newscred.errors import EmptyInputError  # noqa: E402
from newscred.service.html import extract_text, looks_like_html  # noqa: E402

from .conftest import EXAMPLES  # noqa: E402

WIRE = (EXAMPLES / "wire-story.txt").read_text()
VIRAL = (EXAMPLES / "viral-post.txt").read_text()


@pytest.fixture(scope="module")
def service_analyzer(analyzer):
    return analyzer  # the session's one loaded default model (conftest)


@pytest.fixture(scope="module")
def client(service_analyzer):
    with TestClient(create_app(service_analyzer)) as c:
        yield c


def assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"}, body
    assert set(body["error"]) == {"code", "message"}, body
    assert body["error"]["code"] == code, body
    assert body["error"]["message"]
    assert "Traceback" not in response.text
    return body["error"]


# ---------------------------------------------------------------- happy paths
def test_analyze_equals_the_library_report(client, service_analyzer) -> None:
    r = client.post("/v1/analyze", json={"text": WIRE, "url": "https://example.com/x", "title": "Pipes", "id": "a1"})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/json")
    expected = service_analyzer.analyze(WIRE, url="https://example.com/x", title="Pipes", id="a1").to_dict()
    assert r.json() == json.loads(json.dumps(expected))


def test_analyze_passes_the_prior(client, service_analyzer) -> None:
    r = client.post("/v1/analyze", json={"text": VIRAL, "prior": 0.1})
    assert r.status_code == 200
    assert r.json() == json.loads(json.dumps(service_analyzer.analyze(VIRAL, prior=0.1).to_dict()))
    assert r.json()["content"]["prior"] == 0.1


def test_numeric_id_becomes_a_string(client) -> None:
    r = client.post("/v1/analyze", json={"text": WIRE, "id": 17})
    assert r.status_code == 200
    assert r.json()["id"] == "17"


def test_html_input_is_extracted(client, service_analyzer) -> None:
    paragraphs = "".join(f"<p>{p}</p>\n" for p in WIRE.split("\n\n"))
    page = (
        "<!doctype html><html><head><title>Lead pipes</title><style>p { color: red }</style>"
        "<script>var tracking = 'shocking secret hoax';</script></head><body>"
        "<nav>Home | World | Share this</nav><header>The Daily Site</header>"
        f"<article>{paragraphs}</article><footer>Copyright 2024, all rights reserved</footer></body></html>"
    )
    r = client.post("/v1/analyze", json={"text": page})
    assert r.status_code == 200
    d = r.json()
    text, title = extract_text(page)
    assert "tracking" not in text and "Daily Site" not in text and "Copyright" not in text and "Home" not in text
    assert "SPRINGFIELD" in text
    assert d["title"] == "Lead pipes"
    # One reader for pages everywhere: the API's report is the library's report of the page ...
    assert d == json.loads(json.dumps(service_analyzer.analyze(page).to_dict()))
    # ... which is the report of its article text, plus what was read from the page
    page_section = d.pop("page")
    assert page_section["text"] == text and page_section["title"] == "Lead pipes"
    assert page_section["date"] is None  # the footer's "Copyright 2024" is not a publication date
    assert d == json.loads(json.dumps(service_analyzer.analyze(text, title="Lead pipes").to_dict()))
    # "html": false reads the markup as text, like the library's html=False and the CLI's --text
    as_text = client.post("/v1/analyze", json={"text": page, "html": False}).json()
    assert "page" not in as_text and as_text == json.loads(json.dumps(service_analyzer.analyze(page, html=False).to_dict()))
    # The evidence offsets point into the extracted text, which /v1/extract returns.
    e = client.post("/v1/extract", json={"text": page}).json()
    assert e == {"text": text, "title": "Lead pipes", "html": True}
    words = [ev for ev in d["content"]["evidence"] if ev["kind"] == "word" and ev["text"].isalpha()]
    assert words
    for ev in words:
        for start, end in ev["spans"]:
            assert text[start:end].lower() == ev["text"]


def test_extract_leaves_plain_text_alone(client) -> None:
    assert client.post("/v1/extract", json={"text": WIRE}).json() == {"text": WIRE, "title": None, "html": False}


def test_claim_sentences_route_equals_the_library_listing(client, service_analyzer) -> None:
    r = client.post("/v1/claims/sentences", json={"text": WIRE})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body == json.loads(json.dumps(service_analyzer.claim_finder.sentence_list(WIRE)))
    assert body["segmentation"] == "punctuation" and body["sentences"]
    for row in body["sentences"]:
        assert WIRE[row["start"] : row["end"]] == row["text"]
    # the listed claims of the report are among the check-worthy sentences
    listed = {(i["start"], i["end"]) for i in service_analyzer.analyze(WIRE).to_dict()["claims"]["items"]}
    assert listed <= {(s["start"], s["end"]) for s in body["sentences"] if s["check_worthy"]}
    flat = client.post("/v1/claims/sentences", json={"text": WIRE, "normalised": True}).json()
    assert flat["segmentation"] == "boundary-model"
    assert_error(client.post("/v1/claims/sentences", json={"text": " ? "}), 422, "input.empty")


def test_looks_like_html_rule() -> None:
    assert looks_like_html("<html><body>x</body></html>")
    assert looks_like_html("  <div><P>text</P></div>")
    assert not looks_like_html("Plain text with a <p> tag inside")
    assert not looks_like_html("<3 this story")


def test_batch_keeps_positions_with_bad_items_in_the_middle(client, service_analyzer) -> None:
    items = [
        {"text": WIRE, "id": "first"},
        {"text": "", "id": "e1"},
        {"title": "no text"},
        42,
        VIRAL,
        {"text": VIRAL, "prior": 7},
        {"text": WIRE, "id": "last"},
    ]
    r = client.post("/v1/analyze/batch", json={"items": items})
    assert r.status_code == 200
    results = r.json()["results"]
    assert len(results) == len(items)
    assert results[0] == json.loads(json.dumps(service_analyzer.analyze(WIRE, id="first").to_dict()))
    # an error names its item's place and id, so a caller fanning results out knows which failed
    assert results[1] == {"index": 1, "id": "e1", "error": {"code": "input.empty", "message": results[1]["error"]["message"]}}
    for i in (2, 3, 5):
        assert set(results[i]) == {"index", "id", "error"} and results[i]["error"]["code"] == "request.invalid", results[i]
        assert results[i]["index"] == i and results[i]["id"] is None
        assert f"items[{i}]" in results[i]["error"]["message"]
    assert results[4] == json.loads(json.dumps(service_analyzer.analyze(VIRAL).to_dict()))
    assert results[6]["id"] == "last"


def test_empty_batch(client) -> None:
    r = client.post("/v1/analyze/batch", json={"items": []})
    assert r.status_code == 200 and r.json() == {"results": []}


def test_model_route_has_the_manifest_and_the_card(client, service_analyzer) -> None:
    r = client.get("/v1/model")
    assert r.status_code == 200
    d = r.json()
    manifest = service_analyzer.artifact.manifest
    assert d["name"] == manifest["name"] and d["version"] == manifest["version"]
    assert d["sha256"] == service_analyzer.artifact.sha256
    assert d["created_at"] == manifest["created_at"]
    assert d["training_data"] == manifest["training_data"]
    assert d["card"].startswith("# Model card")


def test_model_route_names_both_models_and_the_limits(client, service_analyzer) -> None:
    d = client.get("/v1/model").json()
    claim_report = client.post("/v1/analyze", json={"text": "Says crime doubled last year."}).json()
    assert d["claim_model"] == claim_report["model"]  # the model that answers short texts is described too
    assert d["newscred_version"] == newscred.__version__ and d["mode"] == "auto"
    assert d["limits"] == {"max_body_bytes": 2_000_000, "max_chars": service_analyzer.max_chars,
                           "max_batch_items": 64, "timeout_s": 10.0}


def test_healthz(client, service_analyzer) -> None:
    r = client.get("/healthz")
    assert r.status_code == 200
    assert r.json() == {"status": "ok", "model": service_analyzer.model_info.to_dict()}
    # load balancers probe with HEAD
    assert client.head("/healthz").status_code == 200 and client.head("/v1/model").status_code == 200


def test_openapi_and_docs(client) -> None:
    spec = client.get("/openapi.json").json()
    for path in ("/v1/analyze", "/v1/analyze/batch", "/v1/claims/sentences", "/v1/model", "/healthz"):
        assert path in spec["paths"]
    responses = spec["paths"]["/v1/analyze"]["post"]["responses"]
    assert responses["200"]["content"]["application/json"]["schema"]["$ref"].endswith("/ReportOut")
    assert responses["422"]["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorOut")
    assert "HTTPValidationError" not in spec.get("components", {}).get("schemas", {})
    docs = client.get("/docs")
    assert docs.status_code == 200 and "swagger" in docs.text.lower()


def test_page_is_served_and_self_contained(client) -> None:
    r = client.get("/")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    assert "default-src 'none'" in r.headers["content-security-policy"]
    assets = re.findall(r'(?:src|href)="([^"]+)"', r.text)
    assert "/static/app.js" in assets and "/static/app.css" in assets
    bodies = [r.text]
    for asset in assets:
        if asset.startswith("/static/"):
            a = client.get(asset)
            assert a.status_code == 200, asset
            bodies.append(a.text)
    for body in bodies:
        external = [u for u in re.findall(r"https?://[^\s\"'<>)]+", body) if not re.match(r"https?://(127\.0\.0\.1|localhost)", u)]
        assert not external, external
    assert client.head("/").status_code == 200


# ---------------------------------------------------------------- errors
def test_malformed_json_is_422(client) -> None:
    r = client.post("/v1/analyze", content=b'{"text": "unterminated', headers={"content-type": "application/json"})
    assert "not valid JSON" in assert_error(r, 422, "request.invalid")["message"]


def test_missing_text_is_422(client) -> None:
    err = assert_error(client.post("/v1/analyze", json={"title": "t"}), 422, "request.invalid")
    assert "text" in err["message"]


@pytest.mark.parametrize(
    "body",
    [
        {"text": 5, "prior": 1.5},  # two fields wrong: the request, not only its text
        {"text": "fine words here", "prior": 1.5},
        {"text": "fine words here", "prior": 0},
        {"text": "fine words here", "url": ["x"]},
        ["not", "an", "object"],
        {"items": "not a list"},
    ],
)
def test_bad_fields_are_422(client, body) -> None:
    assert_error(client.post("/v1/analyze", json=body), 422, "request.invalid")


@pytest.mark.parametrize("route, body, field", [
    ("/v1/analyze", {"text": "fine words here", "titel": "typo"}, "titel"),
    ("/v1/analyze", {"text": "fine words here", "provenance": False}, "provenance"),
    ("/v1/analyze", {"text": "fine words here", "prior": "0.3"}, "prior"),
    ("/v1/analyze", {"text": "fine words here", "prior": float("nan")}, "prior"),
    ("/v1/claims/sentences", {"text": "fine words here", "normalised": "yes"}, "normalised"),
    ("/v1/extract", {"text": "fine words here", "html": True}, "html"),
])
def test_unknown_or_loosely_typed_fields_are_422(client, route, body, field) -> None:
    """A misspelt field or a switch the API does not have must not be silently ignored."""
    r = client.post(route, content=json.dumps(body).encode(), headers={"content-type": "application/json"})
    assert field in assert_error(r, 422, "request.invalid")["message"]


def test_unknown_field_in_a_batch_item_is_an_error_at_its_position(client) -> None:
    results = client.post("/v1/analyze/batch", json={"items": [WIRE, {"text": WIRE, "titel": "x"}]}).json()["results"]
    assert "content" in results[0] and results[1]["error"]["code"] == "request.invalid"
    assert "titel: unknown field" in results[1]["error"]["message"]


@pytest.mark.parametrize("headers", [{"content-type": "text/plain"}, {"content-type": "application/x-www-form-urlencoded"},
                                     {"content-type": "application/json", "content-encoding": "gzip"}])
def test_a_body_that_is_not_plain_json_is_415(client, headers) -> None:
    r = client.post("/v1/analyze", content=b'{"text": "fine words here"}', headers=headers)
    assert "JSON" in assert_error(r, 415, "request.unsupported_media_type")["message"]


def test_json_with_a_charset_is_fine(client) -> None:
    r = client.post("/v1/analyze", content=json.dumps({"text": WIRE}).encode(),
                    headers={"content-type": "application/json; charset=utf-8"})
    assert r.status_code == 200


@pytest.mark.parametrize("route", ["/v1/analyze", "/v1/claims/sentences", "/v1/extract"])
def test_sentences_and_extract_refuse_what_analyze_refuses(client, route) -> None:
    assert_error(client.post(route, json={"text": "words\u0000 more words"}), 422, "input.binary")
    assert_error(client.post(route, json={"text": "<html><body><script>var x;</script></body></html>"}), 422, "input.empty")


def test_cors_is_off_by_default_and_on_for_listed_origins(client, service_analyzer) -> None:
    preflight = {"origin": "https://cms.example.org", "access-control-request-method": "POST",
                 "access-control-request-headers": "content-type"}
    assert "access-control-allow-origin" not in client.options("/v1/analyze", headers=preflight).headers
    settings = ServiceSettings(cors_origins=("https://cms.example.org",))
    assert ServiceSettings.from_json(settings.to_json()) == settings  # survives the trip to worker processes
    with TestClient(create_app(service_analyzer, settings)) as c:
        r = c.options("/v1/analyze", headers=preflight)
        assert r.status_code == 200 and r.headers["access-control-allow-origin"] == "https://cms.example.org"
        r = c.post("/v1/analyze", json={"text": WIRE}, headers={"origin": "https://cms.example.org"})
        assert r.status_code == 200 and r.headers["access-control-allow-origin"] == "https://cms.example.org"
        other = c.post("/v1/analyze", json={"text": WIRE}, headers={"origin": "https://evil.example"})
        assert "access-control-allow-origin" not in other.headers


def test_lone_surrogate_is_422(client) -> None:
    r = client.post("/v1/analyze", content=b'{"text": "abc \\ud800 def"}', headers={"content-type": "application/json"})
    assert_error(r, 422, "input.encoding")  # what analyze() says of it


@pytest.mark.parametrize("text", ["", "   \n\t ", "!!! ??? ..."])
def test_empty_text_is_422_input_empty(client, text) -> None:
    assert_error(client.post("/v1/analyze", json={"text": text}), 422, "input.empty")


def test_nul_text_is_422_input_binary(client) -> None:
    assert_error(client.post("/v1/analyze", json={"text": "words\u0000 more words"}), 422, "input.binary")


def test_oversized_batch_is_413(client) -> None:
    r = client.post("/v1/analyze/batch", json={"items": ["some text"] * 65})
    assert "65 items" in assert_error(r, 413, "request.too_large")["message"]


def test_batch_needs_items(client) -> None:
    assert_error(client.post("/v1/analyze/batch", json={"texts": []}), 422, "request.invalid")


def test_body_over_the_limit_is_413(service_analyzer) -> None:
    with TestClient(create_app(service_analyzer, ServiceSettings(max_body_bytes=1000))) as small:
        # Declared by Content-Length...
        r = small.post("/v1/analyze", json={"text": WIRE})
        assert_error(r, 413, "request.too_large")
        # ...and counted when streamed without one.
        def chunks():
            for _ in range(10):
                yield b" " * 200

        r = small.post("/v1/analyze", content=chunks(), headers={"content-type": "application/json"})
        assert_error(r, 413, "request.too_large")
        # Under the limit still works.
        assert small.post("/v1/analyze", json={"text": WIRE[:600]}).status_code == 200


def test_unknown_route_is_404(client) -> None:
    assert_error(client.get("/v2/nothing"), 404, "not_found")
    assert_error(client.get("/static/secret.py"), 404, "not_found")


def test_wrong_method_is_405(client) -> None:
    assert_error(client.get("/v1/analyze"), 405, "method_not_allowed")


def test_slow_analysis_is_504(service_analyzer, monkeypatch) -> None:
    slow = newscred.load()
    real = slow.analyze

    def sleepy(*args, **kwargs):
        time.sleep(0.5)
        return real(*args, **kwargs)

    monkeypatch.setattr(slow, "analyze", sleepy)
    with TestClient(create_app(slow, ServiceSettings(timeout_s=0.05))) as c:
        t0 = time.perf_counter()
        err = assert_error(c.post("/v1/analyze", json={"text": WIRE}), 504, "request.timeout")
        assert time.perf_counter() - t0 < 0.45
        assert "0.05 s" in err["message"]
        # In a batch the timeout is per request: late items become errors at their positions.
        r = c.post("/v1/analyze/batch", json={"items": [WIRE, WIRE]})
        assert r.status_code == 200
        assert [x["error"]["code"] for x in r.json()["results"]] == ["request.timeout", "request.timeout"]


def test_a_request_that_cannot_get_a_thread_is_503_and_never_runs(monkeypatch) -> None:
    """Queue time is not analysis time: a text stuck behind a slow one is told to retry (503), not to
    shorten itself (504), and it is withdrawn, so it cannot use CPU after its caller gave up."""
    import threading

    slow = newscred.load()
    real = slow.analyze
    calls = []

    def sleepy(*args, **kwargs):
        calls.append(args[0][:10])
        time.sleep(0.6)
        return real(*args, **kwargs)

    monkeypatch.setattr(slow, "analyze", sleepy)
    with TestClient(create_app(slow, ServiceSettings(timeout_s=0.2, analysis_threads=1))) as c:
        answers: dict[str, object] = {}

        def send(name: str, text: str) -> None:
            answers[name] = c.post("/v1/analyze", json={"text": text})

        first = threading.Thread(target=send, args=("long", WIRE))
        first.start()
        time.sleep(0.05)  # the long one holds the only thread
        send("short", "Says crime doubled last year.")
        first.join()
        assert_error(answers["long"], 504, "request.timeout")
        err = assert_error(answers["short"], 503, "server.busy")
        assert "Retry shortly" in err["message"] and answers["short"].headers["retry-after"] == "1"
        time.sleep(0.7)
        assert calls == [WIRE[:10]]  # the short one was withdrawn before it started


def test_unexpected_error_is_500_without_traceback(service_analyzer, monkeypatch) -> None:
    broken = newscred.load()

    def boom(*args, **kwargs):
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(broken, "analyze", boom)
    with TestClient(create_app(broken)) as c:
        err = assert_error(c.post("/v1/analyze", json={"text": WIRE}), 500, "internal")
        assert "secret internal detail" not in err["message"]
        r = c.post("/v1/analyze/batch", json={"items": [WIRE]})
        assert r.json()["results"][0]["error"]["code"] == "internal"


def test_settings_are_checked() -> None:
    from newscred.errors import ConfigError

    with pytest.raises(ConfigError):
        ServiceSettings(timeout_s=0)
    s = ServiceSettings(max_batch_items=3, timeout_s=2.5)
    assert ServiceSettings.from_json(s.to_json()) == s


def test_serve_command_help_explains_binding() -> None:
    from click.testing import CliRunner

    from newscred.cli import main

    result = CliRunner().invoke(main, ["serve", "--help"])
    assert result.exit_code == 0
    assert "127.0.0.1" in result.output and "0.0.0.0" in result.output
    bad = CliRunner().invoke(main, ["serve", "--port", "70000"])
    assert bad.exit_code == 2 and "70000" in bad.output


def test_serve_with_two_workers_answers_quickly() -> None:
    """`newscred serve --workers 2` (uvicorn's factory mode) serves the same reports, and keep-alive
    requests do not wait for delayed ACKs (the listening socket keeps TCP_NODELAY)."""
    import http.client
    import socket
    import subprocess
    import sys

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [sys.executable, "-m", "newscred", "serve", "--port", str(port), "--workers", "2", "--no-access-log",
         "--log-level", "warning"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            assert proc.poll() is None, proc.stderr.read().decode()
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                conn.request("GET", "/healthz")
                first = conn.getresponse()
                first.read()
                if first.status == 200:
                    break
            except OSError:
                assert time.monotonic() < deadline, "server did not start"
                time.sleep(0.2)
        conn.request("POST", "/v1/analyze", body=json.dumps({"text": WIRE}), headers={"Content-Type": "application/json"})
        resp = conn.getresponse()
        assert resp.status == 200
        assert json.loads(resp.read())["content"]["label"] == newscred.load().analyze(WIRE).label
        timings = []
        for _ in range(15):
            t0 = time.perf_counter()
            conn.request("GET", "/healthz")
            conn.getresponse().read()
            timings.append(time.perf_counter() - t0)
        assert sorted(timings)[len(timings) // 2] < 0.030, timings
        conn.close()
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def test_html_extractor_never_crashes() -> None:
    from hypothesis import given, settings
    from hypothesis import strategies as st

    tags = st.sampled_from(["<p>", "</p>", "<script>", "</script>", "<style>", "<nav>", "</nav>", "<br/>", "<head>",
                            "<body>", "</body>", "<title>", "</title>", "<!--", "-->", "<![CDATA[", "&amp;", "&#x110000;",
                            "<a href='x'>", "</a>", "<", ">", "<div", "\x00"])

    @settings(max_examples=200, deadline=None)
    @given(st.lists(st.one_of(tags, st.text(max_size=20)), max_size=30))
    def check(parts: list[str]) -> None:
        try:
            text, title = extract_text("<html>" + "".join(parts))
        except EmptyInputError:  # a page without any text: the one error allowed, input.empty (422)
            return
        assert text.strip() and (title is None or isinstance(title, str))

    check()


def test_docs_page_works_offline(client) -> None:
    """/docs must not load Swagger UI from a CDN: this service is used where there is no internet."""
    page = client.get("/docs")
    assert page.status_code == 200 and "swagger" in page.text.lower()
    assert "cdn.jsdelivr" not in page.text and "unpkg.com" not in page.text
    assert client.get("/docs-assets/swagger-ui-bundle.js").status_code == 200


def test_a_text_that_is_not_text_gets_the_librarys_code(client) -> None:
    # the same stable codes as analyze(): None and numbers are input.type, a lone surrogate input.encoding
    for raw, code in (('{"text": null}', "input.type"), ('{"text": 123}', "input.type"),
                      ('{"text": "\\ud800abc"}', "input.encoding"), ('{"text": "ok", "prior": 7}', "request.invalid")):
        r = client.post("/v1/analyze", content=raw, headers={"content-type": "application/json"})
        assert r.status_code == 422 and r.json()["error"]["code"] == code, (raw, r.json())
    item = client.post("/v1/analyze/batch", json={"items": [{"text": None, "id": "x"}]}).json()["results"][0]
    assert item["error"]["code"] == "input.type" and item["id"] == "x"


def test_model_endpoint_names_the_claim_model_in_use(tmp_path) -> None:
    import json
    import shutil

    import newscred
    from newscred.model.claim import DEFAULT_PATH

    mine = tmp_path / "my-claims"
    shutil.copytree(DEFAULT_PATH, mine)
    manifest = json.loads((mine / "manifest.json").read_text())
    (mine / "manifest.json").write_text(json.dumps({**manifest, "name": "my-claims"}))
    with TestClient(create_app(newscred.load(claim_model=mine, claims=False))) as c:
        assert c.get("/v1/model").json()["claim_model"]["name"] == "my-claims"
        short = c.post("/v1/analyze", json={"text": "Says the moon landing was faked by the government."}).json()
        assert short["model"]["name"] == "my-claims"
