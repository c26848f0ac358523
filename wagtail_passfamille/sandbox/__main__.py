"""``python -m wagtail_passfamille.sandbox --port 8765``: run the sandbox until Ctrl-C."""

from __future__ import annotations

import argparse
import signal
import sys
import threading

from .faults import parse_fault
from .franceconnect import FC_CLIENT_ID, FC_CLIENT_SECRET
from .server import Sandbox
from .tokens import DEFAULT_OAUTH_CLIENT_ID, DEFAULT_OAUTH_CLIENT_SECRET, DEFAULT_TOKEN


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m wagtail_passfamille.sandbox",
        description="Bac à sable local d'API Particulier, d'API Impôt particulier et de "
        "FranceConnect.",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--fault", help='panne pour toutes les requêtes, ex. "latency=200"')
    parser.add_argument("--verbose", action="store_true", help="journaliser chaque requête")
    parser.add_argument(
        "--fc-redirect-uri",
        action="append",
        metavar="URI",
        help="adresse de retour FranceConnect déclarée (exacte ; répétable ; par défaut celles "
        "de make demo)",
    )
    parser.add_argument(
        "--fc-post-logout-redirect-uri",
        action="append",
        metavar="URI",
        help="adresse de retour après la déconnexion FranceConnect (exacte ; répétable)",
    )
    args = parser.parse_args(argv)
    fault = parse_fault(args.fault) if args.fault else None
    sandbox = Sandbox(
        args.host,
        args.port,
        verbose=args.verbose,
        fc_redirect_uris=args.fc_redirect_uri,
        fc_logout_uris=args.fc_post_logout_redirect_uri,
    )
    sandbox.set_fault(fault)
    sandbox.start()
    print(f"Bac à sable API : {sandbox.url}", flush=True)
    print(f"  API_PARTICULIER_URL={sandbox.url}")
    print(f"  API_PARTICULIER_TOKEN={DEFAULT_TOKEN}")
    print("  API_PARTICULIER_RECIPIENT=13002526500013")
    print(f"  IMPOT_PARTICULIER_URL={sandbox.impot_url}")
    print(f"  IMPOT_PARTICULIER_TOKEN_URL={sandbox.token_url}")
    print(f"  IMPOT_PARTICULIER_CLIENT_ID={DEFAULT_OAUTH_CLIENT_ID}")
    print(f"  IMPOT_PARTICULIER_CLIENT_SECRET={DEFAULT_OAUTH_CLIENT_SECRET}")
    print(f"  FRANCECONNECT_ISSUER={sandbox.fc_issuer}")
    print(f"  FRANCECONNECT_CLIENT_ID={FC_CLIENT_ID}")
    print(f"  FRANCECONNECT_CLIENT_SECRET={FC_CLIENT_SECRET}")
    uris = sorted(sandbox.franceconnect.clients[FC_CLIENT_ID].redirect_uris)
    print(f"  adresses de retour FranceConnect : {' '.join(uris)}", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        stop.wait()
    except KeyboardInterrupt:
        pass
    sandbox.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
