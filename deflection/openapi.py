"""The OpenAPI document of kb's HTTP service."""

from __future__ import annotations

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


def document(version: str) -> dict:
    error_response = {"description": "Bad request", "content": {
        "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "kb help center API", "version": version,
                 "description": "Search the help center; events come in a later version."},
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
                ],
                "responses": {
                    "200": {"description": "Results", "content": {"application/json": {
                        "schema": {"$ref": "#/components/schemas/Answer"}}}},
                    "400": error_response,
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
            "Answer": {
                "type": "object",
                "required": ["query", "lang", "answered", "confidence", "results"],
                "properties": {
                    "query": {"type": "string"}, "lang": {"type": "string"},
                    "answered": {"type": "boolean"},
                    "confidence": {"type": "number"},
                    "did_you_mean": {"type": ["string", "null"]},
                    "corrected": {"type": "boolean"},
                    "results": {"type": "array", "items": {"$ref": "#/components/schemas/Hit"}},
                },
            },
        }},
    }
