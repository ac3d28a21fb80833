"""Material's fonts come from Google Fonts: every page would send its reader's address to
a third party, which kb's sites do not do. They use the system's fonts unless the config
chose a font, and `kb check` warns about a chosen one."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mkdocs.theme import Theme


def chosen_font(theme: Theme) -> dict | None:
    """The font the config chose (`theme.font`), or None: no font (`font: false`, a theme
    without fonts) or the theme's own default, which counts as not chosen."""
    from mkdocs.theme import Theme

    font = theme.get("font")
    if not font or not theme.name or font == Theme(name=theme.name).get("font"):
        return None
    return font


def system_fonts_unless_chosen(theme: Theme) -> None:
    """Turn off the theme's default font (Material's Roboto, from Google Fonts)."""
    if theme.get("font") and chosen_font(theme) is None:
        theme["font"] = False
