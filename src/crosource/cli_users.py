"""`crosource user add`: accounts of the web application, made from the command line.

There is no default account and no default password: the first owner is made here, with the
password read from standard input (typed twice at a terminal, or piped by a script).
"""

from __future__ import annotations

import getpass
import sys
from enum import StrEnum
from typing import Annotated

import typer
from rich.console import Console

from crosource.io.errors import InvalidInput
from crosource.store.db import URL_VARIABLE, make_engine, session_factory
from crosource.store.errors import NotFound, StoreError
from crosource.store.migrate import upgrade
from crosource.store.users import add_member, check_password, create_user, user_by_email
from crosource.store.workspaces import create_workspace, workspace_by_name

user_app = typer.Typer(
    no_args_is_help=True, help="Accounts of the web application: add a user to a workspace."
)
err = Console(stderr=True, highlight=False, soft_wrap=True)


class Role(StrEnum):
    owner = "owner"
    analyst = "analyst"
    viewer = "viewer"
    provider = "provider"


def read_password(email: str) -> str:
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass(f"Password for {email}: ")
    check_password(first)
    if getpass.getpass("Again: ") != first:
        raise InvalidInput.single("password", "the two passwords differ; nothing was changed")
    return first


@user_app.command("add")
def add(
    email: Annotated[str, typer.Argument(help="The user's email address: their sign-in name.")],
    role: Annotated[Role, typer.Option("--role", help="The user's role in the workspace.")],
    workspace: Annotated[
        str, typer.Option("--workspace", help="Workspace name; made if it does not exist.")
    ],
    provider: Annotated[
        str | None,
        typer.Option("--provider", help="For the provider role: the provider id they act for."),
    ] = None,
    database: Annotated[
        str | None,
        typer.Option(
            "--database", help=f"Database URL; default ${URL_VARIABLE} or ./crosource.db."
        ),
    ] = None,
) -> None:
    """Add a user to a workspace (password from standard input for a new user)."""
    engine = make_engine(database)
    upgrade(engine)
    try:
        with session_factory(engine)() as session:
            user = user_by_email(session, email=email)
            if user is None:
                user = create_user(session, email=email, password=read_password(email))
                made_user = True
            else:
                made_user = False
            made_workspace = False
            try:
                space = workspace_by_name(session, name=workspace)
            except NotFound:
                space = create_workspace(session, name=workspace)
                made_workspace = True
            add_member(
                session,
                user_id=user.id,
                workspace_id=space.id,
                role=role.value,
                provider_id=provider,
            )
            session.commit()
    except StoreError as exc:
        raise InvalidInput.single("user add", f"{exc}; nothing was changed") from None
    finally:
        engine.dispose()
    if made_workspace:
        err.print(f"Made workspace {workspace!r}.")
    what = "Made user" if made_user else "Added existing user"
    err.print(f"{what} {user.email} as {role.value} of {workspace!r}.")
