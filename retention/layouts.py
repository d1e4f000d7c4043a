"""The owner's column choices, remembered for files of the same layout.

A layout is a file's list of column names, compared without case, spaces or
order; next month's export of the same till has the same layout, so the
columns the owner chose for this month's file are chosen again for it. The
choices are kept in a small SQLite database (Python's own ``sqlite3``),
``layouts.sqlite`` in the app's data folder (:func:`data_dir`) beside the
saved datasets, so they outlive the browser session and the app's restart.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from collections.abc import Iterable
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

from retention.columns import ROLES

__all__ = ["LayoutMemory", "data_dir", "layout_key"]

DATA_DIR_VARIABLE = "REGULARS_DATA_DIR"


def data_dir() -> Path:
    """Where the app keeps what it remembers: ``$REGULARS_DATA_DIR``, else
    ``~/.regulars``."""
    configured = os.environ.get(DATA_DIR_VARIABLE)
    return Path(configured) if configured else Path.home() / ".regulars"


def layout_key(columns: Iterable[str]) -> str:
    """A stable name for a file layout: the hash of its sorted, normalised
    column names (``"Customer ID"`` and ``"customer id"`` are the same)."""
    names = sorted(" ".join(str(column).lower().split()) for column in columns)
    return hashlib.sha256("\x1f".join(names).encode()).hexdigest()


class LayoutMemory:
    """Column choices per layout, in a SQLite file.

    Only role names and column names are stored, never a cell of the file.
    """

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(self.path)
        connection.execute(
            "CREATE TABLE IF NOT EXISTS layout_mappings ("
            "layout TEXT PRIMARY KEY, mapping TEXT NOT NULL, saved_at TEXT NOT NULL)"
        )
        return connection

    def remember(self, layout: str, choices: dict[str, str | None]) -> None:
        """Keep the owner's choices (role -> column, ``None`` for no column)."""
        known = {role: column for role, column in choices.items() if role in ROLES}
        with closing(self._connect()) as connection, connection:
            connection.execute(
                "INSERT INTO layout_mappings (layout, mapping, saved_at) "
                "VALUES (?, ?, ?) ON CONFLICT(layout) DO UPDATE SET "
                "mapping = excluded.mapping, saved_at = excluded.saved_at",
                (layout, json.dumps(known), datetime.now(UTC).isoformat()),
            )

    def recall(self, layout: str, columns: Iterable[str]) -> dict[str, str | None]:
        """The choices kept for ``layout`` whose columns the file still has;
        ``{}`` when there are none."""
        if not self.path.exists():
            return {}
        with closing(self._connect()) as connection:
            found = connection.execute(
                "SELECT mapping FROM layout_mappings WHERE layout = ?", (layout,)
            ).fetchone()
        if found is None:
            return {}
        present = set(columns)
        return {
            role: column
            for role, column in json.loads(found[0]).items()
            if role in ROLES and (column is None or column in present)
        }

    def forget(self, layout: str) -> None:
        with closing(self._connect()) as connection, connection:
            connection.execute(
                "DELETE FROM layout_mappings WHERE layout = ?", (layout,)
            )
