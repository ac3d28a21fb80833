"""The HTTP service through Falcon's in-process client: contracts, errors, hostile input."""

from __future__ import annotations

import json

import pytest
from falcon import testing

from deflection.api import create_app
from deflection.search import MAX_QUERY_CHARS

HOSTILE = [
    "*", "re*t pass?ord", "title:refund", "path:/etc/passwd", "[a TO z]", "{1 TO 9}",
    "refund^100", "password~9", "~9", '"unclosed phrase', "NOT AND OR", "AND AND AND",
    " OR ".join(["refund"] * 1000)[:500], "(" * 500 + "refund" + ")" * 500,
    "\x00", "refund\x00password", "😀" * 100, "مرحبا بالعالم", "שלום עולם", "\u202erefund",
    "'; DROP TABLE events; --", "<script>alert(1)</script>", "%", "\\", "\\\\u0000",
    "a" * 512, "a" * 513, "a" * 10_000, " ", "\t\n",
]


@pytest.fixture(scope="module")
def client(sample_index):
    return testing.TestClient(create_app(sample_index))


def test_search_contract(client):
    result = client.simulate_get("/api/search", params={"q": "reset password", "limit": "3"})
    assert result.status_code == 200
    body = result.json
    assert body["lang"] == "en" and body["answered"] is True
    assert len(body["results"]) <= 3
    first = body["results"][0]
    assert first["path"] == "en/account/reset-your-password.md"
    assert first["url"] == "en/account/reset-your-password/"
    assert set(first) == {"path", "title", "url", "score", "confidence", "snippet"}
    assert "set-cookie" not in {k.lower() for k in result.headers}


def test_language_is_given_or_detected(client):
    detected = client.simulate_get("/api/search", params={"q": "забыл пароль"}).json
    assert detected["lang"] == "ru"
    given = client.simulate_get("/api/search", params={"q": "2fa", "lang": "th"}).json
    assert given["lang"] == "th"
    assert all(r["path"].startswith("th/") for r in given["results"])


def test_as_typed_keeps_the_readers_words(client):
    """The results page's "Search instead for": what was typed, the correction suggested."""
    params = {"q": "c,hjc gfhjkz", "lang": "ru"}
    corrected = client.simulate_get("/api/search", params=params).json
    assert corrected["corrected"] is True and corrected["results"]
    typed = client.simulate_get("/api/search", params={**params, "as_typed": "true"}).json
    assert typed["corrected"] is False and typed["results"] == []
    assert typed["did_you_mean"] == "сброс пароля"
    wrong = client.simulate_get("/api/search", params={**params, "as_typed": "maybe"})
    assert wrong.status_code == 400 and "as_typed" in wrong.json["error"]["detail"]


def test_errors_have_one_shape(client):
    for params, status in [({}, 400), ({"q": ""}, 400), ({"q": "x", "limit": "lots"}, 400),
                           ({"q": "x", "limit": "0"}, 400),
                           ({"q": "a" * (MAX_QUERY_CHARS + 1)}, 400),
                           ({"q": "x", "lang": "x" * 40}, 400)]:
        result = client.simulate_get("/api/search", params=params)
        assert result.status_code == status, params
        error = result.json["error"]
        assert error["status"] == status and error["title"] and error["detail"]
    missing = client.simulate_get("/api/nothing-here")
    assert missing.status_code == 404 and missing.json["error"]["status"] == 404


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_queries_never_cause_a_server_error(client, query):
    result = client.simulate_get("/api/search", params={"q": query})
    assert result.status_code in (200, 400), (query[:40], result.text[:200])
    json.loads(result.text)


@pytest.mark.parametrize("raw", ["q=%ED%A0%80", "q=%FF%FE", "q=%00", "q=%", "q=a&q=b",
                                 "q=refund&limit=99999999999999999999", "q=refund&lang="])
def test_malformed_query_strings(client, raw):
    result = client.simulate_get("/api/search", query_string=raw)
    assert result.status_code in (200, 400), (raw, result.text[:200])


def test_health_and_openapi(client):
    health = client.simulate_get("/api/health").json
    assert health["status"] == "ok" and health["index"]["articles"] == {"en": 32, "ru": 12,
                                                                        "th": 12}
    spec = client.simulate_get("/api/openapi.json").json
    assert spec["openapi"].startswith("3.")
    assert {"/api/search", "/api/health"} <= set(spec["paths"])


def test_the_site_can_be_served_too(sample_index, tmp_path):
    (tmp_path / "en").mkdir()
    (tmp_path / "en/index.html").write_text("<h1>Help</h1>")
    (tmp_path / "secret.txt").write_text("no")
    client = testing.TestClient(create_app(sample_index, site_dir=tmp_path / "en"))
    assert client.simulate_get("/").text == "<h1>Help</h1>"
    assert client.simulate_get("/../secret.txt").status_code == 404
    assert client.simulate_get("/%2e%2e/secret.txt").status_code == 404
    missing = client.simulate_get("/api/serch", params={"q": "refund"})
    assert missing.status_code == 404 and missing.json["error"]["status"] == 404
    assert "/api/serch" in missing.json["error"]["detail"]
