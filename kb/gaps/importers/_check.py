"""What a file is, before it is read as an export: missing, empty, binary, UTF-16 or not
UTF-8, a web page or a lone JSON value are refused with a message that says what to do."""

from __future__ import annotations

import codecs
import json
from pathlib import Path

from kb.gaps.model import TicketImportError

HEAD_BYTES = 256 * 1024


def check_file(path: Path) -> bytes:
    """The first bytes of `path`, after refusing a missing, empty, binary or non-UTF-8 file."""
    name = path.name
    if not path.exists():
        raise TicketImportError(f"{path}: no such file; check the path given to --tickets")
    if path.is_dir():
        raise TicketImportError(f"{path}: is a folder; give the export file itself")
    try:
        with path.open("rb") as handle:
            head = handle.read(HEAD_BYTES)
    except OSError as exc:
        raise TicketImportError(f"{path}: cannot be read ({exc.strerror})") from None
    if not head.strip(b" \t\r\n\xef\xbb\xbf"):
        raise TicketImportError(f"{name}: the file is empty; export the tickets again")
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or _looks_utf16(head[:400]):
        raise TicketImportError(
            f"{name}: the file is UTF-16, kb reads UTF-8; save it as UTF-8 (Excel: Save As > "
            "CSV UTF-8; a text editor: save with the encoding UTF-8) or export it again"
        )
    if _looks_binary(head):
        raise TicketImportError(
            f"{name}: a binary file (zip, gzip, PDF or a spreadsheet?), not a CSV or JSON "
            "export; unpack it or export the tickets as CSV or JSON"
        )
    _check_utf8(name, head, complete=len(head) < HEAD_BYTES)
    return head


# zip (xlsx), gzip, PDF, OLE2 (xls)
_BINARY_MAGIC = (b"PK\x03\x04", b"\x1f\x8b", b"%PDF", b"\xd0\xcf\x11\xe0")
_CONTROL = bytes(c for c in range(32) if chr(c) not in "\t\n\r\f\v")


def _looks_binary(head: bytes) -> bool:
    """A known binary signature, or control bytes in more than 1 byte of 20. A stray NUL
    in a text export is not binary: the CSV reader names the record it spoils."""
    if head.startswith(_BINARY_MAGIC):
        return True
    controls = len(head) - len(head.translate(None, _CONTROL))
    return controls > 1 and controls > len(head) / 20


def _looks_utf16(sample: bytes) -> bool:
    """UTF-16 without a BOM: zero bytes on one side of the character pairs only (the high
    byte of ASCII, digits and punctuation; Cyrillic has 0x04 there, Thai 0x0E), and
    printable text with a line break or delimiter when decoded (not a stray NUL)."""
    sample = sample[: len(sample) // 2 * 2]
    for zeros, chars, codec in (
        (sample[1::2], sample[0::2], "utf-16-le"),
        (sample[0::2], sample[1::2], "utf-16-be"),
    ):
        if zeros.count(0) < max(4, len(zeros) / 10) or chars.count(0):
            continue
        text = codecs.getincrementaldecoder(codec)(errors="replace").decode(sample)
        shown = sum(c.isprintable() or c in "\r\n\t" for c in text)
        if shown >= 0.95 * len(text) and any(c in text for c in "\n,;\t{["):
            return True
    return False


def _check_utf8(name: str, data: bytes, complete: bool) -> None:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if not complete and exc.start >= len(data) - 4:
            return  # a character cut by the end of the head
        line = data.count(b"\n", 0, exc.start) + 1
        raise TicketImportError(
            f"{name}:{line}: not UTF-8 (byte 0x{data[exc.start]:02X}); the file is in another "
            "encoding (Windows-1251, TIS-620, Latin-1?): export it again as UTF-8"
        ) from None


def refuse_other_documents(path: Path, text: str, complete: bool) -> None:
    """TicketImportError for a web page or a lone JSON value saved in place of an export
    (no CSV header starts with "<", and a CSV of one quoted word has no tickets anyway)."""
    name = path.name
    if text.startswith("<"):
        start = text[:1000].casefold()
        if "<html" in start or "<!doctype html" in start or "<body" in start:
            raise TicketImportError(
                f"{name}: an HTML page, not a ticket export (a sign-in or error page saved "
                "in its place?); download the export again while signed in, or use the "
                "helpdesk's API"
            )
        raise TicketImportError(
            f"{name}: XML or HTML, not a ticket export; export the tickets as CSV or JSON"
        )
    if complete and not text.startswith(("{", "[")):
        try:
            value = json.loads(text)
        except ValueError:
            return
        kind = {str: "string", bool: "true/false", type(None): "null"}.get(type(value), "number")
        shown = text.strip()[:60]
        raise TicketImportError(
            f"{name}: a single JSON {kind} ({shown}), not a ticket export; a JSON export is "
            "an array of tickets or an object holding one: export the tickets again"
        )


def encoding_error(name: str, line: int, exc: UnicodeDecodeError) -> TicketImportError:
    return TicketImportError(
        f"{name}:{line}: not UTF-8 (byte 0x{exc.object[exc.start]:02X}); the file is in another "
        "encoding (Windows-1251, TIS-620, Latin-1?): export it again as UTF-8"
    )
