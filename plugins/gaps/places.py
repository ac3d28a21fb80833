"""Where the gaps plugin and the report commands (`kb gaps`, `kb deflection`) may write:
nothing that quotes customers inside the published folders. Pure path logic; the plugin
turns the error into MkDocs' PluginError."""

from __future__ import annotations

from pathlib import Path

from kb.errors import ConfigError


def _within(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def unpublished(path: Path, option: str, published: dict[str, Path], example: str) -> Path:
    """`path` resolved; refused inside a published folder (`published`: option name →
    folder, e.g. docs_dir and site_dir). `option` and `example` word the error."""
    resolved = path.resolve()
    for name, published_folder in published.items():
        inside = published_folder.resolve()
        if _within(resolved, inside):
            raise ConfigError(
                f"{option}: '{path}' is inside {name} ({inside}), so the reports, which "
                f"quote customers, would be published; choose a place outside it, e.g. "
                f"'{example}'")
    return resolved


def reports_folder(root: Path, reports_dir: str, published: dict[str, Path]) -> Path:
    """`reports_dir` resolved against the config's folder, outside the published ones."""
    return unpublished(root / reports_dir, "Plugin 'kb/gaps' option 'reports_dir'",
                       published, "reports")


def check_export(tickets: str, docs_dir: Path) -> None:
    """An export inside docs_dir would be copied into the site as it is: refuse it."""
    docs = docs_dir.resolve()
    if _within(Path(tickets).resolve(), docs):
        raise ConfigError(
            f"Plugin 'kb/gaps' option 'tickets': the export {tickets} is inside docs_dir "
            f"({docs}), so MkDocs would publish every ticket in it; move it out of docs_dir "
            "and point 'tickets' at the new place")
