"""`liftrescue users create|list|disable`: console users (people; tokens are for machines)."""

import argparse
import getpass
import sys

from adapters.bootstrap import Services
from adapters.cli.refusals import run_refusing, unit_known
from adapters.postgres.tokens import ROLES
from adapters.runtime.settings import Settings


def read_password(args: argparse.Namespace) -> str:
    """The new user's password: one line of stdin, or typed twice at a prompt (never echoed)."""
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("密码 Password: ")
    if getpass.getpass("再次输入 Again: ") != first:
        raise ValueError("password: the two entries differ")
    return first


def run(args: argparse.Namespace, settings: Settings) -> None:
    run_refusing("users", _run, args, settings)


def _run(args: argparse.Namespace, services: Services) -> None:
    users = services.users
    if args.action == "create":
        user = users.create(username=args.username, password=read_password(args),
                            role=args.role, unit_id=args.unit, created_by="cli",
                            unit_known=unit_known(services))
        print(f"created {user.username} ({user.role}); log in at /console/login")
    elif args.action == "disable":
        if not users.disable(args.username):
            raise ValueError(f"no enabled user {args.username!r}")
        print(f"disabled {args.username}; their sessions ended")
    else:
        for user in users.users():
            state = "disabled" if user.disabled else "active"
            print(f"{user.username:<24} {user.role:<9} {user.unit_id or '-':<38} {state}")


def register(sub: argparse._SubParsersAction) -> None:
    users = sub.add_parser("users", help="create, list or disable console users")
    actions = users.add_subparsers(dest="action", required=True)
    create = actions.add_parser("create", help="a console user (e.g. the first admin)")
    create.add_argument("--username", required=True)
    create.add_argument("--role", choices=ROLES, required=True)
    create.add_argument("--unit", help="maintenance unit id (role unit only)")
    create.add_argument("--password-stdin", action="store_true",
                        help="read the password from the first line of stdin (no prompt)")
    disable = actions.add_parser("disable", help="disable a user; their sessions end at once")
    disable.add_argument("--username", required=True)
    actions.add_parser("list", help="list users (never their passwords)")
    users.set_defaults(run=run)
