"""`liftrescue tokens create|revoke|list`: API tokens (only their hashes are stored)."""

import argparse
from uuid import UUID

from adapters.bootstrap import bootstrap
from adapters.postgres.tokens import ROLES
from adapters.runtime.embedded import database_url_for
from adapters.runtime.settings import Settings


def run(args: argparse.Namespace, settings: Settings) -> None:
    services = bootstrap(settings, database_url_for(settings))
    try:
        store = services.tokens
        if args.action == "create":
            token, principal = store.create(role=args.role, name=args.name, unit_id=args.unit)
            print(f"token id {principal.token_id} for {principal.subject} (shown once):")
            print(token)
        elif args.action == "revoke":
            revoked = store.revoke(UUID(args.token_id))
            print("revoked" if revoked else "no such active token")
        else:
            for row in store.list():
                state = "revoked" if row["revoked_at"] else "active"
                print(f"{row['id']}  {row['subject']:<30} {row['role']:<9} "
                      f"{row['unit_id'] or '-':<38} {state}")
    finally:
        services.close()


def register(sub: argparse._SubParsersAction) -> None:
    tokens = sub.add_parser("tokens", help="create, revoke or list API tokens")
    actions = tokens.add_subparsers(dest="action", required=True)
    create = actions.add_parser("create", help="issue a token (printed once)")
    create.add_argument("--role", choices=ROLES, required=True)
    create.add_argument("--unit", help="maintenance unit id (role unit only)")
    create.add_argument("--name", default="cli", help="who the token is for (recorded on events)")
    revoke = actions.add_parser("revoke", help="revoke a token by its id")
    revoke.add_argument("token_id")
    actions.add_parser("list", help="list tokens (never their values)")
    tokens.set_defaults(run=run)
