"""`safesurgeries staff create EMAIL --role reviewer|admin` and `staff set-password EMAIL`."""

import sys

import click
from flask.cli import with_appcontext

from .accounts import AccountError, create_staff, set_password
from .models import StaffRole


@click.group("staff", help="Staff accounts.")
def staff_cli():
    pass


@staff_cli.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice([r.value for r in StaffRole]), required=True)
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of standard input.")
@with_appcontext
def create_command(email: str, role: str, password_stdin: bool):
    """Create a staff account; the password is asked for (twice) unless --password-stdin."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = create_staff(email, password, StaffRole(role))
    except AccountError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Created a {user.role.value} account for {user.email}.")


@staff_cli.command("set-password")
@click.argument("email")
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of standard input.")
@with_appcontext
def set_password_command(email: str, password_stdin: bool):
    """Give an account a new password (for example after `registry import` of a backup without hashes)."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("New password", hide_input=True, confirmation_prompt=True)
    try:
        user = set_password(email, password)
    except AccountError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Set a new password for {user.email}; any session it had is signed out.")
