"""Every setting the owner can change, declared once with its default and help.

The app's sidebar, the URL's view parameters and the command line all read these.
"""

from __future__ import annotations

from dataclasses import dataclass

from retention.i18n import t


@dataclass(frozen=True)
class Setting:
    name: str
    default: object
    help: str


SETTINGS = {
    setting.name: setting
    for setting in [
        Setting("period", "month", "Length of one period: week, month, quarter, year."),
        Setting(
            "window",
            1,
            "Activity window k: a customer is lost after k periods without a purchase.",
        ),
        Setting("industry", "retail", "Industry whose benchmark the charts show."),
        Setting(
            "target",
            None,
            "Your own annual retention target in %, shown instead of the benchmark.",
        ),
        Setting("language", "en", "Language of the app."),
        Setting("timezone", None, "Shop time zone for stamps that carry an offset."),
    ]
}

MAX_WINDOW = 12


def default(name: str) -> object:
    return SETTINGS[name].default


def setting_help(name: str) -> str:
    return t(SETTINGS[name].help)
