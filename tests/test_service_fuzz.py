"""Property-based fuzzing of the REST API against its own OpenAPI schema (schemathesis, in process).

Positive and negative requests are generated for every documented operation; the service must
never answer 5xx, must only use documented status codes and content types, and its bodies must
match the documented schemas.  Bounded: 30 examples per operation, no per-example deadline.
"""

from __future__ import annotations

import warnings

import pytest

pytest.importorskip("fastapi", reason="the service needs: pip install 'newscred[serve]'")
schemathesis = pytest.importorskip("schemathesis", reason="fuzzing needs: pip install schemathesis")

from hypothesis import HealthCheck, settings  # noqa: E402
from schemathesis.checks import not_a_server_error  # noqa: E402
from schemathesis.specs.openapi.checks import (  # noqa: E402
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

import newscred  # noqa: E402
from newscred.service import ServiceSettings, create_app  # noqa: E402

# A small body limit and batch size keep generated requests quick while still reaching the 413 paths.
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    APP = create_app(newscred.load(), ServiceSettings(max_body_bytes=200_000, max_batch_items=8, timeout_s=30.0))
    schema = schemathesis.openapi.from_asgi("/openapi.json", APP)

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@schema.parametrize()
@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True, database=None)
def test_api_never_fails_on_generated_requests(case) -> None:
    checks = list(CHECKS)
    # The batch route answers 200 with per-item errors for bad items (by design), so only the
    # other routes must reject schema-violating bodies outright.
    if case.operation.path != "/v1/analyze/batch":
        checks.append(negative_data_rejection)
    case.call_and_validate(checks=checks)
