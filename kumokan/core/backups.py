"""Whole backups: the database (SQLite's online backup API, or pg_dump/pg_restore) and the uploaded files.

A backup is one tar file: `database` (SQLite's is itself a database, PostgreSQL's is pg_dump's custom
format), every file of the private storages (evidence, staged imports) under `files/<storage>/`, and
`manifest.json` with each file's SHA-256. Restoring checks every file against the manifest, then
replaces everything in the configured database and writes the files back under their own names.
A bare database file made before backups carried files still restores (the database only).

A backup holds TOTP secrets and everything staff recorded: it is created readable by its owner only
(0600, whatever the umask), and sessions are left out (a copied session key would sign its holder in);
a restore also empties the session table, so a backup made before sessions were left out signs no one in.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import IO, Any

from django.core.files.base import File
from django.core.files.storage import Storage
from django.db import connections
from django.utils.module_loading import import_string

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"
# Where uploaded files live, by the name their folder has in a backup. Every FileField's storage must be
# one of these (kumokan/core/tests/test_backup_restore.py checks it).
FILE_STORAGES = {
    "evidence": "kumokan.core.private_files.evidence_storage",
    "imports": "kumokan.core.private_files.import_storage",
}
MANIFEST = "manifest.json"
DATABASE = "database"
# Tables whose rows a backup leaves out: live sign-ins, which nobody needs back after a restore.
SESSION_TABLE = "django_session"


class BackupError(Exception):
    pass


def vendor(alias: str = "default") -> str:
    return connections[alias].vendor


def file_storages() -> dict[str, Storage]:
    return {key: import_string(dotted)() for key, dotted in FILE_STORAGES.items()}


# The members' mode too: a backup unpacked by hand (tar -x) holds TOTP secrets and evidence files,
# and tar gives each extracted file the mode recorded for it (0644 by default) under the usual umask.
OWNER_ONLY = 0o600


def _owner_only(info: tarfile.TarInfo) -> tarfile.TarInfo:
    info.mode = OWNER_ONLY
    return info


def backup(path: Path, alias: str = "default") -> int:
    """Write the database and the uploaded files to the tar file `path`; the number of files copied.

    The database is copied first: a file is written before the row that names it commits and is never
    changed afterwards, so every file the copied database names is already there to be copied.
    """
    manifest: dict[str, Any] = {"vendor": vendor(alias), "files": {}}
    # O_EXCL: a file someone else created in the meantime (with their own mode) is never written into.
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with (
        os.fdopen(descriptor, "wb") as output,
        tempfile.TemporaryDirectory() as scratch,
        tarfile.open(fileobj=output, mode="w") as archive,
    ):
        database = Path(scratch) / DATABASE
        backup_database(database, alias, sessions=False)
        archive.add(database, DATABASE, filter=_owner_only)
        for key, storage in file_storages().items():
            for name in _names(storage):
                member = f"files/{key}/{name}"
                with storage.open(name, "rb") as source:
                    manifest["files"][member] = hashlib.file_digest(source, "sha256").hexdigest()
                with storage.open(name, "rb") as source:
                    info = tarfile.TarInfo(member)
                    info.size = storage.size(name)
                    info.mode = OWNER_ONLY
                    archive.addfile(info, source)
        text = json.dumps(manifest, indent=1, sort_keys=True).encode()
        info = tarfile.TarInfo(MANIFEST)
        info.size = len(text)
        info.mode = OWNER_ONLY
        archive.addfile(info, io.BytesIO(text))
    return len(manifest["files"])


def restore(path: Path, alias: str = "default") -> int:
    """Replace the database and write back the files of the backup `path`; the number of files written."""
    if not tarfile.is_tarfile(path):
        restore_database(path, alias)  # a bare database file, as backups were before they held files
        return 0
    with tempfile.TemporaryDirectory() as scratch, tarfile.open(path) as archive:
        manifest = _manifest(archive)
        storages = file_storages()
        # Nothing is replaced until every file is known to be whole.
        for member, digest in manifest["files"].items():
            _storage_and_name(member, storages)
            if hashlib.file_digest(_open(archive, member), "sha256").hexdigest() != digest:
                raise BackupError(f"{path}: {member} does not match the manifest (damaged backup)")
        database = Path(scratch) / DATABASE
        with database.open("wb") as target:
            shutil.copyfileobj(_open(archive, DATABASE), target)
        restore_database(database, alias)
        for member in manifest["files"]:
            key, name = _storage_and_name(member, storages)
            storage = storages[key]
            if storage.exists(name):
                storage.delete(name)
            saved = storage.save(name, File(_open(archive, member)))
            if saved != name:
                raise BackupError(f"{member} was stored as {saved}")
    return len(manifest["files"])


def _names(storage: Storage, folder: str = "") -> Iterator[str]:
    """Every file in `storage` under `folder`, as the names the database holds."""
    if folder == "" and hasattr(storage, "location") and not Path(storage.location).is_dir():
        return  # nothing uploaded yet
    folders, files = storage.listdir(folder)
    for name in sorted(files):
        yield f"{folder}/{name}" if folder else name
    for sub in sorted(folders):
        yield from _names(storage, f"{folder}/{sub}" if folder else sub)


def _manifest(archive: tarfile.TarFile) -> dict[str, Any]:
    try:
        manifest = json.loads(_open(archive, MANIFEST).read())
        archive.getmember(DATABASE)
    except (KeyError, ValueError) as exc:
        raise BackupError("not a kumokan backup (no manifest or database in the archive)") from exc
    if not isinstance(manifest, dict) or not isinstance(manifest.get("files"), dict):
        raise BackupError("not a kumokan backup (the manifest lists no files)")
    return manifest


def _storage_and_name(member: str, storages: dict[str, Storage]) -> tuple[str, str]:
    """The storage and file name of an archive member, refusing a name that would leave its storage."""
    parts = PurePosixPath(member).parts
    if len(parts) < 3 or parts[0] != "files" or parts[1] not in storages or ".." in parts:
        raise BackupError(f"unexpected file in the backup: {member}")
    return parts[1], "/".join(parts[2:])


def _open(archive: tarfile.TarFile, member: str) -> IO[bytes]:
    source = archive.extractfile(member)
    if source is None:
        raise KeyError(member)
    return source


def backup_database(path: Path, alias: str = "default", *, sessions: bool = True) -> None:
    """Write a consistent copy of the database to `path` while the application keeps running
    (with `sessions=False`, the session table is left empty)."""
    connection = connections[alias]
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        target = sqlite3.connect(path)
        try:
            # Copies page by page under a read transaction: concurrent writers are not blocked for long.
            connection.connection.backup(target)
            if not sessions:
                # VACUUM rewrites the file, so the deleted sessions leave no bytes behind in free pages.
                target.execute(f"DELETE FROM {SESSION_TABLE}")  # noqa: S608 (a constant)
                target.commit()
                target.execute("VACUUM")
        finally:
            target.close()
    elif connection.vendor == "postgresql":
        leave_out = [] if sessions else [f"--exclude-table-data={SESSION_TABLE}"]
        _run_pg(
            "pg_dump", connection.settings_dict, "--format=custom", "--no-owner", *leave_out, f"--file={path}"
        )
    else:
        raise BackupError(f"backups of {connection.vendor} databases are not supported")


def restore_database(path: Path, alias: str = "default") -> None:
    """Replace the database's contents with the copy at `path` (made by `backup_database` on the same kind)."""
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
    _clear_sessions(alias)


def _clear_sessions(alias: str) -> None:
    """Sign everyone out: sessions in an older backup (made before they were left out) must not come back."""
    with connections[alias].cursor() as cursor:
        cursor.execute(f"DELETE FROM {SESSION_TABLE}")  # noqa: S608 (a constant)


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
