"""How kb sets up Markdown: the same settings for the build and for `kb check`."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig


def apply_defaults(config: MkDocsConfig) -> None:
    """Unicode heading anchors (Russian and Thai headings get readable ids),
    unless the config chose its own slugify."""
    from pymdownx.slugs import slugify

    toc = config.mdx_configs.setdefault("toc", {})
    toc.setdefault("slugify", slugify(case="lower"))


class Renderer:
    """Renders article bodies with the site's Markdown extensions, one instance reused."""

    def __init__(self, config: MkDocsConfig) -> None:
        import markdown

        self._md = markdown.Markdown(
            extensions=config.markdown_extensions, extension_configs=config.mdx_configs
        )

    def render(self, text: str) -> str:
        self._md.reset()
        return self._md.convert(text)
