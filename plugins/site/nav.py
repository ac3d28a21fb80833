"""A sidebar pruned to where the reader is, so every page's size stays constant.

Material renders the whole navigation into every page: the site grows with the
square of its articles. A help center reader needs only their language's
sections, the section they are in, and a window of its articles; the section's
own page lists them all.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from mkdocs.structure.nav import Link, Section

if TYPE_CHECKING:
    from mkdocs.structure.nav import Navigation
    from mkdocs.structure.pages import Page


@dataclass
class PrunedNav:
    """What Material's templates read from `nav`."""

    items: list
    homepage: Page | None

    def __iter__(self):
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)


def index_page(section: Section) -> Page | None:
    return next((c for c in section.children if c.is_page and c.is_index), None)


def first_page(section: Section) -> Page | None:
    for child in section.children:
        if child.is_page:
            return child
        if child.is_section:
            found = first_page(child)
            if found:
                return found
    return None


class NavPruner:
    def __init__(self, nav: Navigation, window: int, languages: list[str]) -> None:
        self.nav = nav
        self.window = window
        # A top-level section whose index page is `xx/index.md` is language xx's tree.
        self.language_roots = {}
        for item in nav.items:
            if item.is_section:
                index = index_page(item)
                if index and index.file.src_uri in {f"{lang}/index.md" for lang in languages}:
                    self.language_roots[id(item)] = item

    def for_page(self, page: Page, all_label: str = "All {n} articles →") -> PrunedNav:
        """The navigation for `page`; `all_label` names the link to a long section's page."""
        ancestors = page.ancestors
        top = ancestors[-1] if ancestors else None
        if top is not None and id(top) in self.language_roots:
            items = top.children
        else:
            items = self.nav.items
        active = {id(a) for a in ancestors}
        return PrunedNav(self._prune(items, page, active, all_label), self.nav.homepage)

    def _prune(self, items: list, page: Page, active: set[int], label: str) -> list:
        out = []
        for item in items:
            if not item.is_section:
                out.append(item)
            elif id(item) in active:
                copy = Section(item.title, self._window(item, page, active, label))
                copy.active = True
                out.append(copy)
            else:
                out.append(self._collapsed(item))
        return out

    def _window(self, section: Section, page: Page, active: set[int], label: str) -> list:
        children = self._prune(section.children, page, active, label)
        pages = [c for c in children if c.is_page and not c.is_index]
        if len(pages) <= self.window:
            return children
        position = pages.index(page) if page in pages else 0
        start = max(0, min(position - self.window // 2, len(pages) - self.window))
        keep = {id(p) for p in pages[start : start + self.window]}
        pruned = [c for c in children if not (c.is_page and not c.is_index) or id(c) in keep]
        target = index_page(section) or first_page(section)
        if target is not None:
            pruned.append(Link(label.format(n=len(pages)), target.url or "./"))
        return pruned

    @staticmethod
    def _collapsed(section: Section):
        """A section the reader is not in: one link to its page (or its first article)."""
        target = index_page(section) or first_page(section)
        return Link(section.title, target.url or "./") if target else Section(section.title, [])
