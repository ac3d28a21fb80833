"""Template variables of a help center's sources: `{{ product-name }}` as the published page
shows it.

Diplodoc (Yandex Flavored Markdown) keeps them in `presets.yaml` files: a folder's
`default` section applies to its pages and to the folders below, a nearer file's value
wins, and a nested mapping is read with dots (`{{ ch.docs }}`). The site shows the values
and the search index holds their words: a page titled "Connecting to {{ MY }}" is found by
"mysql". A name no file defines stays as written (a code example's `{{ param }}`); the
index drops it as markup. (mkdocs-macros renders the config's `extra` itself.)
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from pathlib import Path

import yaml

from kb.errors import ConfigError

PRESETS = "presets.yaml"
# `{{ name }}`, `{{- name -}}`, `{{ name | filter }}`: the name is what is looked up
_VARIABLE = re.compile(r"\{\{-?\s*([\w.-]+)\s*(?:\|[^{}]*)?-?\}\}")


def substitute(text: str, variables: Mapping[str, str]) -> str:
    """`text` with every variable `variables` defines replaced by its value."""
    if not variables or "{{" not in text:
        return text

    def value(match: re.Match) -> str:
        return variables.get(match.group(1), match.group(0))

    return _VARIABLE.sub(value, text)


def _flat(mapping: Mapping, prefix: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in mapping.items():
        if isinstance(value, Mapping):
            out.update(_flat(value, f"{prefix}{key}."))
        elif isinstance(value, (str, int, float)) and not isinstance(value, bool):
            out[f"{prefix}{key}"] = str(value)
    return out


class Variables:
    """The variables of each page of a help center, read once per folder."""

    def __init__(self, docs_dir: str | Path) -> None:
        self.docs_dir = Path(docs_dir)
        self._folders: dict[str, tuple[dict[str, str], str]] = {}

    def for_page(self, src_uri: str) -> Mapping[str, str]:
        return self._folder(src_uri.rpartition("/")[0])[0]

    def fingerprint(self, src_uri: str) -> str:
        """Changes when a value the page can use changes: the index re-reads the page."""
        return self._folder(src_uri.rpartition("/")[0])[1]

    def _folder(self, folder: str) -> tuple[dict[str, str], str]:
        if folder not in self._folders:
            inherited = self._folder(folder.rpartition("/")[0])[0] if folder else {}
            merged = {**inherited, **self._presets(self.docs_dir / folder / PRESETS)}
            digest = hashlib.sha1(repr(sorted(merged.items())).encode("utf-8")).hexdigest()
            self._folders[folder] = (merged, digest if merged else "")
        return self._folders[folder]

    @staticmethod
    def _presets(path: Path) -> dict[str, str]:
        try:
            return read_presets(path)
        except FileNotFoundError:
            return {}


class PresetsError(ConfigError):
    """A presets.yaml kb cannot read: `kb check` lists it, a build stops on it."""

    def __init__(self, path: Path, line: int, problem: str, fix: str) -> None:
        where = f"{path}:{line}" if line else str(path)
        super().__init__(f"{where}: {problem}; {fix}")
        self.path, self.line, self.problem, self.fix = path, line, problem, fix


def read_presets(path: Path) -> dict[str, str]:
    """The `default` variables of one presets.yaml, names of nested mappings with dots."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise
    except OSError as exc:
        raise PresetsError(path, 0, f"cannot be read ({exc.strerror})",
                           "check that it is a readable file") from None
    except UnicodeDecodeError as exc:
        raise PresetsError(path, 0, f"not UTF-8 ({exc.reason} at byte {exc.start})",
                           "save the file as UTF-8") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise PresetsError(path, mark.line + 1 if mark else 0,
                           f"not valid YAML ({getattr(exc, 'problem', None) or exc})",
                           "fix the line or remove the file") from None
    if data is None or (isinstance(data, Mapping) and "default" not in data):
        return {}  # empty, or presets of other builds only
    if not isinstance(data, Mapping) or not isinstance(data["default"], Mapping):
        raise PresetsError(path, 1, "`default` must map variable names to values",
                           "write a line `default:`, then indented `name: value` lines, "
                           "as Diplodoc reads them")
    return _flat(data["default"])
