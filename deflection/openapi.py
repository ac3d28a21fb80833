"""The OpenAPI document of kb's HTTP service."""

from __future__ import annotations

from deflection import events
from deflection.search import MAX_QUERY_CHARS

ERROR = {
    "type": "object",
    "required": ["error"],
    "properties": {"error": {
        "type": "object",
        "required": ["status", "title", "detail"],
        "properties": {"status": {"type": "integer"}, "title": {"type": "string"},
                       "detail": {"type": "string"}},
    }},
}

HIT = {
    "type": "object",
    "required": ["path", "title", "url", "score", "confidence", "snippet"],
    "properties": {
        "path": {"type": "string", "description": "Article path relative to docs_dir"},
        "title": {"type": "string"},
        "url": {"type": "string", "description": "Address relative to the site root"},
        "score": {"type": "number"},
        "confidence": {"type": "number", "minimum": 0, "maximum": 1},
        "snippet": {"type": "string", "description": "HTML; matches in <mark>"},
    },
}


_NO_NUL = "^[^\\u0000]*$"  # PostgreSQL refuses NUL characters; kb refuses them for every store
_FIELDS = {
    "id": {"type": "string", "pattern": events.UUID4_PATTERN,
           "description": "UUID v4; a retry reuses it"},
    "path": {"type": "string", "maxLength": events.CAPS["path"], "pattern": _NO_NUL},
    "query": {"type": "string", "maxLength": events.CAPS["query"], "pattern": _NO_NUL},
    "results": {"type": "integer", "minimum": 0, "maximum": 10000},
    "rank": {"type": "integer", "minimum": 0, "maximum": 10000},
    "helpful": {"type": "boolean"},
    "reason": {"type": "string", "enum": list(events.REASONS)},
    "comment": {"type": "string", "maxLength": events.CAPS["comment"], "pattern": _NO_NUL},
    "lang": {"type": "string", "pattern": events.LANG_PATTERN},
}
_VOTE_ONLY = ("helpful", "reason", "comment")


def _event_schema(kind: str) -> dict:
    """One event type exactly as deflection/events.py accepts it."""
    names = [n for n in _FIELDS if kind == "vote" or n not in _VOTE_ONLY]
    return {
        "type": "object",
        "additionalProperties": False,
        "required": ["id", "type", *events.REQUIRED[kind]],
        "properties": {"type": {"type": "string", "enum": [kind]},
                       **{n: _FIELDS[n] for n in names}},
    }


def document(version: str) -> dict:
    error_response = {"description": "Bad request", "content": {
        "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "kb help center API", "version": version,
                 "description": "Search the help center and record what visitors do."},
        "paths": {
            "/api/search": {"get": {
                "operationId": "search",
                "summary": "Articles answering a question, best first",
                "parameters": [
                    {"name": "q", "in": "query", "required": True,
                     "schema": {"type": "string", "minLength": 1,
                                "maxLength": MAX_QUERY_CHARS}},
                    {"name": "lang", "in": "query", "required": False,
                     "schema": {"type": "string", "maxLength": 16}},
                    {"name": "limit", "in": "query", "required": False,
                     "schema": {"type": "integer", "minimum": 1, "maximum": 50, "default": 10}},
                    {"name": "as_typed", "in": "query", "required": False,
                     "description": "true: no correction of spelling or keyboard layout "
                                    "replaces the results (did_you_mean is still suggested)",
                     "schema": {"type": "boolean", "default": False}},
                ],
                "responses": {
                    "200": {"description": "Results", "content": {"application/json": {
                        "schema": {"$ref": "#/components/schemas/Answer"}}}},
                    "400": error_response,
                },
            }},
            "/api/events": {"post": {
                "operationId": "events",
                "summary": "Record what visitors do (search, click, view, vote, contact)",
                "requestBody": {"required": True, "content": {
                    media: {"schema": {"$ref": "#/components/schemas/EventBatch"}}
                    for media in ("application/json", "text/plain")}},
                "responses": {
                    "202": {"description": "Stored (or dropped as a bot, with X-KB-Dropped)",
                            "content": {"application/json": {"schema": {
                                "type": "object", "required": ["accepted", "dropped"],
                                "properties": {"accepted": {"type": "integer"},
                                               "dropped": {"type": "integer"}}}}}},
                    **{code: {**error_response, "description": text} for code, text in [
                        ("400", "Malformed JSON"), ("403", "Posted from a page of another origin"),
                        ("413", "Body over 16 KB"),
                        ("415", "Not JSON or text/plain"), ("422", "Invalid event"),
                        ("429", "Too many events from this visitor")]},
                },
            }},
            "/api/health": {"get": {
                "operationId": "health",
                "summary": "Liveness and the index in use",
                "responses": {"200": {"description": "OK", "content": {"application/json": {
                    "schema": {"type": "object", "required": ["status"],
                               "properties": {"status": {"type": "string"},
                                              "index": {"type": "object"}}}}}}},
            }},
        },
        "components": {"schemas": {
            "Error": ERROR,
            "Hit": HIT,
            **{f"Event_{kind}": _event_schema(kind) for kind in sorted(events.TYPES)},
            "EventBatch": {"type": "object", "additionalProperties": False,
                           "required": ["events"],
                           "properties": {"events": {
                               "type": "array", "minItems": 1, "maxItems": events.MAX_EVENTS,
                               "items": {"oneOf": [
                                   {"$ref": f"#/components/schemas/Event_{kind}"}
                                   for kind in sorted(events.TYPES)]}}}},
            "Answer": {
                "type": "object",
                "required": ["query", "lang", "answered", "confidence", "results"],
                "properties": {
                    "query": {"type": "string"}, "lang": {"type": "string"},
                    "answered": {"type": "boolean"},
                    "confidence": {"type": "number"},
                    "did_you_mean": {"type": ["string", "null"]},
                    "corrected": {"type": "boolean"},
                    "timed_out": {"type": "boolean", "description":
                                  "the time limit cut the ranking short: the results are "
                                  "those found by then"},
                    "results": {"type": "array", "items": {"$ref": "#/components/schemas/Hit"}},
                },
            },
        }},
    }
