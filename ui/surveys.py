"""The survey behind the NPS page and the report, and its place in the store.

- The owner sees the survey uploaded in this session, else the one saved with
  the dataset in the sidebar's uploader, else the bundled sample. A survey the
  owner looks at on the NPS page is saved with that dataset (the sample sales
  log is never saved, so neither is a survey shown with it), with the columns,
  date order and scale confirmation chosen, so the dataset's share links show
  the same NPS.
- A partner sees the survey saved with the link's dataset, read-only: the
  answers as mapped, with emails and phone numbers masked as in the orders
  (:func:`retention.privacy.mask_responses`) when the link masks them, and
  never the cells of the file as uploaded.
"""

from __future__ import annotations

from dataclasses import astuple, dataclass, replace
from datetime import datetime

import pandas as pd
import streamlit as st

from retention.nps import NPSResult
from retention.privacy import mask_responses
from retention.store import SavedSurvey
from retention.survey import Responses, SurveyFile
from ui import access, data, saved
from ui.store import dataset_store

UPLOAD, SAVED, SAMPLE = "upload", "saved", "sample"
CONFIRMED_KEY = "nps_scale_confirmed"


@dataclass(frozen=True)
class ShownSurvey:
    """The owner's survey: where it comes from (``upload``, ``saved`` or
    ``sample``) and, for a saved one, whether its 0-10 scale was confirmed."""

    survey: SurveyFile
    kind: str
    confirmed_scale: bool = False


def owner_survey() -> ShownSurvey:
    """The owner's current survey; raises ``ValueError`` (with a message for
    the owner) for an upload that cannot be read."""
    kept = st.session_state.get(data.SURVEY_FILE_KEY)
    if kept is not None:
        return ShownSurvey(data.load_survey(kept.name, kept.content), UPLOAD)
    dataset_id = saved.current_dataset_id()
    stamp = None if dataset_id is None else dataset_store().survey_saved_at(dataset_id)
    if stamp is not None:
        found = _saved_survey(dataset_id, *stamp)
        chosen = st.session_state.get(data.SURVEY_COLUMNS_KEY, {})
        if chosen.get("content_hash") != found.content_hash:
            columns = vars(found.responses.columns)
            data.choose_survey_columns(found.survey, dict(columns))
        return ShownSurvey(found.survey, SAVED, found.confirmed_scale)
    source = data.current_survey_source()
    return ShownSurvey(data.load_survey(source.name, source.content), SAMPLE)


@st.cache_resource(show_spinner=False, max_entries=8)
def _saved_survey(dataset_id: int, content_hash: str, saved_at: datetime):
    """The saved survey, read from the database once per saved version."""
    return dataset_store().load_survey(dataset_id)


def save_with_dataset(
    shown: ShownSurvey, responses: Responses, confirmed_scale: bool
) -> str | None:
    """Save the owner's survey with the current dataset (nothing is written
    when it is saved as it is); return the dataset's name, or None when there
    is no saved dataset to keep it with."""
    dataset_id = saved.current_dataset_id()
    if shown.kind == SAMPLE or dataset_id is None:
        return None
    store = dataset_store()
    store.save_survey(
        dataset_id,
        shown.survey,
        responses,
        date_order=st.session_state.get(data.DATE_ORDER_KEY, "auto"),
        confirmed_scale=confirmed_scale,
    )
    dataset = store.get(dataset_id)
    return None if dataset is None else dataset.name


def remove_survey() -> None:
    """Back to the sample: forget this session's upload and take the survey
    off the current dataset (its links then show no NPS)."""
    data.forget_survey_upload()
    st.session_state.pop(CONFIRMED_KEY, None)
    dataset_id = saved.current_dataset_id()
    if dataset_id is not None:
        dataset_store().delete_survey(dataset_id)


def shared_survey() -> SavedSurvey | None:
    """A partner's survey: the one saved with the link's dataset, masked as
    the link says; None when none is saved (or for the owner)."""
    granted = access.current_access()
    if not granted.is_partner:
        return None
    dataset = granted.dataset
    stamp = dataset_store().survey_saved_at(dataset.id)
    if stamp is None:
        return None
    return _shared_survey(
        dataset.id,
        dataset.content_hash,
        dataset.saved_at,
        *stamp,
        granted.link.mask_contacts,
    )


@st.cache_resource(show_spinner=False, max_entries=8)
def _shared_survey(
    dataset_id: int,
    content_hash: str,
    saved_at: datetime,
    survey_hash: str,
    survey_saved_at: datetime,
    masked: bool,
) -> SavedSurvey | None:
    found = dataset_store().load_survey(dataset_id)
    if found is None:
        return None
    responses = found.responses
    if masked:
        masks = access.contact_masks_of(dataset_id, content_hash, saved_at)
        responses = replace(responses, table=mask_responses(responses.table, masks))
    # The cells as uploaded are the owner's: a partner gets only the answers.
    cells = pd.DataFrame(index=found.survey.table.index[:0])
    return replace(
        found, survey=replace(found.survey, table=cells), responses=responses
    )


def report_nps() -> NPSResult | None:
    """The NPS a workbook of the current view carries: :func:`current_nps`,
    but none when the owner's own sales log would be sent with the bundled
    sample survey, which is not their customers' answers."""
    try:
        sample = (
            not access.current_access().is_partner and owner_survey().kind == SAMPLE
        )
    except ValueError:
        return None  # the NPS page says what is wrong with the survey
    if sample and not data.current_source().is_sample:
        return None
    return current_nps()


def current_nps() -> NPSResult | None:
    """The NPS the NPS page shows: the partner's saved survey, or the owner's
    current one; None when there is none, or when its scale needs a
    confirmation nobody gave. Worked out once per survey and choice of
    columns, since every page's sidebar asks for it."""
    try:
        if access.current_access().is_partner:
            found = shared_survey()
            if found is None:
                return None
            key = ("shared", found.dataset_id, found.content_hash, found.saved_at)
            result = _nps_of(key, found.confirmed_scale, found.responses)
        else:
            shown = owner_survey()
            columns = data.survey_columns(shown.survey)
            responses = data.responses(shown.survey, columns)
            confirmed = st.session_state.get(CONFIRMED_KEY, shown.confirmed_scale)
            key = (shown.survey.content_hash, astuple(columns))
            result = _nps_of(key, confirmed, responses)
    except ValueError:
        return None
    if result.nps is None or result.needs_scale_confirmation:
        return None
    return result


@st.cache_resource(show_spinner=False, max_entries=16)
def _nps_of(key: tuple, confirmed: bool, _responses: Responses) -> NPSResult:
    return _responses.result(confirmed_scale=confirmed)
