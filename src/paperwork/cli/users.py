"""Commands over the web page's users and document restrictions: ``user …``, ``archive restrict``.

Thin: parse, call ``paperwork.users``, format. Every change is an audit event (written by the library).
"""

from __future__ import annotations

import json
import sys

import click

from ..errors import InputError
from ..i18n import N_, _
from . import cli, get_workspace
from .archive import archive

_ROLES = ("van-thu", "luu-tru", "lanh-dao", "quan-tri")


def _read_password(from_stdin: bool) -> str:
    """The password from standard input (one line, for scripts) or typed twice at a hidden prompt."""
    if from_stdin:
        text = sys.stdin.readline().rstrip("\r\n")
        if not text:
            raise InputError(_("no password on standard input"), field="--password-stdin")
        return text
    return click.prompt(_("Password"), hide_input=True, confirmation_prompt=True)


@cli.group("user")
def user() -> None:
    """Users of the web page (paperwork serve): roles, passwords, API tokens.

    Roles: van-thu (văn thư: issue, register incoming, upload scans), luu-tru (lưu trữ:
    dossiers, retention, transfer), lanh-dao (lãnh đạo: read and search only), quan-tri
    (quản trị: users and settings). Every role reads and searches what is not restricted.

    Example:

    \b
        paperwork user add lan --role van-thu --display-name "Nguyễn Thị Lan"
        paperwork user list
    """


@user.command("add")
@click.argument("name")
@click.option("--role", required=True, type=click.Choice(_ROLES), help=N_("What the user may do."))
@click.option("--display-name", help=N_("The name shown on the pages (default: NAME)."))
@click.option("--password-stdin", is_flag=True, help=N_("Read the password from standard input (else a hidden prompt)."))
@click.pass_context
def add(ctx, name, role, display_name, password_stdin) -> None:
    """Add a user who signs in to the web page as NAME.

    Example:

    \b
        paperwork user add lan --role van-thu --display-name "Nguyễn Thị Lan"
        printf '%s\\n' "$PASSWORD" | paperwork user add hung --role lanh-dao --password-stdin
    """
    from ..users import add_user, check_name, check_role

    ws = get_workspace(ctx)
    check_name(name), check_role(role)  # before asking for a password
    created = add_user(ws, name, role, _read_password(password_stdin), display_name=display_name)
    click.echo(_("user {name} ({role}) added").format(name=created.name, role=created.role))


@user.command("list")
@click.option("--json", "as_json", is_flag=True, help=N_("Print the users as JSON."))
@click.pass_context
def list_(ctx, as_json) -> None:
    """List the users, their roles and whether they are disabled.

    Example:

    \b
        paperwork user list
    """
    from ..users import list_users

    users = list_users(get_workspace(ctx))
    if as_json:
        click.echo(json.dumps([u.as_dict() for u in users], ensure_ascii=False, indent=2))
        return
    for u in users:
        state = "  " + _("(disabled)") if u.disabled else ""
        click.echo(f"{u.name:<20} {u.role:<9} {u.display_name}{state}")


@user.command("disable")
@click.argument("name")
@click.option("--enable", is_flag=True, help=N_("Enable the user again."))
@click.pass_context
def disable(ctx, name, enable) -> None:
    """Stop NAME signing in (her sessions and API tokens stop working at once).

    Example:

    \b
        paperwork user disable lan
        paperwork user disable lan --enable
    """
    from ..users import disable_user

    disable_user(get_workspace(ctx), name, disabled=not enable)
    click.echo((_("user {name} enabled") if enable else _("user {name} disabled")).format(name=name))


@user.command("password")
@click.argument("name")
@click.option("--password-stdin", is_flag=True, help=N_("Read the password from standard input (else a hidden prompt)."))
@click.pass_context
def password(ctx, name, password_stdin) -> None:
    """Set a new password for NAME.

    Example:

    \b
        paperwork user password lan
    """
    from ..users import set_password

    set_password(get_workspace(ctx), name, _read_password(password_stdin))
    click.echo(_("password of {name} changed").format(name=name))


@user.command("token")
@click.argument("name")
@click.pass_context
def token(ctx, name) -> None:
    """Print a new API token for NAME, once (only its hash is kept): for scripts and the
    province's e-office system (Authorization: Bearer TOKEN).

    Example:

    \b
        paperwork user token eoffice
    """
    from ..users import new_token

    click.echo(new_token(get_workspace(ctx), name))


@archive.command("restrict")
@click.argument("doc_id", metavar="ID", type=int)
@click.option("--to", "to", multiple=True, metavar="ROLE|USER",
              help=N_("A role (van-thu, luu-tru, lanh-dao, quan-tri) or a user who may read it; repeat for more."))
@click.option("--open", "open_", is_flag=True, help=N_("Lift the restriction: every user may read it."))
@click.pass_context
def restrict(ctx, doc_id, to, open_) -> None:
    """Restrict (hạn chế) document ID to the roles and users named: nobody else finds it in
    the web page's search or opens it (no role passes over a restriction, quản trị included).

    Example:

    \b
        paperwork archive restrict 42 --to luu-tru
        paperwork archive restrict 42 --to luu-tru --to hung
        paperwork archive restrict 42 --open
    """
    from ..users import restrict as restrict_document

    found = restrict_document(get_workspace(ctx), doc_id, to, open_=open_)
    if found is None:
        click.echo(_("document {doc_id} is open to every user").format(doc_id=doc_id))
    else:
        click.echo(_("document {doc_id} restricted to {who}").format(doc_id=doc_id, who=", ".join([*found.roles, *found.users])))
