"""`safesurgeries staff create EMAIL --role reviewer|admin`."""

import sys

import click
from flask.cli import with_appcontext

from .accounts import AccountError, create_staff
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
