"""Where kumokan may send a webhook: a refused address is refused when the URL is saved and again,
after resolving the name, at every delivery (the name may since point elsewhere).

A city's administrator types the URL, so it must not reach what only kumokan's own host can: the cloud
metadata service and other link-local addresses are always refused; loopback, private and other
non-public addresses too, unless the deployment lists their network in KUMOKAN_WEBHOOK_ALLOWED_NETWORKS
(a city's receiver inside its own network). Production settings accept https only, and only the ports
of KUMOKAN_WEBHOOK_ALLOWED_PORTS (80, 443 and 8443 by default). A refusal does not say which address
a name resolved to.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext_lazy

from kumokan.errors import WorkflowError

logger = logging.getLogger(__name__)

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# Metadata services outside the link-local ranges (AWS's IPv6 one, Alibaba Cloud's).
METADATA_ADDRESSES = frozenset(
    {ipaddress.ip_address("fd00:ec2::254"), ipaddress.ip_address("100.100.100.200")}
)
# IPv6 ranges that carry an IPv4 address in their last 32 bits and reach it through a translator
# (NAT64, RFC 6052 and 8215), or the deprecated IPv4-compatible ::a.b.c.d and translated ::ffff:0:a.b.c.d
# forms: Python calls them global whatever IPv4 address they hold, so that address is judged instead.
EMBEDDING_IPV4 = (
    ipaddress.ip_network("64:ff9b::/96"),
    ipaddress.ip_network("64:ff9b:1::/48"),
    ipaddress.ip_network("::/96"),
    ipaddress.ip_network("::ffff:0:0:0/96"),
)
# Site-local (deprecated, never public).
NEVER_PUBLIC = (ipaddress.ip_network("fec0::/10"),)


class Destination:
    """A checked URL: its scheme, host, port, the path with its query, and the addresses to connect to."""

    def __init__(self, scheme: str, host: str, port: int, target: str, addresses: list[IPAddress]) -> None:
        self.scheme = scheme
        self.host = host
        self.port = port
        self.target = target
        self.addresses = addresses


def address_refusal(address: IPAddress) -> str | None:
    """Why kumokan will not connect to `address` (English, for the operator's log), or None if it may."""
    if isinstance(address, ipaddress.IPv6Address):
        if any(address in network for network in NEVER_PUBLIC):
            return "an address that is not public (loopback, private or reserved)"
        if address.ipv4_mapped is not None:
            address = address.ipv4_mapped
        elif address.sixtofour is not None:
            address = address.sixtofour
        elif any(address in network for network in EMBEDDING_IPV4) and int(address) > 1:
            address = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    if address.is_link_local or address in METADATA_ADDRESSES:
        return "a link-local or metadata address"
    allowed = [ipaddress.ip_network(network) for network in settings.WEBHOOK_ALLOWED_NETWORKS]
    if any(address.version == network.version and address in network for network in allowed):
        return None
    if not address.is_global or address.is_multicast:
        return "an address that is not public (loopback, private or reserved)"
    return None


def check_url(url: str, *, resolve: bool = True) -> Destination:
    """The destination `url` names, or WorkflowError (code `url`) saying why kumokan will not send there."""
    parts = urlsplit(url.strip())
    schemes = ("https",) if settings.WEBHOOK_REQUIRE_HTTPS else ("https", "http")
    if parts.scheme not in schemes:
        raise WorkflowError(gettext_lazy("the receiver URL must start with https://"), code="url")
    if parts.username or parts.password:
        raise WorkflowError(gettext_lazy("the receiver URL may not hold a user name or password"), code="url")
    host = parts.hostname or ""
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as exc:
        raise WorkflowError(gettext_lazy("the receiver URL's port is not valid"), code="url") from exc
    if not host:
        raise WorkflowError(gettext_lazy("the receiver URL names no host"), code="url")
    if not any(low <= port <= high for low, high in settings.WEBHOOK_ALLOWED_PORTS):
        raise WorkflowError(
            gettext_lazy("the receiver URL may not name port %(port)s (allowed: %(allowed)s)"),
            code="url",
            params={"port": port, "allowed": allowed_ports()},
        )
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    if not resolve:
        return Destination(parts.scheme, host, port, target, [])
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise WorkflowError(
            gettext_lazy("the receiver host '%(host)s' does not resolve"), code="url", params={"host": host}
        ) from exc
    addresses = list(dict.fromkeys(ipaddress.ip_address(info[4][0].split("%")[0]) for info in found))
    for address in addresses:
        reason = address_refusal(address)
        if reason is not None:
            # Only that it is refused: the address a name resolves to inside kumokan's network is not
            # the administrator's to learn (the operator's log has it).
            logger.warning("webhook receiver %r refused: it resolves to %s, %s", host, address, reason)
            raise WorkflowError(
                gettext_lazy("the receiver '%(host)s' has an address kumokan may not send to"),
                code="url",
                params={"host": host},
            )
    return Destination(parts.scheme, host, port, target, addresses)


def allowed_ports() -> str:
    """The ports a receiver URL may name, as the deployment set them (443, 8443, 9000-9010)."""
    return ", ".join(
        str(low) if low == high else f"{low}-{high}" for low, high in settings.WEBHOOK_ALLOWED_PORTS
    )
