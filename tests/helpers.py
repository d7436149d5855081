"""Small helpers shared by tests that start real processes."""

import email
import email.message
import email.policy
import fcntl
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]


def koppel_env(**settings: str) -> dict[str, str]:
    """The environment for a `koppel` subprocess: none of ours leak in, development mode (as
    `make demo` runs it), plus the given KOPPEL_* settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KOPPEL_")}
    return env | {"KOPPEL_ENV": "development"} | settings


def demo_database(tmp_path_factory, name: str) -> str:
    """A SQLite URL to a fresh copy of the demo as `koppel db upgrade` and `koppel demo load`
    leave it (as `make demo` does): the commands run once for the whole run, under xdist for
    every worker together, and each served demo gets a copy of their file."""
    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent  # the workers' common directory
    built = shared / "koppel-demo.db"
    with open(shared / "koppel-demo.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not built.exists():
            partial = shared / f"koppel-demo-{os.getpid()}.db"
            env = koppel_env(KOPPEL_DATABASE_URL=f"sqlite:///{partial}")
            for args in (["db", "upgrade"], ["demo", "load"]):
                subprocess.run([sys.executable, "-m", "services.cli", *args], cwd=ROOT, env=env,
                               check=True, capture_output=True)
            # SQLite's backup, not a file copy: the demo is partly still in the write-ahead log.
            source, target = sqlite3.connect(partial), sqlite3.connect(f"{partial}.copy")
            source.backup(target)
            source.close()
            target.close()
            os.replace(f"{partial}.copy", built)
    copy = tmp_path_factory.mktemp(name) / "demo.db"
    shutil.copyfile(built, copy)
    return f"sqlite:///{copy}"


def free_port() -> int:
    """A TCP port on the loopback that is free right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_http(url: str, timeout: float = 90.0, alive=lambda: True) -> None:
    """Poll url until it answers 200; fail when the time is up or alive() turns false."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline or not alive():
            raise AssertionError(f"{url} did not come up")
        time.sleep(0.2)


class Inbox:
    """An aiosmtpd handler keeping every received message, parsed."""

    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's API
        self.messages.append(email.message_from_bytes(envelope.content,
                                                      policy=email.policy.default))
        return "250 OK"


def plain_text(message: email.message.EmailMessage) -> str:
    """The decoded plain-text part of a message."""
    return message.get_body(preferencelist=("plain",)).get_content()
