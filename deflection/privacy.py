"""Visitors without cookies or stored IPs: a daily-salted hash, and which IP counts.

visitor key = SHA-256(salt of the day ‖ IP ‖ user agent ‖ site)[:16 bytes]. Salts
rotate daily and are deleted after 48 hours, after which no key can be linked
to an address again.
"""

from __future__ import annotations

import hashlib
import ipaddress
import re
from collections.abc import Sequence
from functools import lru_cache

_BOTS = re.compile(
    r"bot\b|bot/|crawl|spider|slurp|headless|phantom|selenium|puppeteer|playwright|"
    r"curl/|wget/|python-requests|python-urllib|httpx|go-http-client|java/|okhttp|"
    r"facebookexternalhit|preview|monitor|uptime|pingdom|lighthouse",
    re.I)
# An Android browser names the phone after the version, up to the parenthesis ("Linux;
# Android 10; CUBOT X30 Build/QP1A"): a maker's or model's name is not a crawler's, and
# CUBOT's ends in "bot". That part is not searched. Crawlers that pose as phones name
# themselves after it: "(Linux; Android 6.0.1; Nexus 5X) ... (compatible; Googlebot/2.1)".
_ANDROID_DEVICE = re.compile(r"(Android[^;)]*)[^)]*")


def visitor_key(salt: bytes, ip: str, user_agent: str, site: str) -> str:
    digest = hashlib.sha256()
    for part in (salt, ip.encode(), user_agent.encode("utf-8", "replace"), site.encode()):
        digest.update(len(part).to_bytes(4, "big") + part)
    return digest.hexdigest()[:32]


@lru_cache(maxsize=4096)
def bot_reason(user_agent: str | None) -> str | None:
    """Why a request looks automated, or None for a person's browser."""
    if not user_agent or not user_agent.strip():
        return "no-user-agent"
    match = _BOTS.search(_ANDROID_DEVICE.sub(r"\1", user_agent, count=1))
    return f"user-agent:{match.group(0).strip('/').lower()}" if match else None


def networks(trusted: Sequence[str]) -> tuple:
    """Parse trusted proxies once (config: addresses or CIDR networks)."""
    return tuple(ipaddress.ip_network(t, strict=False) for t in trusted)


def client_ip(peer: str, forwarded_for: str | None, trusted: tuple) -> str:
    """The client's address: the peer, unless the peer is a trusted proxy (`trusted` as
    made by `networks`), in which case the nearest X-Forwarded-For hop not itself trusted."""

    if not forwarded_for or not _is_trusted(peer, trusted):
        return peer
    hops = [h.strip() for h in forwarded_for.split(",") if h.strip()]
    for hop in reversed(hops):
        if not _is_trusted(hop, trusted):
            # a forged or garbled header: fall back to who connected
            return _canonical(hop) or peer
    return hops[0] if hops else peer


@lru_cache(maxsize=4096)
def _is_trusted(address: str, trusted: tuple) -> bool:
    # cached: parsing an address costs more than the rest of the per-request check
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in net for net in trusted)


@lru_cache(maxsize=4096)
def _canonical(address: str) -> str | None:
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None
