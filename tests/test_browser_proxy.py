"""F18 through the shipped proxy: Debian's nginx runs ``deploy/nginx.conf``
(rendered for test ports, a throw-away certificate and a temporary folder for
its pid, logs and buffers, so no root is needed) in front of the test server.
Chromium uploads the 11.3 MB file of the case through it, over TLS and the
WebSocket, and the app reads all 400,000 rows. The limit the uploader states
is the one the proxy applies: a body of exactly that many megabytes is let
through, one byte more is refused."""

from __future__ import annotations

import re
import shutil
import socket
import ssl
import subprocess
import time
import tomllib
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlparse

import pytest
from conftest import (
    REPO_ROOT,
    SHARED_DIR,
    _free_port,
    _skip_or_fail,
    _stop,
    wait_for_app,
)

NGINX = "/usr/sbin/nginx"
F18_ROWS = 400_000
F18_BYTES = 11_888_934
START_TIMEOUT_S = 30


def f18_file(path: Path) -> Path:
    """The F18 upload, made by the case's rule from its seed."""
    lines = ["order_id,customer_id,order_date,amount"]
    first = date(2024, 1, 1)
    lines += [
        f"{i},C{i % 5000:04d},{first + timedelta(days=i % 90)},19.90"
        for i in range(1, F18_ROWS + 1)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def upload_limit_mb() -> int:
    config = tomllib.loads((REPO_ROOT / ".streamlit" / "config.toml").read_text())
    return config["server"]["maxUploadSize"]


def _replace_once(text: str, pattern: str, new: str) -> str:
    found = len(re.findall(pattern, text, flags=re.M))
    assert found == 1, f"deploy/nginx.conf should have one line matching {pattern}"
    return re.sub(pattern, new, text, flags=re.M)


def render_site(
    text: str, *, https_port: int, http_port: int, app_port: int, folder: Path
) -> str:
    """The shipped site with test ports and certificate, and nothing else
    changed."""
    text = _replace_once(
        text, r"^(\s*)listen 443 ssl;", rf"\1listen 127.0.0.1:{https_port} ssl;"
    )
    text = _replace_once(text, r"^(\s*)listen 80;", rf"\1listen 127.0.0.1:{http_port};")
    text = _replace_once(
        text, r"^(\s*ssl_certificate)\s+\S+;", rf"\1 {folder / 'cert.pem'};"
    )
    text = _replace_once(
        text, r"^(\s*ssl_certificate_key)\s+\S+;", rf"\1 {folder / 'key.pem'};"
    )
    return _replace_once(
        text,
        r"proxy_pass http://127\.0\.0\.1:8501;",
        f"proxy_pass http://127.0.0.1:{app_port};",
    )


def main_config(folder: Path) -> str:
    """What /etc/nginx/nginx.conf gives the site, with every path in
    ``folder``: one process, in the foreground, as the user who starts it."""
    return f"""
daemon off;
master_process off;
pid {folder}/nginx.pid;
error_log {folder}/error.log info;
events {{ worker_connections 128; }}
http {{
    access_log {folder}/access.log;
    client_body_temp_path {folder}/client_body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    include {folder}/regulars.conf;
}}
"""


def _certificate(folder: Path) -> None:
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
            "-keyout",
            str(folder / "key.pem"),
            "-out",
            str(folder / "cert.pem"),
        ],
        check=True,
        capture_output=True,
    )


def _wait_for_port(port: int, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"nginx did not start: {log.read_text(errors='replace')[-2000:]}")


@pytest.fixture(scope="module")
def proxy(app_server, tmp_path_factory) -> Iterator[dict]:
    """nginx with the shipped site in front of the test server: its HTTPS and
    HTTP addresses and its folder."""
    if not Path(NGINX).exists():
        _skip_or_fail(
            f"nginx is not installed at {NGINX}; install it with "
            "`apt-get install nginx` to run the proxy test"
        )
    if shutil.which("openssl") is None:
        _skip_or_fail("openssl is not installed (`apt-get install openssl`)")
    folder = tmp_path_factory.mktemp("nginx")
    _certificate(folder)
    https_port, http_port = _free_port(), _free_port()
    site = render_site(
        (REPO_ROOT / "deploy" / "nginx.conf").read_text(),
        https_port=https_port,
        http_port=http_port,
        app_port=urlparse(app_server).port,
        folder=folder,
    )
    (folder / "regulars.conf").write_text(site)
    (folder / "nginx.conf").write_text(main_config(folder))
    log = folder / "error.log"
    check = subprocess.run(
        [NGINX, "-t", "-p", str(folder), "-c", "nginx.conf", "-e", str(log)],
        capture_output=True,
        text=True,
    )
    assert check.returncode == 0, check.stderr
    process = subprocess.Popen(
        [NGINX, "-p", str(folder), "-c", "nginx.conf", "-e", str(log)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    try:
        _wait_for_port(https_port, process, log)
        yield {
            "https": f"https://127.0.0.1:{https_port}",
            "http": f"http://127.0.0.1:{http_port}",
            "https_port": https_port,
            "folder": folder,
        }
    finally:
        _stop(process)


def test_the_f18_file_uploads_through_the_proxy_and_every_row_is_read(
    proxy, chromium_browser, tmp_path
):
    upload = f18_file(tmp_path / "F18_pos_export.csv")
    assert upload.stat().st_size == F18_BYTES
    seed = SHARED_DIR / "cases" / "inputs" / "F18_upload_seed.csv"
    if seed.exists():
        assert upload.read_text().startswith(seed.read_text())

    context = chromium_browser.new_context(
        viewport={"width": 1400, "height": 1000}, ignore_https_errors=True
    )
    try:
        page = context.new_page()
        page.goto(proxy["https"], wait_until="domcontentloaded")
        text = wait_for_app(page, timeout_s=120)
        assert "Do your customers come back?" in text
        limit = upload_limit_mb()
        dropzone = page.locator('[data-testid="stSidebar"] section').filter(
            has=page.locator('input[type="file"]')
        )
        assert f"{limit}MB per file" in dropzone.first.inner_text()

        page.locator('[data-testid="stSidebar"] input[type="file"]').set_input_files(
            str(upload)
        )
        page.get_by_text(re.compile("Saved as|uploaded this file before")).wait_for(
            timeout=240_000
        )
        text = wait_for_app(page, timeout_s=180)
        assert "413" not in text and "Request Entity Too Large" not in text
        assert not page.locator('[data-testid="stException"]').count()
        metrics = {
            m.locator('[data-testid="stMetricLabel"]').inner_text().strip(): (
                m.locator('[data-testid="stMetricValue"]').inner_text().strip()
            )
            for m in page.locator('[data-testid="stMetric"]').all()
        }
        assert metrics["Orders"] == "400,000"
        assert metrics["Customers"] == "5,000"
        assert metrics["Revenue"] == "7,960,000.00"
        assert metrics["Average order value"] == "19.90"
        assert metrics["Repeat purchase rate"] == "100.00 %"
    finally:
        context.close()
    access_log = (proxy["folder"] / "access.log").read_text()
    assert re.search(r'"PUT /_stcore/upload_file/\S+ HTTP/1\.1" 20\d ', access_log)


def _proxy_answer(port: int, content_length: int) -> str:
    """The proxy's first answer to an upload of ``content_length`` bytes that
    waits for its go-ahead (``Expect: 100-continue``): nginx says ``100`` when
    it will take the body, ``413`` when the body is too large."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    with (
        socket.create_connection(("127.0.0.1", port), timeout=30) as raw,
        context.wrap_socket(raw, server_hostname="127.0.0.1") as tls,
    ):
        tls.sendall(
            (
                "PUT /_stcore/upload_file/none/none HTTP/1.1\r\n"
                "Host: 127.0.0.1\r\n"
                "Content-Type: multipart/form-data; boundary=x\r\n"
                f"Content-Length: {content_length}\r\n"
                "Expect: 100-continue\r\n\r\n"
            ).encode()
        )
        return tls.recv(200).decode("latin-1").split("\r\n")[0]


def test_the_stated_upload_limit_is_the_proxys_limit(proxy):
    limit_bytes = upload_limit_mb() * 1024 * 1024  # how Streamlit counts a MB
    assert _proxy_answer(proxy["https_port"], limit_bytes).split()[1] == "100"
    refused = _proxy_answer(proxy["https_port"], limit_bytes + 1)
    assert refused.split()[1] == "413", refused


def test_plain_http_is_sent_to_https(proxy):
    with socket.create_connection(
        ("127.0.0.1", urlparse(proxy["http"]).port), timeout=10
    ) as connection:
        connection.sendall(b"GET /retention?period=month HTTP/1.1\r\nHost: a.b\r\n\r\n")
        answer = connection.recv(1000).decode("latin-1")
    assert answer.startswith("HTTP/1.1 301")
    assert "Location: https://a.b/retention?period=month" in answer
