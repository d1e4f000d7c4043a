"""F18: the upload limit is set explicitly, and the proxy configuration that
ships with the app lets uploads of that size through."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
# nginx sizes: bytes without a unit, k, m or g; 0 means no limit.
MB_PER_UNIT = {"": 1 / 1024**2, "k": 1 / 1024, "m": 1, "g": 1024}


def upload_limit_mb() -> int:
    config = tomllib.loads((REPO / ".streamlit" / "config.toml").read_text())
    return config["server"]["maxUploadSize"]


def test_the_upload_limit_is_set_explicitly():
    assert upload_limit_mb() == 200


def test_every_shipped_proxy_allows_at_least_the_upload_limit():
    configs = sorted((REPO / "deploy").glob("*.conf"))
    assert configs, "a proxy configuration ships in deploy/"
    for config in configs:
        sizes = re.findall(
            r"^\s*client_max_body_size\s+(\d+)([kmg]?);", config.read_text(), re.M
        )
        assert sizes, f"{config.name} sets client_max_body_size"
        for number, unit in sizes:
            allowed_mb = int(number) * MB_PER_UNIT[unit.lower()] or float("inf")
            assert allowed_mb >= upload_limit_mb(), config.name


def test_the_app_listens_behind_the_proxy_on_loopback_only():
    proxy = (REPO / "deploy" / "nginx.conf").read_text()
    assert "proxy_pass http://127.0.0.1:8501;" in proxy
    assert 'proxy_set_header Connection "upgrade";' in proxy  # the WebSocket


def test_a_failure_shows_the_browser_no_traceback():
    from streamlit import config as streamlit_config

    config = tomllib.loads((REPO / ".streamlit" / "config.toml").read_text())
    value = config["client"]["showErrorDetails"]
    assert value == "none"
    # a value this Streamlit knows, so it is not ignored or refused at start
    assert value in {
        option.value for option in streamlit_config.ShowErrorDetailsConfigOptions
    }
