"""kb's ticket-gap commands: gaps and eval-gaps."""

from __future__ import annotations

COMMANDS: list = []
