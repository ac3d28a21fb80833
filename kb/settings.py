"""Load a site config (MkDocs' own loader) and kb's options in it."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from kb.errors import ConfigError
from kb.languages import site_languages

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig

    from plugins.site.config import SiteConfig

DEFAULT_CONFIG = "site_config.yml"
PLUGIN_NAME = "kb/site"


@dataclass
class Site:
    """A loaded help center: MkDocs' config plus kb's options and derived facts."""

    config: MkDocsConfig
    options: SiteConfig
    config_file: Path
    warnings: list[str] = field(default_factory=list)  # MkDocs' about the config (kb check)

    @property
    def docs_dir(self) -> Path:
        return Path(self.config.docs_dir)

    @property
    def root(self) -> Path:
        """The folder of the config file: runtime artefacts go here by default."""
        return self.config_file.parent

    @cached_property
    def languages(self) -> list[str]:
        return site_languages(list(self.options.languages), self.config)

    @property
    def default_language(self) -> str:
        return self.languages[0]


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextmanager
def _captured(logger_name: str) -> Iterator[_Collect]:
    handler = _Collect()
    logger = logging.getLogger(logger_name)
    logger.addHandler(handler)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)


def resolve_config_file(config_file: str | Path | None) -> Path:
    path = Path(config_file or DEFAULT_CONFIG).absolute()
    if not path.is_file():
        raise ConfigError(
            f"no site config at {path}: run kb in the folder that holds {DEFAULT_CONFIG} "
            "or pass --config PATH"
        )
    return path


def load_site(config_file: str | Path | None = None, **overrides: object) -> Site:
    """Load and validate the config; every problem becomes one ConfigError."""
    from mkdocs import exceptions
    from mkdocs.config import load_config

    path = resolve_config_file(config_file)
    with _captured("mkdocs") as messages:
        try:
            config = load_config(str(path), **overrides)
        except (exceptions.ConfigurationError, exceptions.Abort) as exc:
            details = "\n  ".join(messages.messages) or str(exc)
            raise ConfigError(f"{path.name} is not a valid site config:\n  {details}") from None
    return Site(config=config, options=site_options(config), config_file=path,
                warnings=messages.messages)


def site_options(config: MkDocsConfig) -> SiteConfig:
    """kb/site's options in a loaded MkDocs config, or their defaults when it is not listed."""
    from plugins.site.config import SiteConfig

    plugin = config.plugins.get(PLUGIN_NAME)
    if plugin is not None:
        return plugin.config
    options = SiteConfig()
    options.load_dict({})
    errors, _ = options.validate()
    assert not errors, errors  # defaults always validate
    return options
