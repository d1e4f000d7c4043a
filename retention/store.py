"""Saved datasets and their share links, in a database through SQLAlchemy.

A dataset is one uploaded sales log after reading and cleaning: its orders
table (one database row per order), the column mapping and reading settings
that produced it, and its quality report. It is identified by the content hash
of the uploaded bytes, so uploading the same file again finds the saved dataset
instead of making a second one; saving it with other settings (a corrected
column) replaces its orders.

A share link gives read-only access to one dataset. Its token is 256 random
bits from :mod:`secrets`, handed out once; the database keeps only the token's
SHA-256, so a copy of the database does not give access. A link can expire and
can be revoked; deleting a dataset deletes its orders, report, survey and
every link.

A dataset can have one survey saved with it (:class:`SavedSurvey`): the
answers as read (every cell as text) and as mapped (the responses table with
its columns, date order and notices), identified by the content hash of the
uploaded survey file like the orders, so a partner's link shows the same NPS as
the owner. Saving another survey for the dataset replaces it.

Failed passwords are counted here too (:meth:`DatasetStore.password_lock`),
so a limit on guesses holds for every browser, tab and server process that
uses the database, not only for one session.

Any database SQLAlchemy speaks works; the project tests SQLite (the default,
one file, no set-up) and PostgreSQL (through psycopg). Times are stored as UTC
without a time zone, the same on both.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pandas as pd
import polars as pl
from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    Engine,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    delete,
    event,
    func,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import IntegrityError

from retention.columns import ColumnMapping
from retention.order_metrics import order_figures
from retention.orders import OPTIONAL_COLUMNS, ORDER_COLUMNS
from retention.quality import Notice, QualityReport, with_repaired_outcomes
from retention.sales_log import SalesLog
from retention.survey import Responses, SurveyColumns, SurveyFile

__all__ = [
    "Dataset",
    "DatasetStore",
    "LinkRefused",
    "SavedSurvey",
    "ShareLink",
    "database_url",
    "locked_until",
    "token_hash",
]

TOKEN_BYTES = 32
INSERT_CHUNK = 10_000
# At most this many wrong passwords in this window, for the whole app.
PASSWORD_ATTEMPTS = 5
PASSWORD_WINDOW = timedelta(minutes=15)

metadata = MetaData()

datasets = Table(
    "datasets",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("content_hash", String(64), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("settings", JSON, nullable=False),
    Column("columns", JSON, nullable=False),
    Column("order_count", Integer, nullable=False),
    Column("first_order", DateTime),
    Column("last_order", DateTime),
    Column("created_at", DateTime, nullable=False),
    Column("saved_at", DateTime, nullable=False),
)

orders_table = Table(
    "orders",
    metadata,
    Column(
        "dataset_id",
        ForeignKey("datasets.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("position", Integer, primary_key=True),
    Column("order_id", Text, nullable=False),
    Column("customer_id", Text),
    Column("timestamp", DateTime, nullable=False),
    Column("revenue", Float, nullable=False),
    Column("items", Integer),
    Column("is_purchase", Boolean, nullable=False),
    *(Column(name, Text) for name in OPTIONAL_COLUMNS),
)

reports = Table(
    "quality_reports",
    metadata,
    Column(
        "dataset_id",
        ForeignKey("datasets.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("row_table", LargeBinary, nullable=False),
    Column("raw_table", LargeBinary, nullable=False),
    Column("figures", JSON, nullable=False),
)

surveys = Table(
    "surveys",
    metadata,
    Column(
        "dataset_id",
        ForeignKey("datasets.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("content_hash", String(64), nullable=False),
    Column("name", String(200), nullable=False),
    Column("settings", JSON, nullable=False),
    Column("cells", LargeBinary, nullable=False),
    Column("responses", LargeBinary, nullable=False),
    Column("answer_count", Integer, nullable=False),
    Column("saved_at", DateTime, nullable=False),
)

links = Table(
    "share_links",
    metadata,
    Column("id", Integer, primary_key=True),
    Column(
        "dataset_id",
        ForeignKey("datasets.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("label", String(200), nullable=False),
    Column("mask_contacts", Boolean, nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("expires_at", DateTime),
    Column("revoked_at", DateTime),
)

password_failures = Table(
    "password_failures",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("failed_at", DateTime, nullable=False, index=True),
)


def database_url(configured: str | None, data_dir: Path) -> str:
    """The SQLAlchemy URL to use: the configured one, or a SQLite file in
    ``data_dir``. ``postgresql://`` and ``postgres://`` URLs get the psycopg
    driver, the one the project installs."""
    if not configured:
        return f"sqlite:///{data_dir / 'regulars.sqlite'}"
    for prefix in ("postgres://", "postgresql://"):
        if configured.startswith(prefix):
            return "postgresql+psycopg://" + configured[len(prefix) :]
    return configured


def token_hash(token: str) -> str:
    """SHA-256 of a share token, as stored."""
    return hashlib.sha256(token.encode()).hexdigest()


def utc_now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


@dataclass(frozen=True)
class Dataset:
    """A saved dataset as the owner's list shows it."""

    id: int
    content_hash: str
    name: str
    settings: dict
    order_count: int
    first_order: datetime | None
    last_order: datetime | None
    created_at: datetime
    saved_at: datetime


@dataclass(frozen=True)
class ShareLink:
    """A read-only link to one dataset (the token itself is never stored).

    ``expires_at`` is the first moment (UTC) the link no longer works.
    """

    id: int
    dataset_id: int
    label: str
    mask_contacts: bool
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None

    def status(self, now: datetime) -> str:
        """``"active"``, ``"expired"`` or ``"revoked"`` at ``now`` (UTC)."""
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at is not None and now >= self.expires_at:
            return "expired"
        return "active"


@dataclass(frozen=True)
class SavedSurvey:
    """The survey saved with a dataset.

    ``survey`` holds its cells as read (the owner's, for choosing columns
    again), ``responses`` the answers as mapped with ``columns`` and
    ``date_order``, with the notices of the reading and of the dates;
    ``confirmed_scale`` says that the owner confirmed a 0-10 scale the answers
    did not show. ``answer_count`` counts the rows with a valid 0-10 answer.
    """

    dataset_id: int
    name: str
    content_hash: str
    survey: SurveyFile
    responses: Responses
    date_order: str
    confirmed_scale: bool
    answer_count: int
    saved_at: datetime


def locked_until(
    failures: list[datetime],
    now: datetime,
    attempts: int = PASSWORD_ATTEMPTS,
    window: timedelta = PASSWORD_WINDOW,
) -> datetime | None:
    """When the password box opens again, or None when it is open at ``now``.

    It closes once ``attempts`` wrong passwords fall within ``window`` and
    opens when the oldest of the last ``attempts`` is ``window`` old: with 5 in
    15 minutes, failures at 10:00, 10:01, 10:02, 10:03 and 10:04 close it until
    10:15, when one more guess can be made. Failures after ``now`` and those
    older than ``window`` do not count.
    """
    recent = sorted(f for f in failures if now - window < f <= now)
    if len(recent) < attempts:
        return None
    return recent[-attempts] + window


class LinkRefused(Exception):
    """A share token that opens nothing; ``reason`` is ``"unknown"``,
    ``"expired"`` or ``"revoked"``, and ``link`` the link when it was found."""

    def __init__(self, reason: str, link: ShareLink | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.link = link


def _row_to_dataset(row) -> Dataset:
    return Dataset(
        id=row.id,
        content_hash=row.content_hash,
        name=row.name,
        settings=dict(row.settings),
        order_count=row.order_count,
        first_order=row.first_order,
        last_order=row.last_order,
        created_at=row.created_at,
        saved_at=row.saved_at,
    )


def _row_to_link(row) -> ShareLink:
    return ShareLink(
        id=row.id,
        dataset_id=row.dataset_id,
        label=row.label,
        mask_contacts=bool(row.mask_contacts),
        created_at=row.created_at,
        expires_at=row.expires_at,
        revoked_at=row.revoked_at,
    )


def _parquet(frame: pl.DataFrame) -> bytes:
    buffer = io.BytesIO()
    frame.write_parquet(buffer)
    return buffer.getvalue()


def _order_records(orders: pd.DataFrame) -> Iterator[list[dict]]:
    """The orders as database rows, in chunks; NA becomes NULL."""
    names = ORDER_COLUMNS + [c for c in OPTIONAL_COLUMNS if c in orders.columns]
    frame = orders[names].astype(object).where(orders[names].notna(), None)
    frame["timestamp"] = list(orders["timestamp"].dt.to_pydatetime())
    frame.insert(0, "position", range(len(frame)))
    records = frame.to_dict("records")
    for start in range(0, len(records), INSERT_CHUNK):
        yield records[start : start + INSERT_CHUNK]


def _orders_frame(rows: list, optional: list[str]) -> pd.DataFrame:
    """Database rows back into the canonical orders table and its dtypes."""
    names = ORDER_COLUMNS + optional
    frame = pd.DataFrame.from_records(rows, columns=names)
    dtypes = {
        "order_id": "string",
        "customer_id": "string",
        "timestamp": "datetime64[ns]",
        "revenue": "float64",
        "items": "Int64",
        "is_purchase": "bool",
    }
    dtypes.update({name: "string" for name in optional})
    return frame.astype(dtypes)


class DatasetStore:
    """Datasets and share links in the database at ``url``.

    The tables are created when missing. Every method runs in its own
    transaction, so a failed save leaves the previous state.
    """

    def __init__(self, url: str) -> None:
        url_object = make_url(url)
        if url_object.get_backend_name() == "sqlite" and url_object.database:
            Path(url_object.database).parent.mkdir(parents=True, exist_ok=True)
        self.engine: Engine = create_engine(url)
        if url_object.get_backend_name() == "sqlite":
            event.listen(self.engine, "connect", _sqlite_foreign_keys)
        metadata.create_all(self.engine)

    @contextmanager
    def _transaction(self) -> Iterator[Connection]:
        with self.engine.begin() as connection:
            yield connection

    # datasets

    def save(
        self,
        name: str,
        log: SalesLog,
        reading: dict | None = None,
        *,
        content_hash: str | None = None,
    ) -> tuple[Dataset, bool]:
        """Save ``log`` under ``name``; return the dataset and whether it is new.

        ``reading`` holds the reading settings that made ``log`` (date order,
        time zone); they are saved with the column mapping as the dataset's
        ``settings``. A dataset with the same content is found again and keeps
        its name and links; when its settings differ from the saved ones, its
        orders and report are replaced with ``log``'s. ``content_hash`` (the
        hash of the uploaded bytes) defaults to ``log.content_hash``. The same
        file saved at the same moment from two tabs gives one dataset: the
        later save finds the earlier one instead of failing on its hash.
        """
        content_hash = content_hash or log.content_hash
        settings = json.loads(
            json.dumps({"mapping": log.mapping.as_dict(), **(reading or {})})
        )
        found = self.find(content_hash)
        if found is not None and found.settings == settings:
            return found, False
        try:
            dataset_id = self._write_dataset(name, log, settings, content_hash, found)
        except IntegrityError:
            if found is not None or self.find(content_hash) is None:
                raise
            # The same file was saved from another tab or computer between
            # the look-up above and the insert: save onto that dataset.
            return self.save(name, log, reading, content_hash=content_hash)
        return self.get(dataset_id), found is None

    def _write_dataset(
        self,
        name: str,
        log: SalesLog,
        settings: dict,
        content_hash: str,
        found: Dataset | None,
    ) -> int:
        """Insert a new dataset, or replace ``found``'s contents; return its id."""
        with self._transaction() as connection:
            now = utc_now()
            values = _dataset_values(log, settings, now)
            if found is None:
                values.update(name=name, content_hash=content_hash, created_at=now)
                dataset_id = connection.execute(
                    insert(datasets).values(**values)
                ).inserted_primary_key[0]
            else:
                dataset_id = found.id
                connection.execute(
                    update(datasets).where(datasets.c.id == found.id).values(**values)
                )
                connection.execute(
                    delete(orders_table).where(orders_table.c.dataset_id == found.id)
                )
                connection.execute(
                    delete(reports).where(reports.c.dataset_id == found.id)
                )
            _insert_contents(connection, dataset_id, log)
        return dataset_id

    def find(self, content_hash: str) -> Dataset | None:
        """The saved dataset of this content, if there is one."""
        query = select(datasets).where(datasets.c.content_hash == content_hash)
        with self.engine.connect() as connection:
            row = connection.execute(query).first()
        return None if row is None else _row_to_dataset(row)

    def get(self, dataset_id: int) -> Dataset | None:
        query = select(datasets).where(datasets.c.id == dataset_id)
        with self.engine.connect() as connection:
            row = connection.execute(query).first()
        return None if row is None else _row_to_dataset(row)

    def list_datasets(self) -> list[Dataset]:
        """Every saved dataset, the most recently saved first."""
        query = select(datasets).order_by(datasets.c.saved_at.desc(), datasets.c.id)
        with self.engine.connect() as connection:
            return [_row_to_dataset(row) for row in connection.execute(query)]

    def rename(self, dataset_id: int, name: str) -> None:
        name = name.strip()
        if not name:
            raise ValueError("a dataset needs a name")
        with self._transaction() as connection:
            connection.execute(
                update(datasets).where(datasets.c.id == dataset_id).values(name=name)
            )

    def delete(self, dataset_id: int) -> None:
        """Delete a dataset with its orders, report, survey and every link."""
        with self._transaction() as connection:
            for table in (links, orders_table, reports, surveys):
                connection.execute(
                    delete(table).where(table.c.dataset_id == dataset_id)
                )
            connection.execute(delete(datasets).where(datasets.c.id == dataset_id))

    def load(self, dataset_id: int) -> SalesLog:
        """The saved sales log: orders, mapping, report and columns as saved."""
        dataset = self.get(dataset_id)
        if dataset is None:
            raise KeyError(dataset_id)
        with self.engine.connect() as connection:
            stored = connection.execute(
                select(datasets.c.columns).where(datasets.c.id == dataset_id)
            ).scalar_one()
            optional = [c for c in OPTIONAL_COLUMNS if c in stored["orders"]]
            rows = connection.execute(
                select(*(orders_table.c[n] for n in ORDER_COLUMNS + optional))
                .where(orders_table.c.dataset_id == dataset_id)
                .order_by(orders_table.c.position)
            ).all()
            report_row = connection.execute(
                select(reports).where(reports.c.dataset_id == dataset_id)
            ).one()
        return SalesLog(
            orders=_orders_frame(rows, optional),
            mapping=ColumnMapping(**dataset.settings["mapping"]),
            report=_report_from_row(report_row, dataset.settings.get("timezone")),
            columns=tuple(stored["raw"]),
            content_hash=dataset.content_hash,
        )

    # the survey of a dataset

    def save_survey(
        self,
        dataset_id: int,
        survey: SurveyFile,
        responses: Responses,
        *,
        date_order: str = "auto",
        confirmed_scale: bool = False,
    ) -> bool:
        """Save ``survey``, mapped into ``responses``, with the dataset; return
        whether anything was written. The same content with the same columns,
        date order and confirmation is not written again; anything else
        replaces the dataset's survey."""
        if self.get(dataset_id) is None:
            raise KeyError(dataset_id)
        settings = _survey_settings(survey, responses, date_order, confirmed_scale)
        found = self._survey_row(dataset_id, surveys.c.content_hash, surveys.c.settings)
        if found is not None and tuple(found) == (survey.content_hash, settings):
            return False
        values = {
            "dataset_id": dataset_id,
            "content_hash": survey.content_hash,
            "name": survey.name[:200],
            "settings": settings,
            "cells": _pandas_parquet(survey.table),
            "responses": _pandas_parquet(responses.table),
            "answer_count": int((responses.table["status"] == "answer").sum()),
            "saved_at": utc_now(),
        }
        try:
            self._replace_survey(values)
        except IntegrityError:
            # Another tab saved a survey for this dataset at the same moment;
            # the later one replaces it, as it would a moment later.
            self._replace_survey(values)
        return True

    def _replace_survey(self, values: dict) -> None:
        with self._transaction() as connection:
            connection.execute(
                delete(surveys).where(surveys.c.dataset_id == values["dataset_id"])
            )
            connection.execute(insert(surveys).values(**values))

    def survey_saved_at(self, dataset_id: int) -> tuple[str, datetime] | None:
        """The content hash and time of the dataset's saved survey, if any (to
        tell whether a copy read earlier is still the saved one)."""
        row = self._survey_row(dataset_id, surveys.c.content_hash, surveys.c.saved_at)
        return None if row is None else (row.content_hash, row.saved_at)

    def load_survey(self, dataset_id: int) -> SavedSurvey | None:
        """The survey saved with the dataset, or None."""
        row = self._survey_row(dataset_id, *surveys.c)
        if row is None:
            return None
        settings = dict(row.settings)
        notices = settings["notices"]
        survey = SurveyFile(
            row.name,
            pd.read_parquet(io.BytesIO(row.cells)),
            tuple(notices["file"]),
            row.content_hash,
        )
        responses = Responses(
            pd.read_parquet(io.BytesIO(row.responses)),
            SurveyColumns(**settings["columns"]),
            tuple(notices["answers"]),
        )
        return SavedSurvey(
            dataset_id=dataset_id,
            name=row.name,
            content_hash=row.content_hash,
            survey=survey,
            responses=responses,
            date_order=settings["date_order"],
            confirmed_scale=settings["confirmed_scale"],
            answer_count=row.answer_count,
            saved_at=row.saved_at,
        )

    def delete_survey(self, dataset_id: int) -> None:
        with self._transaction() as connection:
            connection.execute(
                delete(surveys).where(surveys.c.dataset_id == dataset_id)
            )

    def _survey_row(self, dataset_id: int, *columns):
        query = select(*columns).where(surveys.c.dataset_id == dataset_id)
        with self.engine.connect() as connection:
            return connection.execute(query).first()

    # wrong passwords

    def password_lock(self, now: datetime | None = None) -> datetime | None:
        """Until when (UTC) the password box is closed, or None when it is
        open (see :func:`locked_until`)."""
        now = now or utc_now()
        query = select(password_failures.c.failed_at).where(
            password_failures.c.failed_at > now - PASSWORD_WINDOW
        )
        with self.engine.connect() as connection:
            failures = list(connection.execute(query).scalars())
        return locked_until(failures, now)

    def password_attempt(self, right: bool, now: datetime | None = None):
        """Take one typed password at ``now`` (``right`` says whether it matched)
        and return until when the box was closed to it, or None when it was
        taken. A wrong password that is taken counts as a failure; one that
        finds the box closed is neither taken nor counted.

        The failures are counted and the new one written in one transaction
        that holds the table's write lock, so passwords sent at the same moment
        from several tabs or server processes are counted one after another:
        five of them can be taken, never more. On SQLite the first statement,
        a delete, takes the database's write lock; PostgreSQL locks the table
        against other writers (readers of :meth:`password_lock` are not held).
        """
        now = now or utc_now()
        with self._transaction() as connection:
            if connection.dialect.name == "postgresql":
                connection.execute(
                    text("LOCK TABLE password_failures IN SHARE ROW EXCLUSIVE MODE")
                )
            connection.execute(
                delete(password_failures).where(
                    password_failures.c.failed_at <= now - PASSWORD_WINDOW
                )
            )
            query = select(password_failures.c.failed_at).where(
                password_failures.c.failed_at > now - PASSWORD_WINDOW
            )
            locked = locked_until(list(connection.execute(query).scalars()), now)
            if locked is None and not right:
                connection.execute(insert(password_failures).values(failed_at=now))
        return locked

    # share links

    def create_link(
        self,
        dataset_id: int,
        *,
        label: str = "",
        expires_at: datetime | None = None,
        mask_contacts: bool = True,
    ) -> tuple[str, ShareLink]:
        """A new read-only link: the token (shown once, never stored) and the link."""
        if self.get(dataset_id) is None:
            raise KeyError(dataset_id)
        token = secrets.token_urlsafe(TOKEN_BYTES)
        with self._transaction() as connection:
            link_id = connection.execute(
                insert(links).values(
                    dataset_id=dataset_id,
                    token_hash=token_hash(token),
                    label=label.strip(),
                    mask_contacts=mask_contacts,
                    created_at=utc_now(),
                    expires_at=expires_at,
                )
            ).inserted_primary_key[0]
        return token, self._link(links.c.id == link_id)

    def open_link(self, token: str, now: datetime | None = None) -> ShareLink:
        """The active link of ``token``; raises :class:`LinkRefused` otherwise."""
        link = self._link(links.c.token_hash == token_hash(token))
        if link is None:
            raise LinkRefused("unknown")
        status = link.status(now or utc_now())
        if status != "active":
            raise LinkRefused(status, link)
        return link

    def revoke_link(self, link_id: int) -> None:
        with self._transaction() as connection:
            connection.execute(
                update(links)
                .where(links.c.id == link_id, links.c.revoked_at.is_(None))
                .values(revoked_at=utc_now())
            )

    def links_for(self, dataset_id: int) -> list[ShareLink]:
        """Every link to a dataset, the newest first."""
        query = (
            select(links)
            .where(links.c.dataset_id == dataset_id)
            .order_by(links.c.created_at.desc(), links.c.id.desc())
        )
        with self.engine.connect() as connection:
            return [_row_to_link(row) for row in connection.execute(query)]

    def count_rows(self, dataset_id: int) -> dict[str, int]:
        """Rows each table holds for a dataset (what a delete must remove)."""
        with self.engine.connect() as connection:
            return {
                table.name: connection.execute(
                    select(func.count())
                    .select_from(table)
                    .where(table.c.dataset_id == dataset_id)
                ).scalar_one()
                for table in (orders_table, reports, surveys, links)
            }

    def _link(self, condition) -> ShareLink | None:
        with self.engine.connect() as connection:
            row = connection.execute(select(links).where(condition)).first()
        return None if row is None else _row_to_link(row)


def _sqlite_foreign_keys(connection, _record) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _dataset_values(log: SalesLog, settings: dict, now: datetime) -> dict:
    stamps = log.orders["timestamp"]
    optional = [c for c in OPTIONAL_COLUMNS if c in log.orders.columns]
    return {
        "settings": settings,
        "columns": {"raw": list(log.columns), "orders": optional},
        "order_count": order_figures(log.orders).orders,
        "first_order": stamps.min().to_pydatetime() if len(stamps) else None,
        "last_order": stamps.max().to_pydatetime() if len(stamps) else None,
        "saved_at": now,
    }


def _insert_contents(connection: Connection, dataset_id: int, log: SalesLog) -> None:
    for chunk in _order_records(log.orders):
        for record in chunk:
            record["dataset_id"] = dataset_id
        connection.execute(insert(orders_table), chunk)
    report = log.report
    connection.execute(
        insert(reports).values(
            dataset_id=dataset_id,
            row_table=_parquet(report.row_table),
            raw_table=_parquet(report.raw_table),
            figures={
                "notices": [[n.code, n.message] for n in report.notices],
                "orders_found": report.orders_found,
                "customers_found": report.customers_found,
                "guest_orders": report.guest_orders,
                "revenue": report.revenue,
                "currency": report.currency,
                "currencies": list(report.currencies),
                "date_order": report.date_order,
                "date_order_ambiguous": report.date_order_ambiguous,
                "timezone": report.timezone,
            },
        )
    )


def _pandas_parquet(frame: pd.DataFrame) -> bytes:
    """A pandas table as Parquet, its index and column types kept."""
    buffer = io.BytesIO()
    frame.to_parquet(buffer)
    return buffer.getvalue()


def _survey_settings(
    survey: SurveyFile, responses: Responses, date_order: str, confirmed_scale: bool
) -> dict:
    """How a survey was mapped, as its ``settings`` column stores it."""
    columns = responses.columns
    return {
        "columns": {
            role: getattr(columns, role)
            for role in ("score", "date", "customer", "location", "comment")
        },
        "date_order": date_order,
        "confirmed_scale": bool(confirmed_scale),
        "notices": {
            "file": list(survey.notices),
            "answers": list(responses.notices),
        },
    }


def _report_from_row(row, timezone: str | None = None) -> QualityReport:
    """The saved report; ``timezone`` (the dataset's setting) stands in for the
    zone of a report saved before reports kept the zone stamps were converted to."""
    figures = dict(row.figures)
    notices = [Notice(code, message) for code, message in figures.pop("notices")]
    if "timezone" not in figures:
        converted = any(notice.code == "time_zone_converted" for notice in notices)
        figures["timezone"] = timezone if converted else None
    if "currencies" not in figures:
        figures["currency"], figures["currencies"] = _saved_currencies(
            figures.get("currency"), notices
        )
    figures["currencies"] = tuple(figures["currencies"])
    return QualityReport(
        # a report saved before a repaired guest purchase or refund was
        # counted as repaired (not plain kept) is counted so too
        row_table=with_repaired_outcomes(pl.read_parquet(io.BytesIO(row.row_table))),
        raw_table=pl.read_parquet(io.BytesIO(row.raw_table)),
        notices=notices,
        **figures,
    )


# How a report saved before reports kept every currency named several.
_SEVERAL_CURRENCIES = re.compile(r"several currencies \(([A-Z]{3}(?:, [A-Z]{3})+)\)")


def _saved_currencies(
    currency: str | None, notices: list[Notice]
) -> tuple[str | None, tuple[str, ...]]:
    """The currency and currencies of a report saved before it kept the
    currencies: read from its note of several currencies, when it has one."""
    for notice in notices:
        found = _SEVERAL_CURRENCIES.search(notice.message)
        if notice.code == "currency" and found:
            return None, tuple(found[1].split(", "))
    return currency, (currency,) if currency else ()
