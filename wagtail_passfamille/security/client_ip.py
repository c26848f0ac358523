"""The citizen's IP address, trusting X-Forwarded-For only from configured proxies."""

from __future__ import annotations

import ipaddress

from wagtail_passfamille.conf import get_setting


def _in(address: str, networks) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    for network in networks:
        try:
            if ip in ipaddress.ip_network(network, strict=False):
                return True
        except ValueError:
            continue
    return False


def client_ip(request) -> str:
    """REMOTE_ADDR, or the last untrusted hop of X-Forwarded-For behind trusted proxies."""
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = get_setting("TRUSTED_PROXIES")
    if not proxies or not _in(remote, proxies):
        return remote
    hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
    for hop in reversed(hops):
        if not _in(hop, proxies):
            return hop
    return remote
