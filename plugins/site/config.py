"""kb's own options, set under `plugins: - kb/site:` in the site config.

Every option has a default, so a plain MkDocs config works with every kb command.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from mkdocs.config import base
from mkdocs.config import config_options as c

_LANG_CODE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$")
DEFAULT_PORTS = {"http": 80, "https": 443}
_HOST_NAME = re.compile(r"^[a-z0-9_]([a-z0-9_.-]*[a-z0-9_])?$")


def canonical_origin(url: str) -> str:
    """`scheme://host[:port]` of an http(s) URL as a browser writes it in an Origin
    header (lower case, punycode, no default port, no slash), or ValueError saying why
    it is not one. A path other than `/` is refused, not dropped: an origin has none."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        raise ValueError("it does not start with https:// or http://")
    if not parts.hostname:
        raise ValueError("it has no host")
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise ValueError("an origin has no path, query or fragment")
    if "@" in parts.netloc:
        raise ValueError("an origin has no user name")
    try:
        port = parts.port
        host = parts.hostname.encode("idna").decode("ascii")
    except (ValueError, UnicodeError) as exc:
        raise ValueError(f"its host or port is not valid ({exc})") from None
    if ":" in host:  # IPv6, which urlsplit gave without its brackets
        host = f"[{host}]"
    elif not _HOST_NAME.match(host):
        raise ValueError(f"{host!r} is not a host name")
    return f"{scheme}://{host}" + (f":{port}" if port not in (None, DEFAULT_PORTS[scheme])
                                   else "")


def _origin_meant(text: str) -> str:
    """The origin `text` most likely meant (its scheme, host and port; https:// when it
    has no scheme), for an error message."""
    parts = urlsplit(text if "://" in text else "https://" + text)
    try:
        return canonical_origin(f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}")
    except ValueError:
        return "https://help.example.com"


class WholeNumber(c.BaseConfigOption[int]):
    """A whole number no smaller than `minimum`; the message says what to write."""

    def __init__(self, default: int, minimum: int = 0) -> None:
        super().__init__()
        self.default = default
        self.minimum = minimum

    def run_validation(self, value: object) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or value < self.minimum:
            raise base.ValidationError(
                f"got {value!r}; write a whole number of at least {self.minimum}, "
                f"for example {self.default}."
            )
        return value


class Share(c.BaseConfigOption[float]):
    """A number from 0 to 1 (`1` and `0` too, which YAML reads as whole numbers)."""

    def __init__(self, default: float) -> None:
        super().__init__()
        self.default = default

    def run_validation(self, value: object) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
            raise base.ValidationError(
                f"got {value!r}; write a number from 0 to 1, for example {self.default}.")
        return float(value)


class ListOption(c.BaseConfigOption[list]):
    """A list (a single value counts as a list of one) whose items `check` accepts."""

    example = "[a, b]"

    def __init__(self) -> None:
        super().__init__()
        self.default = []

    def check(self, item: object) -> str:
        """The item as text, or ValidationError naming it and the fix."""
        raise NotImplementedError

    def run_validation(self, value: object) -> list[str]:
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            raise base.ValidationError(f"got {value!r}; write a list such as {self.example}.")
        return [self.check(item) for item in value]


class LanguageCodes(ListOption):
    """A list of language codes such as `[en, ru, th]`."""

    example = "[en, ru, th]"

    def check(self, item: object) -> str:
        if not isinstance(item, str) or not _LANG_CODE.match(item):
            raise base.ValidationError(
                f"{item!r} is not a language code; use ISO 639-1 codes "
                "such as en, ru, th (or pt-BR)."
            )
        return item

    def run_validation(self, value: object) -> list[str]:
        codes = super().run_validation(value)
        if len(set(codes)) != len(codes):
            raise base.ValidationError(f"{codes!r} lists a language twice; list each once.")
        return codes


class HelpdeskUrl(c.BaseConfigOption[str]):
    """Where "Contact support" hands a customer over: an http(s) or mailto: URL, or empty."""

    def __init__(self) -> None:
        super().__init__()
        self.default = ""

    def run_validation(self, value: object) -> str:
        if value is None:
            return ""
        if not isinstance(value, str):
            raise base.ValidationError(
                f"got {value!r}; write the helpdesk's address as text, for example "
                "https://support.example.com/new or mailto:help@example.com."
            )
        value = value.strip()
        if value and not re.match(r"^(https?://[^\s/]+\S*|mailto:[^\s@]+@[^\s@]+)$", value):
            raise base.ValidationError(
                f"got {value!r}; write an https://, http:// or mailto: address, for example "
                "https://support.example.com/new, or leave it empty."
            )
        return value


class Networks(ListOption):
    """A list of IP addresses or networks such as `[127.0.0.1, 10.0.0.0/8]`."""

    example = "[127.0.0.1, 10.0.0.0/8]"

    def check(self, item: object) -> str:
        import ipaddress

        try:
            ipaddress.ip_network(str(item), strict=False)
        except ValueError:
            raise base.ValidationError(
                f"{item!r} is not an IP address or network; write e.g. 10.0.0.0/8"
            ) from None
        return str(item)


class Origins(ListOption):
    """A list of origins such as `[https://www.example.com]`, made canonical (see
    `canonical_origin`) so that they compare equal to what browsers send."""

    example = "[https://www.example.com]"

    def check(self, item: object) -> str:
        text = item.strip() if isinstance(item, str) else ""
        try:
            return canonical_origin(text)
        except ValueError as exc:
            raise base.ValidationError(
                f"{item!r} is not an origin: {exc}. Write scheme://host[:port], for "
                f"example {_origin_meant(text)}") from None


class SiteConfig(base.Config):
    enabled = c.Type(bool, default=True)
    """Turn the plugin off without removing its options."""

    languages = LanguageCodes()
    """Languages of the help center, the default first. Articles of language `xx`
    live under `docs_dir/xx/`; files outside those folders are in the first
    language. Empty: the theme's language only."""

    required_translations = LanguageCodes()
    """Languages every article must exist in; `kb check` warns when one is
    missing. Missing translations into other languages are listed as notes."""

    review_every = WholeNumber(default=365, minimum=1)
    """Days between reviews that `kb new` writes into a new article."""

    nav_window = WholeNumber(default=25, minimum=1)
    """How many articles of the current section the sidebar lists around the
    current one; the section page lists them all. Keeps every page's size
    independent of the size of the help center."""

    related = WholeNumber(default=5, minimum=0)
    """Related articles (sharing tags, same language) shown under an article; 0 hides them."""

    last_updated = c.Type(bool, default=True)
    """Show when an article last changed: its last git commit, or its
    `reviewed` date when the file is not tracked by git."""

    section_lists = c.Type(bool, default=True)
    """List a section's articles on its index page."""

    index_dir = c.Type(str, default="index")
    """Where `kb build` and `kb index` keep the search index, relative to the
    config file. Never inside docs_dir: MkDocs would publish it."""

    synonyms_dir = c.Type(str, default="_synonyms")
    """Folder of per-language synonym files (`en.yml`, `ru.yml`…) inside
    docs_dir; it is left out of the published site."""

    min_confidence = Share(default=0.3)
    """Share of a question's weight an article must contain to count as an
    answer (0–1). Below it, search says the help center has no answer."""

    semantic = c.Type(bool, default=True)
    """Rank search results by meaning as well as words: among the first results,
    where the words leave the first unsure, the closest in meaning moves up
    (multilingual-e5-small, bundled with kb). False: words alone, and no article
    vectors are computed (a first build of a large help center is faster)."""

    search_api = c.Type(str, default="/api")
    """Address of `kb serve-api` for the site's search box, e.g. `/api` behind
    the same host or `https://help.example.com/api`; empty: browser search only."""

    database = c.Type(str, default="")
    """Where `kb serve-api` stores events and `kb deflection` reads them, as a URL
    (`sqlite:///path/events.db`, a relative path being relative to the config file,
    or `postgresql://…`); empty: `events.db` next to the config file."""

    allowed_origins = Origins()
    """Other origins (scheme://host[:port]) whose pages may post events, besides
    site_url's own and same-origin pages. Search answers any origin."""

    trusted_proxies = Networks()
    """Addresses or networks of reverse proxies whose X-Forwarded-For is believed,
    e.g. [127.0.0.1, 10.0.0.0/8]. Empty: the connecting address is the client."""

    events_per_minute = WholeNumber(default=120, minimum=1)
    """Events one visitor may send a minute; more get 429 with Retry-After."""

    helpdesk_url = HelpdeskUrl()
    """Where the contact page's "Contact support" button sends a customer who found
    no answer: the helpdesk's new-ticket form (`https://…`) or a `mailto:` address.
    Empty: the contact page still suggests articles, then tells the customer to
    reach support the way they usually do."""
