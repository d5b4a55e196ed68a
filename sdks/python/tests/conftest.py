"""Starts the real `tokenvault` binary (TOKENVAULT_BIN) on a fresh data directory and a free
port, with the credentials `tokenvault init --json` prints."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from typing import Iterator

import httpx
import pytest

from tokenvault import TokenVault


@dataclass(frozen=True)
class Server:
    base_url: str
    api_key: str
    admin_jwt: str


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def server() -> Iterator[Server]:
    yield from _serve("")


@pytest.fixture(scope="session")
def limited_server() -> Iterator[Server]:
    """A server whose tokenize limit is one call a minute per user."""
    yield from _serve("[rate_limits.tokenize]\nper_user = 1\nper_tenant = 100\n")


def _serve(config: str) -> Iterator[Server]:
    binary = os.environ.get("TOKENVAULT_BIN")
    if not binary:
        raise RuntimeError("set TOKENVAULT_BIN to the tokenvault binary (cargo test does)")
    with tempfile.TemporaryDirectory() as data:
        conf = os.path.join(data, "tokenvault.toml")
        with open(conf, "w", encoding="utf-8") as f:
            f.write(config)
        boot = json.loads(
            subprocess.run(
                [binary, "--data-dir", data, "init", "--json"],
                check=True,
                capture_output=True,
            ).stdout
        )
        port = _free_port()
        proc = subprocess.Popen(
            [binary, "--config", conf, "--data-dir", data, "serve", "--listen", f"127.0.0.1:{port}"],
            env={**os.environ, "TOKENVAULT_LOG": "warn"},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    if httpx.get(f"{base}/api/v1/tokens/health").status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError("the server did not start")
                time.sleep(0.05)
            yield Server(base, boot["api_key"], boot["admin_jwt"])
        finally:
            proc.kill()
            proc.wait()


HIPAA = {
    "id": "pol_hipaa",
    "name": "HIPAA",
    "type_rules": {"us_ssn": {}, "email": {}},
    "allowed_roles": ["admin"],
    "allowed_purposes": ["customer_support"],
    "require_reason": False,
}

SUPPORT_INTAKE = {
    "name": "Support Intake",
    "key": "support-intake",
    "allowed_roles": ["admin"],
    "allowed_purposes": ["customer_support"],
    "detection": {
        "categories": ["email", "phone", "creditCard", "iban", "ipAddress", "tc_kimlik"],
        "languages": ["global", "tr"],
        "blocking": ["creditCard"],
        "default_action": "redact",
    },
}


@pytest.fixture(scope="session")
def client(server: Server) -> TokenVault:
    """A client with both credentials, and the seeds' two policies in place."""
    c = TokenVault(api_key=server.api_key, jwt=server.admin_jwt, base_url=server.base_url)
    c.create_policy(HIPAA)
    c.create_policy(SUPPORT_INTAKE)
    return c
