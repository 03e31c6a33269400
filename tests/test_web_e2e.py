"""The web page in a real headless Chromium (Debian's /usr/bin/chromium, driven by Playwright).

The server is uvicorn on 127.0.0.1 in a background thread.  Screenshots are written under the
test's tmp_path (and copied to $NEWSCRED_SCREENSHOT_DIR when set, to look at them).
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from pathlib import Path
from urllib.parse import urlparse

import pytest

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip("no /usr/bin/chromium (install Debian's chromium: apt-get install chromium)", allow_module_level=True)
pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install 'newscred[test]')")
pytest.importorskip("fastapi", reason="the service needs: pip install 'newscred[serve]'")
uvicorn = pytest.importorskip("uvicorn", reason="the service needs: pip install 'newscred[serve]'")

from playwright.sync_api import expect, sync_playwright  # noqa: E402

from newscred.service import create_app  # noqa: E402

from .conftest import EXAMPLES  # noqa: E402

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WIRE = (EXAMPLES / "wire-story.txt").read_text()
VIRAL = (EXAMPLES / "viral-post.txt").read_text()


@pytest.fixture(scope="module")
def analyzer_e2e(analyzer):
    return analyzer  # the session's one loaded default model (conftest)


@pytest.fixture(scope="module")
def server(analyzer_e2e):
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(create_app(analyzer_e2e), log_level="warning", access_log=False, lifespan="on")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("uvicorn did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)
    sock.close()


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def page(browser, server):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    problems: list[str] = []
    outside: list[str] = []

    def only_local(route):
        host = urlparse(route.request.url).hostname
        if host in ("127.0.0.1", "localhost"):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    pg.route("**/*", only_local)
    pg.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    pg.on("pageerror", lambda exc: problems.append(str(exc)))
    pg.problems = problems  # type: ignore[attr-defined]
    pg.outside = outside  # type: ignore[attr-defined]
    yield pg
    context.close()


def shoot(pg, tmp_path: Path, name: str) -> Path:
    path = tmp_path / name
    pg.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 5000
    copy_to = os.environ.get("NEWSCRED_SCREENSHOT_DIR")
    if copy_to:
        Path(copy_to).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, Path(copy_to) / name)
    return path


def analyse(pg, text: str, *, keyboard: bool = False, url: str | None = None) -> None:
    box = pg.get_by_label("Article text or HTML")
    box.fill(text)
    if url is not None:
        pg.get_by_label("Where it was published").fill(url)
    if keyboard:
        box.press("Control+Enter")
    else:
        pg.get_by_role("button", name="Analyse").click()


def test_paste_submit_and_see_the_verdict_with_highlights(page, server, analyzer_e2e, tmp_path) -> None:
    page.goto(server + "/")
    expect(page.locator("#model-info")).to_contain_text(analyzer_e2e.model_info.name)
    url = "https://www.reuters.com/world/us/lead-pipes"
    analyse(page, WIRE, url=url)
    expected = analyzer_e2e.analyze(WIRE, url=url).to_dict()
    label = {"reliable": "Reads as reliable", "unreliable": "Reads as unreliable", "uncertain": "Uncertain"}
    expect(page.locator("#verdict-label")).to_have_text(label[expected["content"]["label"]])
    expect(page.locator("#prob-text")).to_contain_text(f"{round(100 * expected['content']['p_unreliable'])}%")
    marks = page.locator("#article-text mark.ev")
    assert marks.count() >= 1
    first = marks.first
    assert first.get_attribute("tabindex") == "0"
    # one tab stop per evidence term, however often it occurs
    stops = page.locator("#article-text mark.ev[tabindex='0']").count()
    assert 1 <= stops <= len(expected["content"]["evidence"])
    assert "towards" in first.get_attribute("title")
    assert "towards" in first.get_attribute("aria-label")
    assert page.locator("#article-text").inner_text().strip() == WIRE.strip()
    # Both directions are coloured differently.
    directions = set(page.eval_on_selector_all("#article-text mark.ev", "els => els.map(e => e.dataset.direction)"))
    assert directions <= {"reliable", "unreliable"} and directions
    # Keyboard focus on a highlight explains it.
    first.focus()
    expect(page.locator("#evidence-detail")).to_contain_text("towards")
    # The other sections are there; source/provenance/claims only when the report has them.
    assert page.locator("#signals tr").count() == len(expected["content"]["signals"])
    expect(page.locator("#facts")).to_contain_text("Wire agencies named in the text")
    present = [k for k in ("source", "provenance") if expected.get(k) not in (None, [], {})]
    assert page.eval_on_selector_all("#extra-sections section", "els => els.map(e => e.dataset.section)") == present
    # Check-worthy claims: one list item per claim in the report, most check-worthy first, with its score.
    items = expected["claims"]["items"]
    assert items, "the wire story has check-worthy sentences"
    claims = page.locator("#claims-section .claim-item")
    expect(claims).to_have_count(len(items))
    expect(claims.first).to_contain_text(items[0]["text"][:40])
    expect(claims.first.locator(".claim-score")).to_have_text(f"{items[0]['score']:.2f}")
    # Every sentence, on request: the rows of POST /v1/claims/sentences, check-worthy ones marked.
    listing = analyzer_e2e.claim_finder.sentence_list(WIRE)["sentences"]
    page.locator("#all-sentences-button").click()
    rows = page.locator("#all-sentences .sentence-item")
    expect(rows).to_have_count(len(listing))
    expect(page.locator("#all-sentences .sentence-item.check-worthy")).to_have_count(sum(r["check_worthy"] for r in listing))
    expect(rows.first).to_contain_text(listing[0]["text"][:30])
    expect(page.locator("#all-sentences-button")).to_be_hidden()
    shoot(page, tmp_path, "wire-story-1280.png")
    assert not page.problems, page.problems
    assert not page.outside, page.outside


def test_ctrl_enter_submits_and_errors_show_in_an_alert(page, server, tmp_path) -> None:
    page.goto(server + "/")
    analyse(page, VIRAL, keyboard=True)
    expect(page.locator("#verdict-label")).not_to_be_empty()
    assert page.locator("#article-text mark.ev").count() >= 1
    expect(page.locator("#signals-card")).to_be_visible()
    # A short claim goes to the claim model, which has no style signals: no empty table.
    analyse(page, "Says the city council voted to double property taxes last year.")
    expect(page.locator("#verdict-label")).not_to_be_empty()
    expect(page.locator("#signals-card")).to_be_hidden()
    # An input the analyzer refuses: the API's message appears in a visible alert.
    analyse(page, "!!! ??? ...")
    alert = page.get_by_role("alert")
    expect(alert).to_be_visible()
    expect(alert).to_contain_text("input.empty")
    shoot(page, tmp_path, "error-1280.png")
    assert not page.outside, page.outside


def test_upload_an_html_file(page, server, tmp_path) -> None:
    paragraphs = "".join(f"<p>{p}</p>" for p in WIRE.split("\n\n"))
    html = (f"<!doctype html><html><head><title>Pipes</title><script>var x = 1;</script></head><body>"
            f"<nav>Home | News</nav><article>{paragraphs}</article><footer>Footer text</footer></body></html>")
    upload = tmp_path / "story.html"
    upload.write_text(html)
    page.goto(server + "/")
    page.get_by_label("Load a .txt or .html file").set_input_files(str(upload))
    expect(page.get_by_label("Article text or HTML")).to_have_value(html)
    page.get_by_role("button", name="Analyse").click()
    expect(page.locator("#verdict-label")).not_to_be_empty()
    shown = page.locator("#article-text").inner_text()
    assert "<p>" not in shown and "Home | News" not in shown and "SPRINGFIELD" in shown
    assert page.locator("#article-text mark.ev").count() >= 1
    # what was read from the page is shown beside the report (its title), but not its text twice
    section = page.locator("#extra-sections section[data-section='page']")
    expect(section).to_contain_text("Pipes")
    assert "SPRINGFIELD" not in section.inner_text()
    assert not page.problems, page.problems


def test_readable_at_375px(browser, server, tmp_path) -> None:
    context = browser.new_context(viewport={"width": 375, "height": 800}, device_scale_factor=1)
    pg = context.new_page()
    try:
        pg.goto(server + "/")
        analyse(pg, WIRE, url="https://www.reuters.com/world/us/lead-pipes")
        expect(pg.locator("#verdict-label")).not_to_be_empty()
        assert pg.locator("#article-text mark.ev").count() >= 1
        # Nothing wider than the screen: no sideways scrolling of the page.
        assert pg.evaluate("document.documentElement.scrollWidth") <= 375
        shoot(pg, tmp_path, "wire-story-375.png")
    finally:
        context.close()


def test_keyboard_only_tab_order(page, server) -> None:
    page.goto(server + "/")
    order = []
    for _ in range(7):
        page.keyboard.press("Tab")
        order.append(page.evaluate("document.activeElement.id || document.activeElement.className"))
    # Skip link, then the form in reading order.
    assert order[:6] == ["skip-link", "text", "file", "url", "submit", "clear"], order


def test_a_short_claim_is_labelled_as_read_by_the_claim_model(page, server, tmp_path) -> None:
    page.goto(server + "/")
    analyse(page, "Says the governor cut school funding by 40 percent last year.")
    expect(page.locator("#verdict-heading")).to_have_text("Claim verdict (short-claim model)")
    expect(page.locator("#claims-section .claim-item")).to_have_count(1)
    analyse(page, WIRE)
    expect(page.locator("#verdict-heading")).to_have_text("Content verdict")
    shoot(page, tmp_path, "short-claim-1280.png")
    assert not page.problems, page.problems
