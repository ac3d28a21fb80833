"""`kb/gaps` options, set under `plugins: - kb/gaps:` in the site config.

Paths are relative to the config file. Without `tickets` the plugin does nothing.
"""

from __future__ import annotations

import os

from mkdocs.config import base
from mkdocs.config import config_options as c

from kb.gaps.importers import FORMATS, ON_ERROR  # one list for the CLI and the plugin
from plugins.site.config import WholeNumber


class ExistingFile(c.File):
    """A file that must exist, resolved against the config file; the message says what
    the file is for."""

    def __init__(self, what: str) -> None:
        super().__init__(exists=True)
        self.what = what

    def run_validation(self, value: object) -> str:
        if not isinstance(value, str) or not value.strip():
            raise base.ValidationError(
                f"got {value!r}; write the path of {self.what}, relative to the config file.")
        try:
            return super().run_validation(value)
        except base.ValidationError:
            shown = os.path.join(self.config_dir or "", value)
            raise base.ValidationError(
                f"no file at {shown}; write the path of {self.what}, relative to the config "
                "file, or remove the option.") from None


class Choice(c.Choice):
    def run_validation(self, value: object) -> str:
        if value not in self.choices:
            raise base.ValidationError(
                f"got {value!r}; write one of {', '.join(self.choices)}.")
        return str(value)


class GapsConfig(base.Config):
    enabled = c.Type(bool, default=True)
    """Turn the plugin off without removing its options."""

    tickets = c.Optional(ExistingFile("the helpdesk's ticket export (CSV, JSON or NDJSON)"))
    """The ticket export to analyse, relative to the config file. Unset: the plugin
    does nothing."""

    format = Choice(FORMATS, default="auto")
    """The export's layout; `auto` detects it."""

    mapping = c.Optional(ExistingFile("a YAML column mapping"))
    """A YAML column mapping for a layout kb does not know, relative to the config file."""

    on_error = Choice(ON_ERROR, default="skip")
    """A malformed record: `skip` it (listed in the report) or `fail` the build."""

    reports_dir = c.Type(str, default="reports")
    """Where the gaps reports go (gaps.html, gaps.json, gaps.md, topics.csv,
    tickets.csv), relative to the config file. Never inside docs_dir or site_dir: the
    reports quote tickets and must not be published."""

    fail_on_missing = WholeNumber(default=0, minimum=0)
    """Under `--strict`, a "missing" topic with at least this many tickets fails the
    build (a warning naming the topic). 0: off."""

    banner = c.Type(bool, default=True)
    """In `kb serve` only, show on each article whose topic says "update" a banner
    with the evidence and the ticket IDs. Never in a built site."""
