"""The one family of errors kb's core raises; each front end translates it once."""

from __future__ import annotations


class KBError(Exception):
    """A problem the user can fix: the message names what is wrong and what to do."""


class ConfigError(KBError):
    """The site config (or kb's options in it) is missing or invalid."""


class ArticleError(KBError):
    """An article cannot be created or read."""
