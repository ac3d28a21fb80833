"""Which helpdesk wrote an export: decided from its content (JSON keys, CSV header)."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

from kb.gaps.importers import freshdesk, generic, helpscout, jira, zendesk
from kb.gaps.importers._io import Head
from kb.gaps.model import TicketImportError

# Order matters: the helpdesk layouts are specific, generic (id + subject) is the fallback.
MODULES: dict[str, ModuleType] = {
    "zendesk": zendesk,
    "freshdesk": freshdesk,
    "helpscout": helpscout,
    "jira": jira,
    "generic": generic,
}


def detect(path: Path, head: Head) -> str:
    """The format name of the export, or TicketImportError saying what was seen."""
    for name, module in MODULES.items():
        if module.matches(head):
            return name
    raise TicketImportError(f"{path.name}: {describe(head)}; {_HINT}")


def confirm(path: Path, head: Head, fmt: str) -> str:
    """`fmt`, the format given, unless the content is recognisably another helpdesk's.

    Reading a Zendesk export as Help Scout would import empty bodies and no dates, and no
    warning would reach the report: a conflict with a recognised helpdesk stops the run.
    When detection recognises no helpdesk, the format given decides: that is what
    --format is for.
    """
    if fmt != "generic" and MODULES[fmt].matches(head):
        return fmt
    for name, module in MODULES.items():
        if name not in (fmt, "generic") and module.matches(head):
            raise TicketImportError(
                f"{path.name}: --format {fmt} was given, but the file is a {LABELS[name]} "
                f"export ({_evidence(head)}); read as {LABELS[fmt]}, its tickets would lose "
                f"fields: give --format {name} or leave --format out"
            )
    return fmt


def _evidence(head: Head) -> str:
    names = head.columns if head.kind == "csv" else head.first_keys
    shown = ", ".join(repr(n) for n in names[:8]) + (", ..." if len(names) > 8 else "")
    return f"{'columns' if head.kind == 'csv' else 'keys'} {shown}"


LABELS = {
    "zendesk": "Zendesk", "freshdesk": "Freshdesk", "helpscout": "Help Scout", "jira": "Jira",
    "generic": "generic",
}  # fmt: skip

_HINT = (
    "kb cannot tell which helpdesk wrote it. Give --format zendesk|freshdesk|helpscout|jira, "
    "rename the columns to the generic schema (id, subject, body, created_at, tags, ...), "
    "or describe the layout in a --mapping file"
)


def describe(head: Head) -> str:
    """What the head of the file looks like, in words, for error messages."""
    if head.kind == "csv":
        shown = ", ".join(repr(c) for c in head.columns[:15])
        more = f" and {len(head.columns) - 15} more" if len(head.columns) > 15 else ""
        return f"a CSV file with the columns {shown}{more}"
    keys = ", ".join(repr(k) for k in head.first_keys[:15]) or "no keys"
    if head.kind == "ndjson":
        return f"NDJSON whose first object has the keys {keys}"
    if head.array_at is None:
        top = ", ".join(repr(k) for k in head.top_keys[:15])
        return f"a JSON object with the keys {top} and no list of tickets"
    where = f"the array {head.array_at!r}" if head.array_at else "a top-level JSON array"
    if head.first is None:
        return f"JSON with {where} and no object in it"
    return f"JSON with {where} whose first object has the keys {keys}"
