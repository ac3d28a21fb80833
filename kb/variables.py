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
from kb.yamlload import SafeLoader

PRESETS = "presets.yaml"
# `{{ name }}`, `{{- name -}}`, `{{ name | filter }}`: the name is what is looked up;
# Diplodoc's `not_var{{ name }}` shows `{{ name }}` as written
_VARIABLE = re.compile(r"(not_var)?(\{\{-?\s*([\w.-]+)\s*(?:\|[^{}]*)?-?\}\})")


def substitute(text: str, variables: Mapping[str, str]) -> str:
    """`text` with every variable `variables` defines replaced by its value."""
    if not variables or "{{" not in text:
        return text

    def value(match: re.Match) -> str:
        if match.group(1):
            return match.group(2)
        return variables.get(match.group(3), match.group(2))

    return _VARIABLE.sub(value, text)


def used(text: str) -> set[str]:
    """The variable names a page's text uses."""
    return {m.group(3) for m in _VARIABLE.finditer(text) if not m.group(1)} \
        if "{{" in text else set()


class _Loader(SafeLoader):
    """YAML as Diplodoc reads it (YAML 1.2): `yes`, `no`, `on`, `off` are words, not
    booleans, so `country: NO` stays "NO"."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}
_Loader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|"
                              r"False|FALSE)$"), list("tTfF"))


def _flat(mapping: Mapping, prefix: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in mapping.items():
        if isinstance(value, Mapping):
            out.update(_flat(value, f"{prefix}{key}."))
        elif isinstance(value, bool):
            out[f"{prefix}{key}"] = "true" if value else "false"
        elif value is not None and not isinstance(value, list):
            out[f"{prefix}{key}"] = value.isoformat() if hasattr(value, "isoformat") \
                else str(value)
    return out


class Variables:
    """The variables of each page of a help center, read once per folder."""

    def __init__(self, docs_dir: str | Path) -> None:
        self.docs_dir = Path(docs_dir)
        self._folders: dict[str, dict[str, str] | PresetsError] = {}

    def for_page(self, src_uri: str) -> Mapping[str, str]:
        return self._folder(src_uri.rpartition("/")[0])

    def fingerprint(self, src_uri: str, text: str) -> str:
        """The values `text` (the page's source) uses: when one changes, the index reads
        the page again; a value it does not use changes nothing."""
        names = used(text)
        if not names:
            return ""
        variables = self.for_page(src_uri)
        values = sorted((n, variables[n]) for n in names if n in variables)
        return hashlib.sha1(repr(values).encode("utf-8")).hexdigest() if values else ""

    def _folder(self, folder: str) -> dict[str, str]:
        """The folder's variables; a broken presets file raises its error, read once."""
        if folder not in self._folders:
            try:
                inherited = self._folder(folder.rpartition("/")[0]) if folder else {}
                self._folders[folder] = {**inherited,
                                         **self._presets(self.docs_dir / folder / PRESETS)}
            except PresetsError as exc:
                self._folders[folder] = exc
        found = self._folders[folder]
        if isinstance(found, PresetsError):
            raise found
        return found

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
        data = yaml.load(text, Loader=_Loader)  # noqa: S506 (a SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise PresetsError(path, mark.line + 1 if mark else 0,
                           f"not valid YAML ({getattr(exc, 'problem', None) or exc})",
                           "fix the line or remove the file") from None
    if data is None or (isinstance(data, Mapping) and data.get("default") is None):
        return {}  # empty, or presets of other builds only
    if not isinstance(data, Mapping) or not isinstance(data["default"], Mapping):
        raise PresetsError(path, 1, "`default` must map variable names to values",
                           "write a line `default:`, then indented `name: value` lines, "
                           "as Diplodoc reads them")
    return _flat(data["default"])
