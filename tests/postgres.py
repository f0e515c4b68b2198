"""A throwaway PostgreSQL server on loopback for the tests (Debian's ``postgresql`` package).

PostgreSQL refuses to run as root, so when the tests run as root the server
runs as the ``postgres`` user that the Debian package creates.
"""
import getpass
import glob
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path


def postgres_bin():
    """The folder with initdb and pg_ctl, or None when PostgreSQL is not installed."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PostgresServer:
    def __init__(self):
        self.bin = postgres_bin()
        self.dir = Path(tempfile.mkdtemp(prefix="rnn-course-pg-"))
        self.port = _free_port()
        self.as_user = ["runuser", "-u", "postgres", "--"] if getpass.getuser() == "root" else []
        if self.as_user:
            shutil.chown(self.dir, "postgres")

    def _run(self, *argv):
        subprocess.run([*self.as_user, *map(str, argv)], check=True, capture_output=True, timeout=120)

    def start(self):
        data = self.dir / "data"
        self._run(self.bin / "initdb", "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8")
        options = f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.dir} -c fsync=off"
        self._run(self.bin / "pg_ctl", "-D", data, "-o", options, "-l", self.dir / "log", "-w", "start")
        return self

    def create_database(self, name):
        self._run(self.bin / "createdb", "-h", "127.0.0.1", "-p", self.port, "-U", "postgres", name)
        return f"postgresql://postgres@127.0.0.1:{self.port}/{name}"

    def stop(self):
        try:
            self._run(self.bin / "pg_ctl", "-D", self.dir / "data", "-m", "immediate", "stop")
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)


def require_postgres(pytest):
    """Skip where PostgreSQL is not installed, except in CI, where .ci/run installs it."""
    if postgres_bin() is None:
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL is not installed: .ci/run should have installed Debian's postgresql")
        pytest.skip("PostgreSQL is not installed (apt-get install postgresql)")
