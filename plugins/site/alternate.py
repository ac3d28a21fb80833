"""Material's `link rel=alternate` to each language's home page, taken out of the head.

Material's alternate script (its `integrations/alternate`) fetches `sitemap.xml` from
the folder of every `link rel=alternate` in the head, then takes over each click on a
link without a `target` into one of those folders from a page outside it: it opens the
current page's own path under that folder when the folder's sitemap lists it, else
that folder's home page. That fits one MkDocs site per language, each with the same
paths. kb's languages are folders of one site (`en/`, `ru/`, `th/`) with one sitemap at
its root, so every page asked for `/en/sitemap.xml`, `/ru/sitemap.xml`… and got 404,
and a link from an English article to a Russian one, whether a writer's in the text or
kb's own, opened the Russian home page. kb's language menu already points each entry
at the article's own translation, so the script has nothing to add: with no such link
in the head it fetches nothing and leaves clicks alone.

The links also told search engines that every page's translation was each language's
home page; templates/sitemap.xml lists each page's real translations instead.
"""

from __future__ import annotations

import re

# Exactly what Material's base.html writes for each entry of `extra.alternate`; its RSS
# links (`rel="alternate" type=…`) are left alone
_LANGUAGE_LINK = re.compile(r'[ \t]*<link rel="alternate" href="[^"]*" hreflang="[^"]*">\n?')


def without_language_links(html: str) -> str:
    """`html` without Material's `link rel=alternate hreflang=…` in its head."""
    head, end, rest = html.partition("</head>")
    if not end:
        return html
    return _LANGUAGE_LINK.sub("", head) + end + rest
