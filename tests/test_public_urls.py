"""The public address printed in the certificate's QR code: doctor says when it is not one anybody can reach."""

import pytest

from safesurgeries import create_app
from safesurgeries.public_urls import production_configuration, qr_base_url_problem

FIX = "set SAFESURGERIES_PUBLIC_BASE_URL to the address people use to reach the site"


@pytest.mark.parametrize(
    ("base_url", "why"),
    [
        ("http://127.0.0.1:5000", "is not set"),
        ("http://localhost:8000", "not a public name"),
        ("https://127.0.0.2", "loopback or private"),
        ("http://[::1]:5000", "loopback or private"),
        ("http://0.0.0.0", "loopback or private"),
        ("https://10.1.2.3", "loopback or private"),
        ("https://172.16.0.9/registry", "loopback or private"),
        ("http://192.168.1.20", "loopback or private"),
        ("http://169.254.1.1", "loopback or private"),
        ("https://web", "not a public name"),
        ("https://surgery.local", "not a public name"),
        ("https://safesurgeries.example.org", "not a public name"),
        ("ftp://safesurgeries.org.uk", "not an http:// or https:// address"),
        ("safesurgeries.org.uk", "not an http:// or https:// address"),
        ("https://[::1", "is not a URL"),
    ],
)
def test_an_address_nobody_else_can_reach_fails_doctor(app, runner, base_url, why):
    app.config["PUBLIC_BASE_URL"] = base_url
    assert why in qr_base_url_problem(app)
    result = runner.invoke(args=["doctor"])
    assert result.exit_code == 1
    line = next(line for line in result.output.splitlines() if "Public address" in line)
    assert line.startswith("[MISSING] Public address (the certificate's QR code): ") and why in line and FIX in line


@pytest.mark.parametrize("base_url", ["https://safesurgeries.org.uk", "http://registry.nhs.uk/safe", "https://8.8.8.8"])
def test_a_public_address_passes(app, runner, base_url):
    app.config["PUBLIC_BASE_URL"] = base_url
    assert qr_base_url_problem(app) is None
    result = runner.invoke(args=["doctor"])
    assert f"[ok] Public address (the certificate's QR code): {base_url}" in result.output


def test_the_default_address_is_reported_when_the_variable_is_unset(tmp_path, monkeypatch):
    monkeypatch.setenv("SAFESURGERIES_INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("SAFESURGERIES_PUBLIC_BASE_URL", raising=False)
    assert "SAFESURGERIES_PUBLIC_BASE_URL is not set, so it is http://127.0.0.1:5000" in qr_base_url_problem(
        create_app({"TESTING": True})
    )
    monkeypatch.setenv("SAFESURGERIES_PUBLIC_BASE_URL", "https://safesurgeries.org.uk/")
    assert qr_base_url_problem(create_app({"TESTING": True})) is None


def test_production_is_known_by_a_database_server(tmp_path, monkeypatch):
    monkeypatch.setenv("SAFESURGERIES_INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("SAFESURGERIES_DATABASE_URL", raising=False)
    assert not production_configuration(create_app({"TESTING": True}))
    monkeypatch.setenv("SAFESURGERIES_DATABASE_URL", "postgresql+psycopg://safesurgeries@db.internal/safesurgeries")
    assert production_configuration(create_app({"TESTING": True}))
