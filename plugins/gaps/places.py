"""Where the plugin may read and write: nothing that quotes tickets inside the published
folders. Pure path logic; the plugin turns the error into MkDocs' PluginError."""

from __future__ import annotations

from pathlib import Path

from kb.errors import ConfigError


def _within(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def reports_folder(root: Path, reports_dir: str, published: dict[str, Path]) -> Path:
    """`reports_dir` resolved against the config's folder; refused inside a published one
    (`published`: option name → folder, e.g. docs_dir and site_dir)."""
    folder = (root / reports_dir).resolve()
    for name, published_folder in published.items():
        inside = published_folder.resolve()
        if _within(folder, inside):
            raise ConfigError(
                f"Plugin 'kb/gaps' option 'reports_dir': '{reports_dir}' is inside {name} "
                f"({inside}), so the reports, which quote tickets, would be published; "
                "choose a folder outside it, e.g. 'reports'")
    return folder


def check_export(tickets: str, docs_dir: Path) -> None:
    """An export inside docs_dir would be copied into the site as it is: refuse it."""
    docs = docs_dir.resolve()
    if _within(Path(tickets).resolve(), docs):
        raise ConfigError(
            f"Plugin 'kb/gaps' option 'tickets': the export {tickets} is inside docs_dir "
            f"({docs}), so MkDocs would publish every ticket in it; move it out of docs_dir "
            "and point 'tickets' at the new place")
