"""The README documents every command and every option (a missing one fails)."""

from __future__ import annotations

from kb.cli import cli
from plugins.gaps.config import GapsConfig
from plugins.site.config import SiteConfig
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_command_and_its_options_are_documented():
    for name, command in cli.commands.items():
        assert f"kb {name}" in README, name
        for param in command.params:
            for opt in param.opts:
                if opt.startswith("--") and opt not in ("--config", "--help", "--verbose"):
                    assert opt in README, f"kb {name} {opt}"


def _gaps_table() -> str:
    """The README's table of kb/gaps options: the block after the "`kb/gaps` options" line."""
    start = README.index("`kb/gaps` options")
    return README[start:].split("\n\n", 2)[1]


def test_every_plugin_option_is_documented():
    for key, _ in SiteConfig._schema:
        assert f"| `{key}` |" in README, key
    table = _gaps_table()  # kb/gaps shares some names (enabled): its own table must list them
    for key, _ in GapsConfig._schema:
        assert f"| `{key}` |" in table, f"kb/gaps {key}"


def test_every_command_help_shows_an_example():
    for name, command in cli.commands.items():
        assert "Example" in (command.help or ""), name
