"""Debian's nginx in a temporary folder, with kb's deploy/nginx.conf: for the tests and
bench/scale.py. Not a fixture module: import `nginx` and `NGINX`."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

from deflection.serve import nginx_config

NGINX = shutil.which("nginx") or next(
    (p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if Path(p).is_file()), None)
MIME_TYPES = Path("/etc/nginx/mime.types")


def main_config(workdir: Path, site_conf: Path, workers: int) -> str:
    temp = workdir / "temp"
    temps = "\n".join(f"    {kind}_temp_path {temp / kind};"
                      for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    # as root, nginx's workers would drop to `nobody`, who cannot read a 0700 temp folder
    user = "user root;\n" if os.geteuid() == 0 else ""
    mime = f"    include {MIME_TYPES};\n" if MIME_TYPES.is_file() else \
        "    types { text/html html; text/css css; application/javascript js; }\n"
    return (f"{user}worker_processes {workers};\npid {workdir / 'nginx.pid'};\n"
            f"error_log {workdir / 'error.log'} warn;\n"
            "events { worker_connections 4096; }\n"
            f"http {{\n{mime}    default_type application/octet-stream;\n{temps}\n"
            f"    include {site_conf};\n}}\n")


@contextlib.contextmanager
def nginx(workdir: Path, site_root: Path, upstreams: list[str], port: int,
          workers: int = 1) -> Iterator[str]:
    """nginx on 127.0.0.1:port in front of `upstreams`; yields its base URL."""
    assert NGINX, "nginx is not installed"
    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / "temp").mkdir(exist_ok=True)
    site_conf = workdir / "kb.conf"
    site_conf.write_text(nginx_config(site_root, upstreams, f"127.0.0.1:{port}"))
    conf = workdir / "nginx.conf"
    conf.write_text(main_config(workdir, site_conf, workers))
    base = [NGINX, "-p", str(workdir), "-e", str(workdir / "error.log"), "-c", str(conf)]
    check = subprocess.run([*base, "-t"], capture_output=True, text=True)
    assert check.returncode == 0, f"nginx -t refused the config:\n{check.stderr}"
    server = subprocess.Popen([*base, "-g", "daemon off;"], stdout=subprocess.DEVNULL,
                              stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                log = workdir / "error.log"
                assert server.poll() is None and time.monotonic() < deadline, \
                    f"nginx did not start:\n{log.read_text() if log.is_file() else ''}"
                time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.send_signal(signal.SIGQUIT)  # graceful: finish what is in flight
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
