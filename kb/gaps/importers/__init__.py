"""Ticket import: any supported helpdesk export as a stream of normalised `Ticket`s.

    stream = read_tickets(Path("export.json"))        # format detected from the content
    for ticket in stream:
        ...
    stream.format, stream.count, stream.problems      # after iteration

Records are read one at a time (ijson for JSON, the csv module for CSV), so memory
stays flat however large the export. The last version of a ticket wins (Zendesk's
incremental export lists newer versions later) and a ticket deleted in any version is
not imported at all, so the whole file is read before the first ticket comes: the
converted tickets wait in a temporary file, and only each id's latest version number
and the deleted ids are kept in memory.
"""

from __future__ import annotations

import pickle
import tempfile
from collections.abc import Iterator
from dataclasses import fields
from operator import attrgetter
from pathlib import Path

from kb.gaps.importers._build import Plan, Records
from kb.gaps.importers._check import check_file
from kb.gaps.importers._io import BadRecord, SkipRecord, sniff
from kb.gaps.model import ImportProblem, Ticket, TicketImportError

__all__ = ["FORMATS", "ON_ERROR", "TicketStream", "read_tickets"]

FORMATS = ("auto", "zendesk", "freshdesk", "helpscout", "jira", "generic")
ON_ERROR = ("skip", "fail")
SPOOL_BATCH = 500  # tickets pickled together in the spool: a few hundred KB in memory
_FIELDS = attrgetter(*(f.name for f in fields(Ticket)))  # Ticket → its values, id first


class TicketStream:
    """The tickets of one export, read lazily; iterate once or again (each pass re-reads).

    After a pass: `count` tickets yielded, `problems` (bad records, skipped under
    on_error="skip"), `skipped` (records deliberately not imported, e.g. deleted
    tickets, with the reason; a ticket deleted in any version is not imported at all),
    `duplicates` (records whose id came before: the last version of a ticket wins).
    """

    def __init__(self, path: Path, plan: Plan, on_error: str) -> None:
        self.path = path
        self.format = plan.format
        self.on_error = on_error
        self._plan = plan
        self.count = 0
        self.duplicates = 0
        self.problems: list[ImportProblem] = []
        self.skipped: list[ImportProblem] = []

    def __iter__(self) -> Iterator[Ticket]:
        self.count = self.duplicates = 0
        self.problems, self.skipped = [], []
        records = self._plan.records()
        try:
            yield from self._tickets(records)
        finally:
            records.close()  # a consumer that stops early must not leave the file open

    def _tickets(self, records: Records) -> Iterator[Ticket]:
        """Two steps, so that the last version of a ticket wins and a deleted one is never
        yielded: every record is converted once and spooled to a temporary file (in
        batches, pickled), keeping in memory only each id's latest version number and the
        deleted ids; then the spool is read back, yielding each surviving id at its last
        version. An error met while reading ends the first step; it is raised after the
        tickets read before it, as a single pass would."""
        last: dict[str, int] = {}  # id → number of its latest version in the spool
        deleted: set[str] = set()
        convert = self._plan.convert
        failure: BaseException | None = None
        with tempfile.TemporaryFile() as spool:
            batch: list[tuple] = []
            n = 0
            try:
                for where, record in records:
                    try:
                        if isinstance(record, BadRecord):
                            raise record
                        ticket = convert(record, where)
                    except SkipRecord as exc:
                        self.skipped.append(ImportProblem(where, str(exc)))
                        if exc.deleted is not None:  # dropped in every version
                            deleted.add(exc.deleted)
                        continue
                    except BadRecord as exc:
                        self._problem(where, str(exc))
                        continue
                    if ticket.id in last:
                        self.duplicates += 1  # Zendesk's incremental export repeats tickets
                    last[ticket.id] = n
                    n += 1
                    batch.append(_FIELDS(ticket))
                    if len(batch) >= SPOOL_BATCH:
                        pickle.dump(batch, spool, pickle.HIGHEST_PROTOCOL)
                        batch = []
            except TicketImportError as exc:
                failure = exc
            if batch:
                pickle.dump(batch, spool, pickle.HIGHEST_PROTOCOL)
            del batch
            spool.seek(0)
            total, n = n, 0
            while n < total:
                for values in pickle.load(spool):
                    if last[values[0]] == n and values[0] not in deleted:
                        self.count += 1
                        yield Ticket(*values)
                    n += 1
        if failure is not None:
            raise failure
        if not self.count:
            if self.problems:
                first = self.problems[0]
                raise TicketImportError(
                    f"{self.path.name}: no ticket could be imported ({len(self.problems)} "
                    f"bad record{'s' if len(self.problems) > 1 else ''}; the first, "
                    f"{first.where}: {first.message})"
                )
            if not self.skipped and not self.duplicates:
                raise TicketImportError(
                    f"{self.path.name}: no tickets in the file; export the tickets again"
                )

    def _problem(self, where: str, message: str) -> None:
        if self.on_error == "fail":
            raise TicketImportError(
                f"{where}: {message} (or run with --on-error skip to import the other tickets)"
            )
        self.problems.append(ImportProblem(where, message))


def read_tickets(
    path: Path, fmt: str = "auto", on_error: str = "skip", mapping: Path | None = None
) -> TicketStream:
    """The tickets of the export at `path` as a `TicketStream`.

    `fmt` is one of FORMATS ("auto" detects from the content); `on_error` "skip" records
    a bad record in `.problems` and goes on, "fail" raises TicketImportError at the
    first one. `mapping` is a YAML file describing any other layout. A file that cannot
    be read at all raises TicketImportError here, before iteration.
    """
    from kb.gaps.importers import detect
    from kb.gaps.importers import mapping as mapping_module

    if fmt not in FORMATS:
        raise TicketImportError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    if on_error not in ON_ERROR:
        raise TicketImportError(f"unknown on_error {on_error!r}; use skip or fail")
    path = Path(path)
    head = sniff(path, check_file(path))
    if mapping is not None:
        plan = mapping_module.plan(path, head, Path(mapping))
    else:
        name = detect.detect(path, head) if fmt == "auto" else detect.confirm(path, head, fmt)
        plan = detect.MODULES[name].plan(path, head)
    return TicketStream(path, plan, on_error)
