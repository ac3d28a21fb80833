"""kb: a docs-as-code help center that measures itself."""

__version__ = "0.1.0"
