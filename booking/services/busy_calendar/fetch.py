"""Reading a calendar address over HTTP without letting it become a way into internal hosts.

Each hop's host is resolved here (within the deadline), every address it resolves to is vetted
(no loopback, private, link-local, shared, reserved or multicast address unless private
networks are allowed), and the connection goes to the vetted address itself, so a second DNS
answer cannot send it elsewhere. Redirects are followed by hand, a few at most, each vetted the
same way. The whole read has a deadline, and the body is streamed and dropped as soon as it
passes the size limit.
"""

from __future__ import annotations

import base64
import ipaddress
import socket
import threading
import time
from dataclasses import dataclass
from urllib.parse import unquote, urljoin, urlsplit

import certifi
import urllib3
from urllib3.exceptions import HTTPError, NewConnectionError, TimeoutError

from booking.domain.busy_calendar import SCHEMES, ReadProblem

MAX_REDIRECTS = 3
USER_AGENT = "booking-busy-calendar/1 (+reads a therapist's own calendar as busy time)"
_CHUNK = 64 * 1024


class ReadFailed(Exception):
    """The address could not be read; `problem` says what kind of failure it was."""

    def __init__(self, problem: ReadProblem, detail: str = "") -> None:
        super().__init__(problem.value if not detail else f"{problem.value}: {detail}")
        self.problem = problem


@dataclass(frozen=True)
class Limits:
    """How a read is bounded."""

    timeout_seconds: float = 20.0
    max_bytes: int = 5_000_000
    allow_private: bool = False


@dataclass(frozen=True)
class Fetched:
    """A read's outcome: a new body (with the validators to send next time), or not modified."""

    body: bytes | None  # None: 304, the copy we have is current
    etag: str | None = None
    last_modified: str | None = None


def is_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """Whether an IP address is on the public internet (not loopback, private and the like)."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast


def _resolve(host: str, port: int, timeout: float) -> list:
    """getaddrinfo within `timeout` seconds: the system resolver has no deadline of its own,
    so it runs on a thread of its own that is left behind if it hangs."""
    found: dict[str, object] = {}

    def look_up() -> None:
        try:
            found["infos"] = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError) as problem:
            found["problem"] = problem

    thread = threading.Thread(target=look_up, name="busy-calendar-dns", daemon=True)
    thread.start()
    thread.join(timeout)
    if thread.is_alive():
        raise ReadFailed(ReadProblem.TIMED_OUT, "name lookup")
    if "problem" in found:
        raise ReadFailed(ReadProblem.UNREACHABLE, "name not found")
    return found["infos"]  # type: ignore[return-value]


def vetted_address(host: str, port: int, allow_private: bool, timeout: float = 10.0) -> str:
    """The IP address to connect to for `host`, after checking every address it resolves to."""
    infos = _resolve(host, port, timeout)
    addresses = [ipaddress.ip_address(info[4][0].split("%", 1)[0]) for info in infos]
    if not addresses:
        raise ReadFailed(ReadProblem.UNREACHABLE, "no address")
    if not allow_private and not all(is_public(address) for address in addresses):
        raise ReadFailed(ReadProblem.REFUSED_ADDRESS)
    return str(addresses[0])


def fetch(
    address: str,
    limits: Limits,
    etag: str | None = None,
    last_modified: str | None = None,
) -> Fetched:
    """Read a calendar address, conditionally when validators are given; ReadFailed if not."""
    deadline = time.monotonic() + limits.timeout_seconds
    url = address
    for _hop in range(MAX_REDIRECTS + 1):
        response = _request(url, limits, deadline, etag, last_modified)
        try:
            if response.status in (301, 302, 303, 307, 308):
                location = response.headers.get("Location")
                if not location:
                    raise ReadFailed(ReadProblem.SERVER_ERROR, "redirect without location")
                url = urljoin(url, location)
                continue
            if response.status == 304:
                return Fetched(None, etag, last_modified)
            if response.status in (401, 403, 404, 410):
                raise ReadFailed(ReadProblem.NOT_FOUND, str(response.status))
            if response.status != 200:
                raise ReadFailed(ReadProblem.SERVER_ERROR, str(response.status))
            body = _read_body(response, limits.max_bytes, deadline)
            return Fetched(
                body, response.headers.get("ETag"), response.headers.get("Last-Modified")
            )
        finally:
            response.release_conn()
            response.close()
    raise ReadFailed(ReadProblem.TOO_MANY_REDIRECTS)


def _request(
    url: str, limits: Limits, deadline: float, etag: str | None, last_modified: str | None
) -> urllib3.BaseHTTPResponse:
    """One GET to the vetted address of `url`'s host, without following redirects."""
    parts = urlsplit(url)
    scheme = SCHEMES.get(parts.scheme.lower())
    try:
        host, port = parts.hostname, parts.port
    except ValueError:
        host = port = None
    if scheme is None or not host:
        raise ReadFailed(ReadProblem.NOT_FOUND, "not an http address")
    port = port or (443 if scheme == "https" else 80)
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise ReadFailed(ReadProblem.TIMED_OUT)
    ip = vetted_address(host, port, limits.allow_private, remaining)
    headers = {
        "Host": parts.netloc.rsplit("@", 1)[-1],
        "User-Agent": USER_AGENT,
        "Accept": "text/calendar, */*;q=0.5",
        "Accept-Encoding": "identity",
    }
    if parts.username is not None:  # a calendar server on the practice's network may ask
        credentials = f"{unquote(parts.username)}:{unquote(parts.password or '')}"
        headers["Authorization"] = "Basic " + base64.b64encode(credentials.encode()).decode()
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    timeout = urllib3.Timeout(connect=min(remaining, 10.0), read=remaining)
    if scheme == "https":
        pool: urllib3.HTTPConnectionPool = urllib3.HTTPSConnectionPool(
            ip,
            port,
            timeout=timeout,
            retries=False,
            cert_reqs="CERT_REQUIRED",
            ca_certs=certifi.where(),
            assert_hostname=host,
            server_hostname=host,
        )
    else:
        pool = urllib3.HTTPConnectionPool(ip, port, timeout=timeout, retries=False)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        return pool.urlopen(
            "GET",
            path,
            headers=headers,
            redirect=False,
            preload_content=False,
            assert_same_host=False,
        )
    except NewConnectionError:  # refused or no route (urllib3 files it under time-outs)
        raise ReadFailed(ReadProblem.UNREACHABLE, "no connection") from None
    except TimeoutError:
        raise ReadFailed(ReadProblem.TIMED_OUT) from None
    except (HTTPError, OSError) as problem:
        raise ReadFailed(ReadProblem.UNREACHABLE, type(problem).__name__) from None


def _read_body(response: urllib3.BaseHTTPResponse, max_bytes: int, deadline: float) -> bytes:
    """The body, streamed: stops past `max_bytes` or the deadline."""
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise ReadFailed(ReadProblem.TOO_LARGE)
    chunks: list[bytes] = []
    size = 0
    try:
        # read1 hands back what has arrived, so a server sending a byte at a time still
        # meets the deadline between reads.
        while chunk := response.read1(_CHUNK):
            size += len(chunk)
            if size > max_bytes:
                raise ReadFailed(ReadProblem.TOO_LARGE)
            if time.monotonic() > deadline:
                raise ReadFailed(ReadProblem.TIMED_OUT)
            chunks.append(chunk)
    except TimeoutError:
        raise ReadFailed(ReadProblem.TIMED_OUT) from None
    except (HTTPError, OSError) as problem:
        raise ReadFailed(ReadProblem.UNREACHABLE, type(problem).__name__) from None
    return b"".join(chunks)
