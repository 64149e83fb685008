"""Whole-database backups: SQLite's online backup API, or pg_dump/pg_restore for PostgreSQL.

A backup is one file. SQLite's is itself a database (open it with sqlite3); PostgreSQL's is
pg_dump's custom format (list it with pg_restore --list). Restoring replaces everything in the
configured database with the file's contents; evidence files (STORAGES["evidence"], var/evidence)
are not in the database and are copied with ordinary file tools.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

from django.db import connections

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"


class BackupError(Exception):
    pass


def vendor(alias: str = "default") -> str:
    return connections[alias].vendor


def backup(path: Path, alias: str = "default") -> None:
    """Write a consistent copy of the database to `path` while the application keeps running."""
    connection = connections[alias]
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        target = sqlite3.connect(path)
        try:
            # Copies page by page under a read transaction: concurrent writers are not blocked for long.
            connection.connection.backup(target)
        finally:
            target.close()
    elif connection.vendor == "postgresql":
        _run_pg("pg_dump", connection.settings_dict, "--format=custom", "--no-owner", f"--file={path}")
    else:
        raise BackupError(f"backups of {connection.vendor} databases are not supported")


def restore(path: Path, alias: str = "default") -> None:
    """Replace the database's contents with the backup at `path` (made by `backup` on the same kind)."""
    connection = connections[alias]
    head = path.read_bytes()[:16] if path.is_file() else b""
    if connection.vendor == "sqlite":
        if head != SQLITE_MAGIC:
            raise BackupError(f"{path} is not an SQLite backup")
        # Opened for writing so that SQLite can roll back a transaction left behind by a crash.
        source = sqlite3.connect(path)
        try:
            if source.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise BackupError(f"{path} is damaged (integrity check failed)")
            if not source.execute("SELECT 1 FROM sqlite_master WHERE name = 'django_migrations'").fetchone():
                raise BackupError(f"{path} is not a kumokan database")
            connection.ensure_connection()
            source.backup(connection.connection)
        finally:
            source.close()
    elif connection.vendor == "postgresql":
        if not head.startswith(PG_DUMP_MAGIC):
            raise BackupError(f"{path} is not a pg_dump custom-format backup")
        # Other sessions' open transactions would block the drops; ours must not hold any either.
        connection.close()
        _run_pg(
            "pg_restore",
            connection.settings_dict,
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--exit-on-error",
            str(path),
        )
    else:
        raise BackupError(f"backups of {connection.vendor} databases are not supported")


def _pg_tool(name: str) -> str:
    """The PostgreSQL client program: KUMOKAN_PG_BIN/name, else the one on PATH."""
    folder = os.environ.get("KUMOKAN_PG_BIN")
    found = str(Path(folder) / name) if folder else shutil.which(name)
    if not found:
        raise BackupError(f"{name} not found: install postgresql-client or set KUMOKAN_PG_BIN")
    return found


def _run_pg(tool: str, database: dict[str, Any], *args: str) -> None:
    """Run a PostgreSQL client with the connection in libpq's variables (the password never in `ps`)."""
    options = database.get("OPTIONS") or {}
    variables = {
        "PGDATABASE": database.get("NAME"),
        "PGHOST": database.get("HOST") or options.get("host"),
        "PGPORT": database.get("PORT") or options.get("port"),
        "PGUSER": database.get("USER") or options.get("user"),
        "PGPASSWORD": database.get("PASSWORD") or options.get("password"),
        "PGSSLMODE": options.get("sslmode"),
        "PGSSLROOTCERT": options.get("sslrootcert"),
        "PGSSLCERT": options.get("sslcert"),
        "PGSSLKEY": options.get("sslkey"),
    }
    env = {**os.environ, **{name: str(value) for name, value in variables.items() if value}}
    command = [_pg_tool(tool), *args]
    if tool == "pg_restore":
        command.insert(1, f"--dbname={variables['PGDATABASE']}")
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BackupError(f"{tool} failed ({result.returncode}): {result.stderr.strip()}")
