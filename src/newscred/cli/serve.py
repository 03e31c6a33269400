"""``newscred serve``: the REST API and the web page."""

from __future__ import annotations

import inspect
import json
import os
import socket
from pathlib import Path
from typing import Any

import click

from . import main
from ..text.validate import DEFAULT_MAX_CHARS
from ._common import claims_options, handle_errors, model_option


@main.command()
@model_option
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to bind. The default accepts connections from this machine only; use 0.0.0.0 to accept "
                   "them from other machines too (there is no authentication: put it behind a proxy you control).")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535),
              help="TCP port (0 picks a free one).")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64),
              help="Worker processes; each loads its own copy of the model (a few MB). About one per core.")
@click.option("--max-batch", default=64, show_default=True, type=click.IntRange(1, 10_000),
              help="Most items accepted by POST /v1/analyze/batch; more is refused with 413.")
@click.option("--max-body-bytes", default=2_000_000, show_default=True, type=click.IntRange(1, None),
              help="Largest request body accepted; more is refused with 413.")
@click.option("--max-chars", default=DEFAULT_MAX_CHARS, show_default=True, type=click.IntRange(1, None),
              help="Longest text analysed, in characters (after the body limit); longer ones get input.too_large. "
                   "Raise --max-body-bytes with it.")
@click.option("--timeout", "timeout_s", default=10.0, show_default=True, type=click.FloatRange(0, None, min_open=True),
              help="Seconds an analysis may take before it is answered with 504; a request that waits this long for a "
                   "free analysis thread gets 503 with Retry-After.")
@click.option("--cors-origin", "cors_origins", multiple=True, metavar="ORIGIN",
              help="Let web pages from ORIGIN (e.g. https://cms.example.org) call the API from a browser; repeat for "
                   "several. Default: none (same-origin only).")
@click.option("--log-level", default="info", show_default=True,
              type=click.Choice(["critical", "error", "warning", "info", "debug"]), help="Server log level.")
@click.option("--access-log/--no-access-log", default=True, show_default=True, help="Log every request.")
@claims_options()
@handle_errors
def serve(model: str | None, host: str, port: int, workers: int, max_batch: int, max_body_bytes: int, max_chars: int,
          timeout_s: float, cors_origins: tuple[str, ...], log_level: str, access_log: bool, claims: bool,
          claims_index: str | None, mode: str, claim_model: str | None, sentence_model: str | None) -> None:
    """Serve the REST API and the web page.

    \b
    Then open http://127.0.0.1:8000/ for the page, /docs for the API:
      newscred serve
      newscred serve --port 9000 --workers 2
      newscred serve --claims-index claims.idx      # check-worthy sentences list fact-checked matches
      curl -s localhost:8000/v1/analyze -H 'content-type: application/json' \\
           -d '{"text": "SPRINGFIELD - The council voted on Tuesday ..."}'

    \b
    Routes (JSON bodies; text may be plain or a whole HTML page):
      POST /v1/analyze           one report: {"text" or "html", "url", "title", "id", "prior", "mode"}
      POST /v1/analyze/batch     {"items": [...]}: one report or error per item, in order
      POST /v1/claims/sentences  every sentence with its check-worthiness
      POST /v1/extract           the text /v1/analyze reads from an HTML page
      GET  /v1/model             models, version, limits and the model card
      GET  /healthz              liveness
      GET  /docs                 the OpenAPI page (works offline)
      GET  /                     the web page
    Needs: pip install 'newscred[serve]'.
    """
    from ..errors import require

    require("fastapi", "serve")
    uvicorn = require("uvicorn", "serve")
    from .. import load
    from ..analyzer import resolve_model_path
    from ..service.app import ENV_ANALYZER, ENV_MODEL, ENV_SETTINGS, ServiceSettings, create_app

    settings = ServiceSettings(max_body_bytes=max_body_bytes, max_batch_items=max_batch, timeout_s=timeout_s,
                               cors_origins=tuple(cors_origins))
    # Load once here so that a bad model fails now, with a one-line error, not in every worker.
    analyzer_settings = {"claims": claims, "claims_index": claims_index, "mode": mode, "max_chars": max_chars,
                         "claim_model": None if claim_model is None else str(Path(claim_model).resolve()),
                         "sentence_model": None if sentence_model is None else str(Path(sentence_model).resolve())}
    analyzer = load(model, **analyzer_settings)
    options = dict(host=host, port=port, log_level=log_level, access_log=access_log, server_header=False)
    if workers == 1:
        uvicorn.run(create_app(analyzer, settings), **options)
        return
    del analyzer
    # The workers are separate processes: they get the model path and the settings from the environment.
    os.environ[ENV_MODEL] = str(resolve_model_path(model).resolve())
    os.environ[ENV_SETTINGS] = settings.to_json()
    os.environ[ENV_ANALYZER] = json.dumps(analyzer_settings)
    _run_workers(uvicorn, "newscred.service.app:create_app_from_env", workers, options)


def _run_workers(uvicorn: Any, target: str, workers: int, options: dict[str, Any]) -> None:
    """``uvicorn.run(target, factory=True, workers=N)``, but with a listening socket that keeps TCP_NODELAY.

    uvicorn's supervisor binds the shared socket with ``proto`` 0, so asyncio never sets TCP_NODELAY
    on accepted connections and every keep-alive request waits ~40 ms for a delayed ACK (uvicorn
    issue #3149).  Re-wrapping the bound socket as IPPROTO_TCP fixes that; the rest is uvicorn's own
    multi-worker path.
    """
    from uvicorn.supervisors import Multiprocess

    config = uvicorn.Config(target, factory=True, workers=workers, **options)
    sock = config.bind_socket()
    if sock.family in (socket.AF_INET, socket.AF_INET6) and sock.proto != socket.IPPROTO_TCP:
        sock = socket.socket(sock.family, sock.type, socket.IPPROTO_TCP, fileno=sock.detach())
        sock.set_inheritable(True)
    try:
        if "target" in inspect.signature(Multiprocess).parameters:  # uvicorn < 0.30
            Multiprocess(config, target=uvicorn.Server(config).run, sockets=[sock]).run()
        else:
            Multiprocess(config, sockets=[sock]).run()
    except KeyboardInterrupt:
        pass
    finally:
        sock.close()
