"""A complete, versioned JSON backup of the registry: `safesurgeries registry export` and `registry import`."""

from flask import Flask

from .archive import BackupError, export_registry, import_registry
from .cli import registry_cli

__all__ = ["BackupError", "export_registry", "import_registry", "init_app"]


def init_app(app: Flask) -> None:
    app.cli.add_command(registry_cli)
