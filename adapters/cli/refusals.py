"""A CLI action on bootstrapped services: refused input exits 2 with the reason, no traceback."""

import argparse
import sys
from collections.abc import Callable

from adapters.bootstrap import Services, bootstrap
from adapters.runtime.embedded import database_url_for
from adapters.runtime.settings import Settings
from dispatch.errors import NotFound

Action = Callable[[argparse.Namespace, Services], None]


def run_refusing(command: str, action: Action, args: argparse.Namespace,
                 settings: Settings) -> None:
    """Run `action` on the services; a ValueError is refused input: say why, exit 2."""
    services = bootstrap(settings, database_url_for(settings))
    try:
        action(args, services)
    except ValueError as exc:
        print(f"liftrescue {command} {args.action}: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
    finally:
        services.close()


def unit_known(services: Services) -> Callable[[str], bool]:
    """A predicate: is this maintenance unit id registered? (the registry decides)"""

    def known(unit_id: str) -> bool:
        try:
            services.registry.unit(unit_id)
        except NotFound:
            return False
        return True

    return known
