"""POST /api/events: accepted fast and once, bad input refused whole, privacy kept.

Every test here runs on both event store backends (SQLite and PostgreSQL: the
`backend` fixture of conftest.py): the same requests must get the same answers.
"""

from __future__ import annotations

import json
import uuid

import pytest
from falcon import testing

from deflection.api import create_app
from kb.settings import load_site
from tests.deflection.conftest import Backend

BROWSER = ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
           "Chrome/126.0 Safari/537.36")


@pytest.fixture
def site(make_kb, backend):
    from deflection.site_index import index_site

    config = make_kb()
    config.write_text(config.read_text().replace(
        "site_name: Mini Help", "site_name: Mini Help\nsite_url: https://help.example.com/"
    ).replace("languages: [en, ru]", "languages: [en, ru]\n      events_per_minute: 20\n"
              "      trusted_proxies: [127.0.0.1]\n"
              "      allowed_origins: ['HTTPS://WWW.Example.com:443/']\n"
              f"      database: {json.dumps(backend.url)}"))
    site = load_site(config)
    index_site(site)
    return site


@pytest.fixture
def client(site):
    return testing.TestClient(create_app(site))


def query(site, sql: str) -> list[tuple]:
    return Backend("", site.options.database).query(sql)


def stored(site) -> int:
    return query(site, "select count(*) from events")[0][0]


def post(client, body, content_type="application/json", ua=BROWSER, **headers):
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    host = {"host": headers.pop("Host")} if "Host" in headers else {}  # the client sets it
    return client.simulate_post("/api/events", body=data, headers={
        "Content-Type": content_type, "User-Agent": ua, **headers}, **host)


def view(path="en/billing/refunds.md", **extra):
    return {"id": str(uuid.uuid4()), "type": "view", "path": path, "lang": "en", **extra}


def test_events_are_accepted_and_a_retry_is_a_no_op(client, site):
    batch = {"events": [view(), {"id": str(uuid.uuid4()), "type": "search",
                                 "query": "refund", "results": 2}]}
    first = post(client, batch)
    assert first.status_code == 202 and first.json == {"accepted": 2, "dropped": 0}
    assert post(client, batch, content_type="text/plain;charset=UTF-8").status_code == 202
    assert stored(site) == 2
    assert "set-cookie" not in {k.lower() for k in first.headers}


@pytest.mark.parametrize(("body", "content_type", "status"), [
    (b'{"events": [' + b"x" * (1024 * 1024) + b"]}", "application/json", 413),
    (b"{not json", "application/json", 400),
    (b"\xff\xfe", "application/json", 400),
    (b"[]", "application/json", 422),
    (b'{"events": []}', "application/json", 422),
    (b'{"events": [' + b"[" * 5000 + b"]" * 5000 + b"]}", "application/json", 422),
    (b'{"events": [{"a": {"b": {"c": {"d": 1}}}}]}', "application/json", 422),
    (b'{"events": [{"id": "x", "type": "view", "path": "a"}]}', "application/json", 422),
    (b'<events/>', "application/xml", 415),
])
def test_bad_bodies_get_4xx_and_nothing_is_stored(client, site, body, content_type, status):
    result = post(client, body, content_type=content_type)
    assert result.status_code == status, result.text
    assert result.json["error"]["status"] == status
    assert stored(site) == 0


@pytest.mark.parametrize("bad", [
    {"type": "pageview"},
    {"path": "a\x00b"},
    {"path": "x" * 301},
    {"comment": "no"},  # comments belong to votes
    {"lang": "english"},
    {"results": -1},
    {"extra": 1},
])
def test_bad_fields_are_refused_with_the_field_named(client, site, bad):
    event = {**view(), **bad}
    result = post(client, {"events": [view(), event]})
    assert result.status_code == 422
    assert "events[1]" in result.json["error"]["detail"]
    assert stored(site) == 0, "one bad event refuses the whole batch"


def deep(value: str, levels: int = 5000) -> str:
    return "[" * levels + value + "]" * levels


@pytest.mark.parametrize(("body", "field"), [
    ('{"events": [' + deep("1") + "]}", "events[0]"),
    ('{"events": [{"id": "x", "type": "view", "path": ' + deep('"a"') + "}]}",
     "events[0].path"),
    ('{"events": [{}, {"comment": {"a": ' + deep("{}") + "}}]}", "events[1].comment"),
    ('{"events": [], "meta": ' + deep("null", 2000) + ', "x": "[["}', "meta"),
    ('{"events": [{"q\\"u\\u00e9ry": ' + deep("1") + "}]}", 'events[0].q"uéry'),
    (deep("{}"), "the body"),
    (deep("{}")[:-10], "the body"),  # deep and cut short: the depth is what is said
])
def test_deep_nesting_is_refused_naming_the_field(client, site, body, field):
    assert len(body.encode()) < 16 * 1024
    result = post(client, body.encode())
    assert result.status_code == 422, result.text
    detail = result.json["error"]["detail"]
    assert detail.startswith(f"{field} is nested too deeply"), detail
    assert stored(site) == 0


def test_lone_surrogates_are_refused(client, site):
    body = ('{"events": [{"id": "' + str(uuid.uuid4())
            + '", "type": "view", "path": "\\ud800"}]}').encode()
    assert post(client, body).status_code == 422
    assert stored(site) == 0


def test_votes_need_a_known_reason_and_a_short_comment(client, site):
    vote = {"id": str(uuid.uuid4()), "type": "vote", "path": "en/billing/refunds.md",
            "helpful": False, "reason": "outdated", "comment": "x" * 2000}
    assert post(client, {"events": [vote]}).status_code == 202
    assert post(client, {"events": [{**vote, "id": str(uuid.uuid4()),
                                     "comment": "x" * 2001}]}).status_code == 422
    assert post(client, {"events": [{**vote, "id": str(uuid.uuid4()),
                                     "reason": "meh"}]}).status_code == 422


def test_bots_are_dropped_with_a_reason_and_counted(client, site):
    result = post(client, {"events": [view(), view()]}, ua="Googlebot/2.1")
    assert result.status_code == 202 and result.json == {"accepted": 0, "dropped": 2}
    assert result.headers["X-KB-Dropped"].startswith("user-agent:")
    assert stored(site) == 0
    assert query(site, "select sum(count) from drops")[0][0] == 2


def test_rate_limit_per_visitor(client, site):
    for _ in range(4):
        assert post(client, {"events": [view() for _ in range(5)]}).status_code == 202
    limited = post(client, {"events": [view()]})
    assert limited.status_code == 429
    assert int(limited.headers["Retry-After"]) >= 1
    other = post(client, {"events": [view()]}, ua=BROWSER + " Other")
    assert other.status_code == 202, "another visitor is not limited"


def test_a_batch_over_the_limit_a_minute_is_refused_not_delayed(client, site):
    # events_per_minute is 20 here: a batch of 21 could never be allowed, so a 429 with
    # Retry-After would only have the client send it again and again
    refused = post(client, {"events": [view() for _ in range(21)]})
    assert refused.status_code == 422, refused.text
    assert "Retry-After" not in refused.headers
    assert "21 events" in refused.json["error"]["detail"]
    assert "events_per_minute (20)" in refused.json["error"]["detail"]
    assert stored(site) == 0
    assert post(client, {"events": [view() for _ in range(20)]}).status_code == 202, \
        "the refused batch was not counted against the visitor"


def test_cors_only_for_the_sites_own_origin(client):
    own = post(client, {"events": [view()]}, Origin="https://help.example.com")
    assert own.headers["Access-Control-Allow-Origin"] == "https://help.example.com"
    listed = post(client, {"events": [view()]}, Origin="https://www.example.com")
    assert listed.status_code == 202, "allowed_origins are compared as browsers write them"
    assert listed.headers["Access-Control-Allow-Origin"] == "https://www.example.com"
    foreign = post(client, {"events": [view()]}, Origin="https://evil.example")
    assert "Access-Control-Allow-Origin" not in foreign.headers
    search = client.simulate_get("/api/search", params={"q": "refund"},
                                 headers={"Origin": "https://evil.example"})
    assert search.headers["Access-Control-Allow-Origin"] == "*"


def vote():
    return {"id": str(uuid.uuid4()), "type": "vote", "path": "en/billing/refunds.md",
            "helpful": False, "reason": "outdated"}


@pytest.mark.parametrize("origin", ["http://evil.example", "https://help.example.com.evil.example",
                                    "https://example.com", "null"])
def test_other_sites_pages_cannot_post_events(client, site, origin):
    # text/plain is a "simple" request: a browser sends it cross-origin without asking
    # first, so the answer's CORS headers alone would not stop it being stored
    result = post(client, {"events": [vote()]}, content_type="text/plain;charset=UTF-8",
                  Origin=origin, Host="help.example.com")
    assert result.status_code == 403, result.text
    assert result.json["error"]["status"] == 403 and origin in result.json["error"]["detail"]
    assert "Access-Control-Allow-Origin" not in result.headers
    preflight = client.simulate_options("/api/events", host="help.example.com", headers={
        "Origin": origin, "Access-Control-Request-Method": "POST"})
    assert preflight.status_code == 403
    assert stored(site) == 0


@pytest.mark.parametrize("headers", [
    {},  # curl, server-side senders: no Origin
    {"Origin": "https://help.example.com"},  # site_url's origin
    # `kb serve-api --site`: the page and the API share an address that is not site_url's
    {"Origin": "http://127.0.0.1:8765", "Host": "127.0.0.1:8765"},
    {"Origin": "http://[::1]:8765", "Host": "[::1]:8765"},
    {"Origin": "https://docs.example.org", "Host": "docs.example.org"},
    # behind a proxy that rewrites Host and says the original in X-Forwarded-Host
    {"Origin": "https://docs.example.org", "Host": "10.0.0.11:8001",
     "X-Forwarded-Host": "docs.example.org"},
    {"Origin": "http://docs.example.org:8080", "Host": "10.0.0.11:8001",
     "X-Forwarded-Host": "docs.example.org:8080, 10.0.0.5"},
    {"Origin": "https://docs.example.org", "Host": "kb-api",
     "Forwarded": 'for=203.0.113.9;host="docs.example.org";proto=https'},
    # nginx's `proxy_set_header Host $host` leaves the port out
    {"Origin": "http://docs.example.org:8080", "Host": "docs.example.org"},
])
def test_the_sites_own_pages_may_post_events(client, site, headers):
    result = post(client, {"events": [vote()]}, content_type="text/plain;charset=UTF-8",
                  **headers)
    assert result.status_code == 202, result.text
    assert stored(site) == 1


@pytest.mark.parametrize("headers", [
    {"Origin": "http://127.0.0.1:9999", "Host": "127.0.0.1:8765"},  # another port
    {"Origin": "https://docs.example.org:8443", "Host": "docs.example.org:443"},
    {"Origin": "https://evil.example", "Host": "10.0.0.11:8001",
     "X-Forwarded-Host": "docs.example.org"},
])
def test_a_neighbour_of_the_request_host_is_another_origin(client, site, headers):
    assert post(client, {"events": [vote()]}, **headers).status_code == 403
    assert stored(site) == 0


def test_no_raw_ip_at_rest_and_the_trusted_proxy_hop_counts(client, site, backend, caplog):
    caplog.set_level("DEBUG")
    post(client, {"events": [view()]}, **{"X-Forwarded-For": "203.0.113.77"})
    post(client, {"events": [view()]}, **{"X-Forwarded-For": "198.51.100.23"})
    visitors = {r[0] for r in query(site, "select visitor from events")}
    assert len(visitors) == 2, "the forwarded address, not the proxy's, makes the visitor"
    if backend.name == "postgresql":
        backend.query("CHECKPOINT")  # tables and WAL on disk
    files = [f for folder in backend.files for f in folder.rglob("*") if f.is_file()]
    seen = set()
    for file in files:
        data = file.read_bytes()
        seen |= {v for v in visitors if v.encode() in data}
        for ip in (b"203.0.113.77", b"198.51.100.23", b"127.0.0.1"):
            assert ip not in data, (file.name, ip)
    assert seen == visitors, "the scan reads the files that hold the events"
    assert "203.0.113.77" not in caplog.text and "198.51.100.23" not in caplog.text


def test_salts_are_deleted_after_48_hours(backend):
    import datetime as dt

    from deflection.store import EventStore

    store = EventStore(backend.url)
    day = dt.date(2026, 11, 1)
    salts = [store.salt(day + dt.timedelta(days=i)) for i in range(3)]
    store.close()
    assert len(set(salts)) == 3
    days = [r[0] for r in backend.query("select day from salts order by day")]
    assert days == ["2026-11-02", "2026-11-03"]
