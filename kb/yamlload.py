"""Safe YAML loaders whose every failure is a `yaml.YAMLError` with a line.

PyYAML resolves `2026-13-01` as a date and `!!int abc` as a number, then fails to build
them with a bare ValueError that names neither the file nor the line. Writers type such
values (a month and a day swapped), so kb's readers get them as YAML errors at the value.
"""

from __future__ import annotations

import yaml

_KINDS = {"tag:yaml.org,2002:timestamp": "date", "tag:yaml.org,2002:int": "number",
          "tag:yaml.org,2002:float": "number"}


class _NamesTheValue:
    def construct_object(self, node, deep=False):
        try:
            return super().construct_object(node, deep=deep)
        except ValueError as exc:  # the innermost node raises first, so it is the one named
            kind = _KINDS.get(node.tag, "value")
            raise yaml.constructor.ConstructorError(
                None, None, f"{node.value!r} is not a valid {kind} ({exc})",
                node.start_mark) from None


class SafeLoader(_NamesTheValue, yaml.SafeLoader):
    """yaml.SafeLoader, with unreadable values as ConstructorError."""


class CSafeLoader(_NamesTheValue, getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """The C loader when libyaml is there, with unreadable values as ConstructorError."""
