"""MkDocs plugins of kb, registered as `mkdocs.plugins` entry points."""
