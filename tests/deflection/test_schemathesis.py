"""Property-based tests of the HTTP service against its own OpenAPI document (schemathesis).

Every operation /api/openapi.json describes is exercised in-process through the ASGI
app: generated requests must never get a 5xx, and every answer must have a documented
status code and content type and match its documented schema. A newly documented
operation is picked up without touching this file. Bounded and deterministic: at most
MAX_EXAMPLES requests per operation, derandomized, no example database.

The document is loaded from deflection.openapi at import (the app is a fixture: it needs
a built index) and checked to be exactly what the app serves. `schemathesis.pytest.
from_fixture` would load it from the app, but schemathesis 4.32's lazy loader sets
`request.node._nodeid`, which pytest 9 no longer has (AttributeError).
"""

from __future__ import annotations

import itertools

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    positive_data_acceptance,
    response_schema_conformance,
    status_code_conformance,
)

from deflection import openapi
from deflection.api import create_app
from kb import __version__

MAX_EXAMPLES = 50
BROWSER = ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
           "Chrome/131.0.0.0 Safari/537.36")
CASES = itertools.count()
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance, positive_data_acceptance]


DOCUMENT = openapi.document(__version__)
schema = schemathesis.openapi.from_dict(DOCUMENT)


@pytest.fixture(scope="module")
def app(sample_index, tmp_path_factory):
    db = tmp_path_factory.mktemp("schemathesis") / "events.db"
    return create_app(sample_index, db=f"sqlite:///{db}")


def test_the_app_serves_the_document_under_test(app):
    served = schemathesis.openapi.from_asgi("/api/openapi.json", app)
    assert served.raw_schema == DOCUMENT
    operations = {(op.ok().method.upper(), op.ok().path) for op in served.get_all_operations()}
    assert {("GET", "/api/search"), ("GET", "/api/health")} <= operations


@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
def test_api_matches_its_openapi_document(case, app):
    # A browser's User-Agent (bots' events are dropped before they are validated), one
    # visitor per case, so the per-visitor limit (429) does not hide the rest of the service.
    visitor = f"{BROWSER} case/{next(CASES)}"
    case.call_and_validate(app=app, headers={"User-Agent": visitor}, checks=CHECKS)
