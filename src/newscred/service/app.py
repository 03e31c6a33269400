"""The REST API and the web page: ``create_app(analyzer)`` returns a FastAPI application.

Nothing is loaded at import time: the caller loads the model (``newscred.load()``) and hands the
analyzer in.  ``newscred serve`` does that for you.

Every error body has one shape, ``{"error": {"code": ..., "message": ...}}``, with the stable codes
of :mod:`newscred.errors` for input errors and these for the request itself:

=====  =========================  ==================================================
 422   request.invalid            malformed JSON, missing or mistyped fields
 422   input.empty, input.binary  the analyzer refused the text (its own code); a ``text`` that is not
                                  a string is ``input.type`` and one with a lone surrogate
                                  ``input.encoding``, as ``analyze()`` says
 413   request.too_large          body over max_body_bytes, or batch over max_batch_items
 415   request.unsupported_media_type  a body that is not JSON (Content-Type) or is compressed
 503   server.busy                every analysis thread stayed taken for timeout_s (Retry-After)
 504   request.timeout            the analysis itself took longer than timeout_s (it is then cancelled: its
                                  thread stops at the next stage boundary, see ``CancelToken``)
 404   not_found                  no such route
 405   method_not_allowed         wrong HTTP method for the route
 500   internal                   a bug: logged on the server, no traceback in the body
=====  =========================  ==================================================
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import json
import logging
import os
import re
from dataclasses import asdict, dataclass, fields
from importlib import resources
from typing import Any, AsyncIterator, Awaitable, Callable

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from .. import __version__
from ..analyzer import CancelToken, claim_model_info
from ..errors import AnalysisCancelledError, ConfigError, DataError, InputError, NewscredError
from ..provenance.html import text_to_analyse
from ..text.validate import check_text
from .schemas import (
    AnalyzeRequest,
    BatchOut,
    BatchRequest,
    ErrorOut,
    ExtractRequest,
    ExtractResponse,
    HealthOut,
    ModelOut,
    ReportOut,
    SentencesRequest,
    SentencesResponse,
)

logger = logging.getLogger("newscred.service")

ENV_MODEL = "NEWSCRED_SERVE_MODEL"
ENV_SETTINGS = "NEWSCRED_SERVE_SETTINGS"
ENV_ANALYZER = "NEWSCRED_SERVE_ANALYZER"  # JSON keyword arguments of newscred.load() (claims, claims_index, mode)

_STATIC_TYPES = {".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}
# The page loads nothing from anywhere else, and says so to the browser.
_PAGE_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)


@dataclass
class ServiceSettings:
    """Limits of the service.  ``newscred serve`` exposes the common ones as options."""

    max_body_bytes: int = 2_000_000
    max_batch_items: int = 64
    timeout_s: float = 10.0
    analysis_threads: int = 4  # threads that run analyses (the event loop never does)
    enable_page: bool = True  # serve the web page at /
    #: origins allowed to call the API from a browser page of theirs (CORS); none by default
    cors_origins: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.max_body_bytes < 1 or self.max_batch_items < 1 or self.analysis_threads < 1:
            raise ConfigError("max_body_bytes, max_batch_items and analysis_threads must be at least 1")
        if not self.timeout_s > 0:
            raise ConfigError(f"timeout_s must be positive; got {self.timeout_s!r}")

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str | None) -> "ServiceSettings":
        if not text:
            return cls()
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in json.loads(text).items() if k in known}
        if "cors_origins" in values:
            values["cors_origins"] = tuple(values["cors_origins"])
        return cls(**values)

    def limits(self, max_chars: int) -> dict[str, Any]:
        """What a client needs to know before sending (GET /v1/model)."""
        return {"max_body_bytes": self.max_body_bytes, "max_chars": max_chars,
                "max_batch_items": self.max_batch_items, "timeout_s": self.timeout_s}


class ServiceError(Exception):
    """An error answer with a status, a stable code and a message."""

    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers


def error_response(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status, headers=headers)


_HTTP_CODES = {
    400: "request.bad",
    404: "not_found",
    405: "method_not_allowed",
    413: "request.too_large",
    415: "request.unsupported_media_type",
    422: "request.invalid",
    503: "server.busy",
    504: "request.timeout",
}

_JSON_TYPES = ("application/json", "application/problem+json", "text/json")


class _Guard:
    """Outermost ASGI layer: the body-size limit, and a JSON 500 for anything unexpected.

    The body is read here in full (up to ``max_body_bytes``) before the application sees it, so
    the limit holds whether or not the client sent a Content-Length header, and whatever it says.
    """

    def __init__(self, app: Callable[..., Awaitable[None]], max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def _send_json(self, send: Callable[..., Awaitable[None]], status: int, code: str, message: str) -> None:
        body = json.dumps({"error": {"code": code, "message": message}}).encode()
        headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
        if status == 413:
            headers.append((b"connection", b"close"))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    def _too_large(self, size: str) -> str:
        return f"The request body is {size}; the limit is {self.max_body_bytes:,} bytes. Send a shorter article or fewer items per batch."

    async def __call__(self, scope: dict[str, Any], receive: Callable[..., Awaitable[Any]], send: Callable[..., Awaitable[None]]) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", ()):
            if scope.get("method") == "POST" and name == b"content-type":
                media = value.decode("latin-1").split(";", 1)[0].strip().lower()
                if media and media not in _JSON_TYPES and not media.endswith("+json"):
                    await self._send_json(send, 415, "request.unsupported_media_type",
                                          f"The body is {media}; the API reads JSON. Send Content-Type: application/json "
                                          "with a body such as {\"text\": \"...\"}.")
                    return
            if scope.get("method") == "POST" and name == b"content-encoding" and value.strip().lower() != b"identity":
                await self._send_json(send, 415, "request.unsupported_media_type",
                                      f"Compressed bodies ({value.decode('latin-1')}) are not read; send the JSON uncompressed.")
                return
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    await self._send_json(send, 400, "request.bad", "The Content-Length header is not a number.")
                    return
                if declared > self.max_body_bytes:
                    await self._send_json(send, 413, "request.too_large", self._too_large(f"{declared:,} bytes"))
                    return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body_bytes:
                await self._send_json(send, 413, "request.too_large", self._too_large(f"over {self.max_body_bytes:,} bytes"))
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        replayed = False

        async def replay() -> Any:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        started = False

        async def tracking_send(message: dict[str, Any]) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, replay, tracking_send)
        except Exception:
            logger.exception("unhandled error on %s %s", scope.get("method"), scope.get("path"))
            if started:
                raise
            await self._send_json(send, 500, "internal", "Internal error: the server logged the details. Please report it.")


def _validation_code(errors: list[dict[str, Any]]) -> str:
    """The library's code when the one thing wrong is the text itself (``{"text": null}`` is
    ``input.type``, a lone surrogate ``input.encoding``, as ``analyze()`` says), else request.invalid."""
    if len(errors) == 1 and tuple(errors[0].get("loc", ()))[-1:] == ("text",):
        err = errors[0]
        if err.get("type") == "string_type":
            return "input.type"
        if "surrogate" in str(err.get("msg", "")):
            return "input.encoding"
    return "request.invalid"


def _validation_message(errors: list[dict[str, Any]], root: str = "body") -> str:
    parts = []
    for err in errors[:5]:
        if err.get("type") == "json_invalid":
            ctx = err.get("ctx") or {}
            # the parser's message ends in "at" / "starting at" with its position dropped: say what it found
            found = re.sub(r"(?: starting)? at$", "", str(ctx.get("error", "parse error")))
            return f"The request body is not valid JSON ({found}). Send a JSON object such as {{\"text\": \"...\"}}."
        loc = [str(p) for p in err.get("loc", ()) if p != "body"]
        if root != "body" and loc:
            loc.insert(0, root)
        where = ".".join(loc) or root
        msg = str(err.get("msg", "invalid"))
        if err.get("type") == "missing":
            msg = "field required"
        elif err.get("type") == "extra_forbidden":
            msg = "unknown field (a typo? /docs lists the fields of every route)"
        parts.append(f"{where}: {msg}")
    more = f" (and {len(errors) - 5} more)" if len(errors) > 5 else ""
    return "Invalid request: " + "; ".join(parts) + more + "."


def _model_payload(analyzer: Any, settings: ServiceSettings) -> dict[str, Any]:
    artifact = getattr(analyzer, "artifact", None)
    manifest = dict(getattr(artifact, "manifest", {}) or {})
    info = analyzer.model_info
    card = None
    path = getattr(artifact, "path", None)
    if path is not None:
        card_path = path / "README.md"
        if card_path.is_file():
            card = card_path.read_text(encoding="utf-8")
    index = getattr(analyzer, "claims_index", None)
    return {
        "name": info.name,
        "version": info.version,
        "sha256": info.sha256,
        "created_at": manifest.get("created_at"),
        "training_data": list(manifest.get("training_data", [])),
        "card": card,
        # texts under 60 words go to the claim model in auto mode; its report's `model` names it
        "claim_model": claim_model_info(getattr(analyzer, "claim_model_path", None)).to_dict(),
        "mode": getattr(analyzer, "mode", "auto"),
        "claims_index": None if index is None else str(getattr(index, "path", index)),
        "newscred_version": __version__,
        "limits": settings.limits(int(getattr(analyzer, "max_chars", 0))),
    }


def _static_files() -> dict[str, tuple[bytes, str]]:
    root = resources.files("newscred.service").joinpath("static")
    out: dict[str, tuple[bytes, str]] = {}
    if root.is_dir():
        for entry in root.iterdir():
            suffix = os.path.splitext(entry.name)[1]
            if entry.is_file() and suffix in _STATIC_TYPES:
                out[entry.name] = (entry.read_bytes(), _STATIC_TYPES[suffix])
    return out


_ERRORS = {
    413: {"model": ErrorOut, "description": "Body over max_body_bytes, or batch over max_batch_items (request.too_large)"},
    422: {"model": ErrorOut, "description": "Malformed JSON or fields (request.invalid), or text the analyzer refuses (input.*)"},
    500: {"model": ErrorOut, "description": "Internal error (internal)"},
    415: {"model": ErrorOut, "description": "Body not JSON, or compressed (request.unsupported_media_type)"},
    503: {"model": ErrorOut, "description": "Every analysis thread stayed taken for timeout_s (server.busy; see Retry-After)"},
    504: {"model": ErrorOut, "description": "The analysis itself took longer than timeout_s (request.timeout)"},
}


def _offline_docs(app: FastAPI) -> None:
    """``/docs`` with Swagger UI from the ``swagger-ui-bundle`` package, so it works offline."""
    from fastapi.openapi.docs import get_swagger_ui_html
    from fastapi.staticfiles import StaticFiles

    try:
        import swagger_ui_bundle

        assets = swagger_ui_bundle.swagger_ui_path
    except ImportError:  # without the bundle, keep FastAPI's default (CDN) page rather than none
        assets = None
    if assets is not None:
        app.mount("/docs-assets", StaticFiles(directory=assets), name="docs-assets")

    @app.get("/docs", include_in_schema=False)
    async def docs() -> HTMLResponse:
        if assets is None:
            return get_swagger_ui_html(openapi_url="/openapi.json", title="newscred API")
        return get_swagger_ui_html(openapi_url="/openapi.json", title="newscred API",
                                   swagger_js_url="/docs-assets/swagger-ui-bundle.js",
                                   swagger_css_url="/docs-assets/swagger-ui.css",
                                   swagger_favicon_url="/docs-assets/favicon-32x32.png")


def create_app(analyzer: Any, settings: ServiceSettings | None = None) -> FastAPI:
    """The API around a loaded :class:`~newscred.Analyzer`."""
    settings = settings or ServiceSettings()
    pool: list[concurrent.futures.ThreadPoolExecutor] = []  # made on first use, again after a shutdown
    running: set[CancelToken] = set()  # the tokens of analyses in flight, cancelled at shutdown

    def executor() -> concurrent.futures.ThreadPoolExecutor:
        if not pool:
            pool.append(concurrent.futures.ThreadPoolExecutor(settings.analysis_threads, thread_name_prefix="newscred-analyze"))
        return pool[0]

    model_payload = _model_payload(analyzer, settings)
    model_short = {k: model_payload[k] for k in ("name", "version", "sha256")}
    static = _static_files() if settings.enable_page else {}

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        for token in list(running):
            token.cancel()
        while pool:
            pool.pop().shutdown(wait=False, cancel_futures=True)

    app = FastAPI(
        title="newscred",
        version=__version__,
        summary="How far to trust a news article, and why.",
        description=(
            "Calibrated content verdicts with the words and style signals behind them. The content verdict is "
            "about the writing, not the site, and it does not check facts.\n\n"
            "Every error body is `{\"error\": {\"code\": ..., \"message\": ...}}` with a stable code: "
            "`request.invalid` (422), `input.empty` and other `input.*` codes (422), `request.too_large` (413), "
            f"`request.unsupported_media_type` (415), `server.busy` (503, retry), `request.timeout` (504), `not_found` (404), "
            f"`internal` (500). Limits: {settings.max_body_bytes:,} bytes per "
            f"body, {settings.max_batch_items} items per batch, {settings.timeout_s:g} s per request."
        ),
        lifespan=lifespan,
        docs_url=None,  # served below from bundled assets: FastAPI's default page loads Swagger UI from a CDN
        redoc_url=None,
    )
    _offline_docs(app)
    app.state.analyzer = analyzer
    app.state.settings = settings

    # ------------------------------------------------------------ error shapes
    @app.exception_handler(RequestValidationError)
    async def _on_validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = list(exc.errors())
        return error_response(422, _validation_code(errors), _validation_message(errors))

    @app.exception_handler(StarletteHTTPException)
    async def _on_http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = _HTTP_CODES.get(exc.status_code, f"http.{exc.status_code}")
        if exc.status_code == 400:
            # FastAPI's answer to a body it cannot decode (not UTF-8, ...): a malformed request like bad JSON.
            return error_response(422, "request.invalid", "The request body could not be read as JSON text (UTF-8). Send a JSON object such as {\"text\": \"...\"}.")
        if exc.status_code == 404:
            message = "Not found. The API is under /v1 (see /docs); the web page is at /."
        elif exc.status_code == 405:
            message = "Method not allowed for this route (see /docs)."
        else:
            message = str(exc.detail)
        return error_response(exc.status_code, code, message, headers=getattr(exc, "headers", None))

    @app.exception_handler(ServiceError)
    async def _on_service_error(_: Request, exc: ServiceError) -> JSONResponse:
        return error_response(exc.status, exc.code, exc.message, headers=exc.headers)

    @app.exception_handler(NewscredError)
    async def _on_newscred_error(_: Request, exc: NewscredError) -> JSONResponse:
        status = 422 if isinstance(exc, (InputError, ConfigError, DataError)) else 500
        return error_response(status, exc.code, exc.message)

    app.add_middleware(_Guard, max_body_bytes=settings.max_body_bytes)
    if settings.cors_origins:
        # Outermost, so that the Guard's own 413/415 answers carry the headers too.
        from starlette.middleware.cors import CORSMiddleware

        app.add_middleware(CORSMiddleware, allow_origins=list(settings.cors_origins), allow_methods=["GET", "POST", "HEAD"],
                           allow_headers=["content-type"], max_age=600)

    # ------------------------------------------------------------ analysis
    def analyze_one(req: AnalyzeRequest, cancel: CancelToken) -> dict[str, Any]:
        # Looked up at call time, so a wrapped or patched analyzer is honoured.  HTML pages are read
        # by the library, exactly as `newscred analyze page.html` reads them.
        report = app.state.analyzer.analyze(req.text, title=req.title, url=req.url, id=req.id, prior=req.prior, mode=req.mode,
                                            html=req.html, cancel=cancel)
        return report.to_dict()

    async def analyze_req(req: AnalyzeRequest, timeout: float | None = None) -> dict[str, Any]:
        token = CancelToken()
        return await run(analyze_one, req, token, timeout=timeout, cancel=token)

    async def run(fn: Callable[..., Any], *args: Any, timeout: float | None = None,
                  cancel: CancelToken | None = None) -> Any:
        """``fn(*args)`` on an analysis thread.  Waiting for a free thread and the analysis itself are
        timed apart: a short text queued behind long ones gets 503 (retry), not 504 ("too long"),
        and a job that never started is withdrawn, so it cannot eat CPU after its caller gave up.
        On a 504 ``cancel`` (the analysis's token) is cancelled: the analysis stops at its next stage
        boundary and frees its thread instead of finishing for nobody."""
        loop = asyncio.get_running_loop()
        limit = settings.timeout_s if timeout is None else timeout
        started = loop.create_future()

        def job() -> Any:
            loop.call_soon_threadsafe(lambda: started.done() or started.set_result(None))
            return fn(*args)

        if cancel is not None and limit <= 0:
            cancel.cancel()  # a batch past its deadline: the 504 is certain, so the item does no work
        future = executor().submit(job)
        if cancel is not None:
            running.add(cancel)
            future.add_done_callback(lambda _: running.discard(cancel))
        try:
            await asyncio.wait_for(asyncio.shield(started), settings.timeout_s)
        except (asyncio.TimeoutError, TimeoutError):
            if future.cancel():
                raise ServiceError(
                    503, "server.busy", f"Every analysis thread stayed busy for {settings.timeout_s:g} s, so this request "
                    "was not started. Retry shortly; if it keeps happening, send fewer requests at once or start the "
                    "server with more --workers.", headers={"Retry-After": "1"}) from None
        try:
            return await asyncio.wait_for(asyncio.wrap_future(future), limit)
        except (asyncio.TimeoutError, TimeoutError, AnalysisCancelledError):
            # AnalysisCancelledError: the token was cancelled because time was up (a batch past its deadline)
            if cancel is not None:
                cancel.cancel()
            raise ServiceError(
                504, "request.timeout", f"The analysis took longer than {limit:g} s and its answer was dropped. Send a "
                "shorter text, or start the server with a longer --timeout."
            ) from None

    # ------------------------------------------------------------ routes
    @app.post(
        "/v1/analyze",
        summary="Analyse one article",
        response_model=None,
        responses={200: {"model": ReportOut, "description": "The report: exactly Report.to_dict()"}, **_ERRORS},
        tags=["analysis"],
    )
    async def analyze(body: AnalyzeRequest) -> JSONResponse:
        return JSONResponse(await analyze_req(body))

    @app.post(
        "/v1/analyze/batch",
        summary="Analyse several articles",
        response_model=None,
        responses={200: {"model": BatchOut, "description": "One report or error object per item, in order"}, **_ERRORS},
        tags=["analysis"],
    )
    async def analyze_batch(body: BatchRequest) -> JSONResponse:
        items = body.items
        if len(items) > settings.max_batch_items:
            raise ServiceError(
                413, "request.too_large", f"The batch has {len(items)} items; the limit is {settings.max_batch_items}. Split it."
            )
        loop = asyncio.get_running_loop()
        deadline = loop.time() + settings.timeout_s
        results: list[dict[str, Any]] = []

        def failed(position: int, item: Any, error: dict[str, Any]) -> dict[str, Any]:
            # an error carries its item's place and id, so callers that fan results out know which failed
            item_id = item.get("id") if isinstance(item, dict) else None
            return {"index": position, "id": item_id if type(item_id) in (str, int) else None, "error": error}

        for position, item in enumerate(items):
            try:
                req = AnalyzeRequest(text=item) if isinstance(item, str) else AnalyzeRequest.model_validate(item)
            except ValidationError as exc:
                errors = list(exc.errors())
                results.append(failed(position, item, {"code": _validation_code(errors),
                                                       "message": _validation_message(errors, root=f"items[{position}]")}))
                continue
            try:
                results.append(await analyze_req(req, timeout=max(0.0, deadline - loop.time())))
            except ServiceError as exc:
                results.append(failed(position, item, {"code": exc.code, "message": exc.message}))
            except NewscredError as exc:
                results.append(failed(position, item, exc.to_dict()))
            except Exception:
                logger.exception("unhandled error on batch item %d", position)
                results.append(failed(position, item, {"code": "internal",
                                                       "message": "Internal error on this item: the server logged the details."}))
        return JSONResponse({"results": results})

    @app.post(
        "/v1/extract",
        summary="The text that would be analysed",
        description="What /v1/analyze analyses for this `text`: the input itself, or the text extracted from HTML. "
        "Report offsets refer to this text; the web page uses it to highlight evidence in HTML input.",
        response_model=ExtractResponse,
        responses=_ERRORS,
        tags=["analysis"],
    )
    async def extract(body: ExtractRequest) -> ExtractResponse:
        def work() -> ExtractResponse:
            max_chars = app.state.analyzer.max_chars
            text, page = text_to_analyse(check_text(body.text, max_chars=max_chars), max_chars=max_chars)
            return ExtractResponse(text=text, title=None if page is None else page.title, html=page is not None)

        return await run(work)

    @app.post(
        "/v1/claims/sentences",
        summary="Every sentence, with its check-worthiness",
        description="The sentences the report's `claims` section ranks, all of them, in text order: offsets, "
        "check-worthiness, whether it reaches the threshold, and whether it lies inside an injected block. "
        "HTML input is reduced to its text first; offsets refer to that text (see /v1/extract).",
        response_model=SentencesResponse,
        responses=_ERRORS,
        tags=["analysis"],
    )
    async def claim_sentences(body: SentencesRequest) -> JSONResponse:
        def work() -> dict[str, Any]:
            # the same checks and page reader as /v1/analyze (NUL bytes, size, HTML)
            max_chars = app.state.analyzer.max_chars
            text, _ = text_to_analyse(check_text(body.text, max_chars=max_chars), max_chars=max_chars)
            return app.state.analyzer.claim_finder.sentence_list(text, normalised=body.normalised)

        return JSONResponse(await run(work))

    @app.get("/v1/model", summary="The loaded models, the service's limits and the model card", response_model=ModelOut,
             tags=["model"])
    async def model() -> JSONResponse:
        return JSONResponse(model_payload)

    @app.get("/healthz", summary="Liveness", response_model=HealthOut, tags=["model"])
    async def healthz() -> JSONResponse:
        return JSONResponse({"status": "ok", "model": model_short})

    # Load balancers probe with HEAD: same status and headers, no body.
    @app.head("/healthz", include_in_schema=False)
    @app.head("/v1/model", include_in_schema=False)
    async def head_probe() -> Response:
        return Response(status_code=200, media_type="application/json")

    if static:

        @app.api_route("/", methods=["GET", "HEAD"], include_in_schema=False)
        async def page() -> Response:
            body, media = static["index.html"]
            return HTMLResponse(body, headers=_page_headers())

        @app.api_route("/static/{name}", methods=["GET", "HEAD"], include_in_schema=False)
        async def asset(name: str) -> Response:
            if name not in static or name == "index.html":
                raise StarletteHTTPException(404)
            body, media = static[name]
            return Response(body, media_type=media, headers=_page_headers())

    return app


def _page_headers() -> dict[str, str]:
    return {
        "content-security-policy": _PAGE_CSP,
        "x-content-type-options": "nosniff",
        "referrer-policy": "no-referrer",
        "cache-control": "no-cache",
    }


def create_app_from_env() -> FastAPI:
    """Factory for ``uvicorn --factory`` (used by ``newscred serve --workers N``): the model path in
    ``NEWSCRED_SERVE_MODEL``, the settings as JSON in ``NEWSCRED_SERVE_SETTINGS``."""
    from .. import load

    analyzer_settings = json.loads(os.environ.get(ENV_ANALYZER) or "{}")
    return create_app(load(os.environ.get(ENV_MODEL) or None, **analyzer_settings),
                      ServiceSettings.from_json(os.environ.get(ENV_SETTINGS)))
