"""`safesurgeries registry export FILE` and `safesurgeries registry import FILE`."""

from pathlib import Path

import click
from flask.cli import with_appcontext

from .archive import BackupError, export_registry, import_registry


@click.group("registry", help="Back up and restore the registry.")
def registry_cli():
    pass


@registry_cli.command("export")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--with-password-hashes",
    is_flag=True,
    help="Include staff password hashes (otherwise restored staff cannot sign in until given a password).",
)
@with_appcontext
def export_command(file: Path, with_password_hashes: bool):
    """Write practices, pledges, listings, staff, the outbox and the audit log to FILE as JSON."""
    text = export_registry(with_password_hashes)
    file.write_text(text, encoding="utf-8")
    click.echo(
        f"Wrote the registry to {file}{' (with staff password hashes: keep it safe)' if with_password_hashes else ''}."
    )


@registry_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def import_command(file: Path):
    """Load a backup FILE into an empty, migrated database (all or nothing)."""
    try:
        loaded = import_registry(file.read_text(encoding="utf-8"))
    except (BackupError, UnicodeDecodeError) as error:
        raise click.ClickException(str(error)) from None
    click.echo("Imported " + ", ".join(f"{count} {name}" for name, count in loaded.items()) + ".")
