"""A throwaway PostgreSQL server of the test's own (initdb + pg_ctl on a free port), which a
test may stop and start again mid-run to see what the app does while the database is gone.

Needs the server binaries (Debian's postgresql package, which CI installs); PostgreSQL will
not run as root, so as root the cluster belongs to the postgres user.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from tests.support import missing
from tests.support.mail import free_port


def _bin_dir() -> Path | None:
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))
    return versions[-1].parent if versions else None


@dataclass
class Cluster:
    """A running throwaway server: `url` for SQLAlchemy, `stop()` and `start()` it."""

    bin_dir: Path
    data: Path
    port: int

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def _pg_ctl(self, *args: str) -> None:
        command = [str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "-w", "-t", "30", *args]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True)

    def start(self) -> None:
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.data}"
        self._pg_ctl("-o", options, "-l", str(self.data / "server.log"), "start")

    def stop(self) -> None:
        self._pg_ctl("-m", "fast", "stop")


@contextmanager
def throwaway_cluster() -> Iterator[Cluster]:
    """initdb a cluster in a folder of its own, start it, and remove it all afterwards.

    The folder is made directly under the temporary folder: pytest's own are private to the
    user running the tests, where the postgres user could not reach."""
    bin_dir = _bin_dir()
    if bin_dir is None or (os.geteuid() == 0 and shutil.which("runuser") is None):
        missing("PostgreSQL server binaries (Debian's postgresql package)")
    folder = Path(tempfile.mkdtemp(prefix="booking-pg-"))
    data = folder / "pgdata"
    data.mkdir()
    initdb = [str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust"]
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres")
        shutil.chown(data, "postgres")
        initdb = ["runuser", "-u", "postgres", "--", *initdb]
    subprocess.run([*initdb, "-E", "UTF8"], check=True, capture_output=True)
    cluster = Cluster(bin_dir, data, free_port())
    cluster.start()
    try:
        yield cluster
    finally:
        with suppress(subprocess.CalledProcessError):  # already stopped
            cluster.stop()
        shutil.rmtree(folder, ignore_errors=True)
