"""Find an Odoo 18, give it a PostgreSQL, run it, read its log.

Shared by ``tests/odoo_suite.py`` (``make test``) and ``scripts/demo.py``
(``make demo``). Standard library only, so it runs before anything else is
installed; psycopg2 is imported only once an Odoo (which needs it) is found.
"""

import ast
import contextlib
import glob
import os
import pathlib
import pwd
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field

REPO = pathlib.Path(__file__).resolve().parent.parent
ADDON = "kundenbindung_addon"
ADDON_DIR = REPO / ADDON
# development only (generator, bulk loader and their test): installed beside
# the addon by the Odoo suite and make demo, never shipped in its wheel
DEMO_ADDON = "kundenbindung_demo"
ADDONS = (ADDON, DEMO_ADDON)
ODOO_MAJOR = 18

SKIP_LINE = "SKIPPED Odoo suite: no Odoo 18 found (set ODOO_PATH)"


# ---------------------------------------------------------------- discovery


@dataclass
class Odoo:
    version: str
    source: str  # folder that holds the ``odoo`` package
    addons_paths: list = field(default_factory=list)
    python: str = sys.executable

    def command(self, *args):
        """Command line that runs Odoo's CLI with ``args``."""
        return [self.python, "-c", "import odoo.cli; odoo.cli.main()", *args]

    def env(self):
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [self.source, env.get("PYTHONPATH")]))
        return env


def _release_version(release_py):
    """Read ``version_info`` from odoo/release.py without importing Odoo."""
    text = pathlib.Path(release_py).read_text(encoding="utf-8")
    match = re.search(r"^version_info\s*=\s*\((\d+),\s*(\d+)", text, re.M)
    if not match:
        return None
    return int(match.group(1)), int(match.group(2))


def _core_addons(source):
    paths = [os.path.join(source, "odoo", "addons"), os.path.join(source, "addons")]
    return [p for p in paths if os.path.isdir(p)]


def find_odoo(environ=None, python=sys.executable):
    """Return an :class:`Odoo` or ``None``.

    ``ODOO_PATH`` (a source tree with ``odoo-bin``) wins; otherwise an
    ``odoo`` package importable by ``python``. Only major version 18 counts.
    """
    environ = os.environ if environ is None else environ
    odoo_path = environ.get("ODOO_PATH")
    candidates = []
    if odoo_path:
        candidates.append(os.path.abspath(os.path.expanduser(odoo_path)))
    else:
        probe = subprocess.run(
            [python, "-c", "import odoo, os; print(os.path.dirname(os.path.dirname(odoo.__file__)))"],
            capture_output=True,
            text=True,
            check=False,
        )
        if probe.returncode == 0 and probe.stdout.strip():
            candidates.append(probe.stdout.strip().splitlines()[-1])
    for source in candidates:
        release_py = os.path.join(source, "odoo", "release.py")
        if not os.path.isfile(release_py):
            continue
        if odoo_path and not os.path.isfile(os.path.join(source, "odoo-bin")):
            continue
        version = _release_version(release_py)
        if not version or version[0] != ODOO_MAJOR:
            continue
        return Odoo(
            version="%s.%s" % version,
            source=source,
            addons_paths=_core_addons(source) + [str(REPO)],
            python=python,
        )
    return None


HOW_TO_GET_ODOO = (
    "ODOO_PATH must point to an Odoo 18.0 source tree: the folder that holds odoo-bin and the odoo package "
    "(odoo/release.py with version 18). Get it with\n"
    "    git clone --depth 1 --branch 18.0 https://github.com/odoo/odoo.git ~/odoo-18\n"
    "    pip install -r ~/odoo-18/requirements.txt\n"
    "and run again with ODOO_PATH=~/odoo-18 (or install Odoo 18 so that `import odoo` works)."
)


def odoo_problem(environ=None, python=sys.executable):
    """None if :func:`find_odoo` finds Odoo 18, else why not and how to get
    it, in words a user can act on (for ``make demo`` before it installs
    anything)."""
    environ = os.environ if environ is None else environ
    if find_odoo(environ, python) is not None:
        return None
    odoo_path = environ.get("ODOO_PATH")
    if not odoo_path:
        reason = "ODOO_PATH is not set and no `odoo` package can be imported."
    else:
        source = os.path.abspath(os.path.expanduser(odoo_path))
        release_py = os.path.join(source, "odoo", "release.py")
        if not os.path.isdir(source):
            reason = "ODOO_PATH=%s is not a folder." % odoo_path
        elif not os.path.isfile(release_py):
            reason = "ODOO_PATH=%s has no odoo/release.py: it is not an Odoo source tree." % odoo_path
        elif not os.path.isfile(os.path.join(source, "odoo-bin")):
            reason = "ODOO_PATH=%s has no odoo-bin." % odoo_path
        else:
            version = _release_version(release_py)
            reason = "ODOO_PATH=%s holds Odoo %s, not %s." % (
                odoo_path,
                "%s.%s" % version if version else "of an unknown version",
                ODOO_MAJOR,
            )
    return "%s\n%s" % (reason, HOW_TO_GET_ODOO)


def addon_version():
    manifest = ast.literal_eval((ADDON_DIR / "__manifest__.py").read_text(encoding="utf-8"))
    return manifest["version"]


# --------------------------------------------------------------- PostgreSQL


def free_port(host="127.0.0.1"):
    with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def postgres_bindir():
    """Folder of Debian's PostgreSQL server binaries (newest version)."""
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda p: int(re.search(r"/(\d+)/bin", p).group(1)),
    )
    if found:
        return os.path.dirname(found[-1])
    initdb = shutil.which("initdb")
    if initdb:
        return os.path.dirname(os.path.realpath(initdb))
    raise RuntimeError(
        "PostgreSQL server binaries not found: install Debian's 'postgresql' package "
        "or give database settings (ODOO_DB_HOST, ODOO_DB_PORT, ODOO_DB_USER, ODOO_DB_PASSWORD)"
    )


@dataclass
class Database:
    host: str
    port: int
    user: str
    password: str = ""

    def odoo_args(self):
        args = ["--db_host", self.host, "--db_port", str(self.port), "--db_user", self.user]
        if self.password:
            args += ["--db_password", self.password]
        return args

    def connect(self, dbname):
        import psycopg2  # noqa: PLC0415 - only once an Odoo (which needs it) was found

        return psycopg2.connect(
            host=self.host, port=self.port, user=self.user, password=self.password or None, dbname=dbname
        )


def database_from_env(environ=None):
    environ = os.environ if environ is None else environ
    if not environ.get("ODOO_DB_HOST"):
        return None
    return Database(
        host=environ["ODOO_DB_HOST"],
        port=int(environ.get("ODOO_DB_PORT", "5432")),
        user=environ.get("ODOO_DB_USER", "odoo"),
        password=environ.get("ODOO_DB_PASSWORD", ""),
    )


class Cluster:
    """A PostgreSQL cluster of our own on a loopback port.

    PostgreSQL refuses to run as root, so as root the server runs as the
    ``postgres`` system user (Debian's package creates it) or ``nobody``.
    The database superuser is ``odoo`` with trust authentication on
    127.0.0.1 only.
    """

    def __init__(self, folder, port=None):
        self.folder = pathlib.Path(folder)
        self.data = self.folder / "data"
        self.log = self.folder / "postgres.log"
        self.port = port or free_port()
        self.bindir = postgres_bindir()
        self.run_as = None
        if os.geteuid() == 0:
            for name in ("postgres", "nobody"):
                with contextlib.suppress(KeyError):
                    self.run_as = pwd.getpwnam(name)
                    break

    def _run(self, *args, check=True):
        kwargs = {}
        if self.run_as:
            kwargs = {"user": self.run_as.pw_uid, "group": self.run_as.pw_gid, "extra_groups": []}
        return subprocess.run(
            [os.path.join(self.bindir, args[0]), *args[1:]],
            check=check,
            capture_output=True,
            text=True,
            cwd=self.folder,
            **kwargs,
        )

    def _own(self):
        if self.run_as:
            for path in [self.folder, *self.folder.rglob("*")]:
                with contextlib.suppress(FileNotFoundError):
                    os.chown(path, self.run_as.pw_uid, self.run_as.pw_gid, follow_symlinks=False)

    def init(self):
        self.folder.mkdir(parents=True, exist_ok=True)
        os.chmod(self.folder, 0o700)
        self._own()
        if not (self.data / "PG_VERSION").exists():
            self._run("initdb", "-D", str(self.data), "-U", "odoo", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8")
        return self

    def start(self, fast=True):
        options = [
            "-c listen_addresses=127.0.0.1",
            "-p %d" % self.port,
            "-k %s" % self.folder,
            "-c max_connections=100",
        ]
        if fast:
            # throwaway data: durability buys nothing here
            options += ["-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off"]
        self._own()
        result = self._run(
            "pg_ctl",
            "-D",
            str(self.data),
            "-l",
            str(self.log),
            "-w",
            "-t",
            "60",
            "-o",
            " ".join(options),
            "start",
            check=False,
        )
        if result.returncode != 0:
            log = self.log.read_text(errors="replace")[-2000:] if self.log.exists() else ""
            raise RuntimeError("PostgreSQL did not start:\n%s\n%s\n%s" % (result.stdout, result.stderr, log))
        return Database(host="127.0.0.1", port=self.port, user="odoo")

    def database(self):
        """The :class:`Database` of this cluster, once it runs."""
        return Database(host="127.0.0.1", port=self.port, user="odoo")

    def running(self):
        return self._run("pg_ctl", "-D", str(self.data), "status", check=False).returncode == 0

    def stop(self):
        if self.data.exists():
            self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop", check=False)


@contextlib.contextmanager
def throwaway_database(environ=None):
    """Yield a :class:`Database`: the one given by ``ODOO_DB_*`` or a new
    cluster in a temporary folder that is stopped and removed afterwards."""
    given = database_from_env(environ)
    if given:
        yield given
        return
    folder = tempfile.mkdtemp(prefix="kundenbindung-pg-")
    cluster = Cluster(folder)
    try:
        cluster.init()
        yield cluster.start()
    finally:
        cluster.stop()
        shutil.rmtree(folder, ignore_errors=True)


# ------------------------------------------------------------ the Odoo log

LOG_LINE = re.compile(
    r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ (?P<level>DEBUG|INFO|WARNING|ERROR|CRITICAL) "
    r"(?P<db>\S+) (?P<logger>[\w.]+): (?P<message>.*)$"
)
RESULT = re.compile(r"(?P<failed>\d+) failed, (?P<errors>\d+) error\(s\) of (?P<tests>\d+) tests")
STATS = re.compile(r"^(?P<module>\w+): (?P<tests>\d+) tests ")


@dataclass
class LogReport:
    tests: int = 0
    failed: int = 0
    errors: int = 0
    result_seen: bool = False
    error_lines: list = field(default_factory=list)
    addon_warnings: list = field(default_factory=list)
    tests_by_module: dict = field(default_factory=dict)

    @property
    def passed(self):
        return max(self.tests - self.failed - self.errors, 0)


def read_log(lines, addons=ADDONS):
    """Read Odoo's log: the test result line, the tests run per module,
    every ERROR/CRITICAL line, and warnings that come from or name one of
    ``addons``."""
    report = LogReport()
    for raw in lines:
        line = raw.rstrip("\n")
        match = LOG_LINE.match(line)
        if not match:
            continue
        level, logger, message = match.group("level"), match.group("logger"), match.group("message")
        if logger == "odoo.tests.result":
            result = RESULT.search(message)
            if result:
                report.result_seen = True
                report.tests = int(result.group("tests"))
                report.failed = int(result.group("failed"))
                report.errors = int(result.group("errors"))
        elif logger == "odoo.tests.stats":
            stats = STATS.match(message)
            if stats:
                report.tests_by_module[stats.group("module")] = int(stats.group("tests"))
        if level in ("ERROR", "CRITICAL"):
            report.error_lines.append(line)
        elif level == "WARNING" and any(
            logger.startswith("odoo.addons.%s" % addon) or addon in message for addon in addons
        ):
            report.addon_warnings.append(line)
    return report


def wait_for_http(port, timeout=120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.closing(socket.socket()) as sock:
            sock.settimeout(1)
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return True
        time.sleep(0.5)
    return False
