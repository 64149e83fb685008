"""Ledger imports: checking an uploaded file (the dry run), importing it whole, and saving the column mapping.

Only the municipality's administrator imports. An imported row becomes what an approval would have
made: an application of record (judged now by the municipality's packs, so re-checks and forms work),
its approval and the ledger entry. The importing administrator is the kumokan user of record for
applicant, approver and service manager until someone is designated (kumokan.ledger.actions.edit_entry);
the names the file gives are kept as written.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any, cast

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kumokan.applications.choices import Outcome, Status
from kumokan.applications.judging import Judged, judged_as, new_snapshot, store_judgments
from kumokan.applications.models import Application, Decision
from kumokan.audit.actions import record, record_many, state_of
from kumokan.audit.choices import Action
from kumokan.catalog.choices import ServiceModel
from kumokan.catalog.models import CloudService, Provider, name_key
from kumokan.core.actors import Actor, display_name, signed_in
from kumokan.core.bulk import collector_paused, insert_new
from kumokan.core.packs import library
from kumokan.core.private_files import keep
from kumokan.core.spreadsheet import ENCODINGS, compare_key, estimate_rows
from kumokan.documents.choices import ImportStatus
from kumokan.documents.ledger_import import (
    BACKGROUND_FROM_ROWS,
    DECISION_KINDS,
    MAX_ROW,
    UNASSIGNED,
    Check,
    CheckedRow,
    FileRefused,
    check_table,
    read_table,
    recogniser_for,
)
from kumokan.documents.ledger_table import header_key
from kumokan.documents.models import ImportMapping, LedgerImport
from kumokan.errors import CHOICES, ConflictError, WorkflowError, in_both, interpolate, joined, stored
from kumokan.ledger.actions import TYPED_FIELD_IDS, new_entry
from kumokan.ledger.choices import EntryStatus
from kumokan.lifecycle.actions.entries import build_entries
from kumokan.policy.facts import Facts, canonical_facts
from kumokan.tenancy.access import eligible_service_managers
from kumokan.tenancy.actions import add_department, ensure_membership
from kumokan.tenancy.choices import Role
from kumokan.tenancy.models import Department, Municipality
from kumokan.tenancy.permissions import Capability, can
from kumokan.tenancy.vocabulary import in_sentence

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def require_importer(acting_user: Actor, municipality: Municipality) -> User:
    """Importing writes many entries at once: the municipality's administrator (city-wide) only, a
    person (returned), whom the import names as its uploader and as the user of record of its rows."""
    if not can(acting_user, Capability.IMPORT_LEDGER, municipality):
        raise PermissionDenied(
            _("Only a municipality's administrator may import a %(ledger)s.") % in_sentence(municipality)
        )
    return signed_in(acting_user)


def saved_mapping(municipality: Municipality) -> dict[str, str]:
    mapping = ImportMapping.objects.filter(municipality=municipality).first()
    return dict(mapping.columns) if mapping else {}


def saved_decisions(municipality: Municipality) -> dict[str, dict[str, str]]:
    mapping = ImportMapping.objects.filter(municipality=municipality).first()
    return dict(mapping.decisions) if mapping else {}


def _status(check: Check) -> ImportStatus:
    if check.problems:
        return ImportStatus.REFUSED
    return ImportStatus.DECISIONS if check.pending else ImportStatus.CHECKED


def dry_run_ledger_import(
    *, acting_user: Actor, municipality: Municipality, name: str, data: bytes, encoding: str = "auto"
) -> LedgerImport:
    """Keep the uploaded file and check it (the dry run); nothing enters the ledger."""
    _require_encoding(encoding)
    with transaction.atomic():
        uploader = require_importer(acting_user, municipality)
        check = _check(municipality, data, encoding)
        ledger_import = _kept(uploader, municipality, name, data, encoding, status=_status(check))
        ledger_import.report = check.report()
        ledger_import.save()
        record(
            acting_user,
            Action.LEDGER_IMPORT_CHECK,
            ledger_import,
            None,
            state_of(ledger_import, "original_name", "size", "sha256", "status")
            | {"problems": len(check.problems)},
        )
    return ledger_import


def _require_encoding(encoding: str) -> None:
    if encoding not in ENCODINGS:
        raise WorkflowError(
            gettext_lazy("unknown encoding '%(encoding)s'"), code="encoding", params={"encoding": encoding}
        )


def _kept(
    uploader: User, municipality: Municipality, name: str, data: bytes, encoding: str, status: ImportStatus
) -> LedgerImport:
    """A new import of the uploaded file, the file kept (kumokan.core.private_files); not yet saved."""
    ledger_import = LedgerImport(
        municipality=municipality,
        uploaded_by=uploader,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        encoding=encoding,
        status=status,
    )
    ledger_import.original_name = keep(ledger_import.file, ContentFile(data, name=name), default="ledger")
    return ledger_import


def upload(
    *, acting_user: Actor, municipality: Municipality, name: str, data: bytes, encoding: str = "auto"
) -> LedgerImport:
    """Keep an uploaded file and check it: at once when it is small, else by a background job
    (kumokan.documents.tasks.check_import) whose progress the import's page shows."""
    if estimate_rows(data) <= BACKGROUND_FROM_ROWS:
        return dry_run_ledger_import(
            acting_user=acting_user, municipality=municipality, name=name, data=data, encoding=encoding
        )
    _require_encoding(encoding)
    with transaction.atomic():
        uploader = require_importer(acting_user, municipality)
        ledger_import = _kept(uploader, municipality, name, data, encoding, status=ImportStatus.CHECKING)
        ledger_import.job_heartbeat_at = timezone.now()
        ledger_import.save()
        record(
            acting_user,
            Action.LEDGER_IMPORT_CHECK,
            ledger_import,
            None,
            state_of(ledger_import, "original_name", "size", "sha256", "status"),
        )
        _enqueue("check", ledger_import, acting_user)
    return ledger_import


def run_check(*, acting_user: Actor, ledger_import: LedgerImport) -> LedgerImport:
    """The background check of a kept file: every PROGRESS_EVERY rows its progress is written (the
    check itself writes nothing), then the result, as repeat_dry_run would."""
    pk = ledger_import.pk

    def progress(done: int, total: int) -> None:
        LedgerImport.objects.filter(pk=pk).update(
            progress_done=done, progress_total=total, job_heartbeat_at=timezone.now()
        )

    require_importer(acting_user, ledger_import.municipality)
    check = _check_kept(ledger_import, progress)
    with transaction.atomic():
        locked = _lock(acting_user, ledger_import)
        if locked.status != ImportStatus.CHECKING:
            return locked
        locked.progress_done = locked.progress_total = check.report()["rows"]
        _keep_result(acting_user, locked, check, "progress_done", "progress_total")
    return locked


def start_import(
    *, acting_user: Actor, ledger_import: LedgerImport, layout: tuple[str, int | None] | None = None
) -> LedgerImport:
    """Import a checked file: at once when it is small, else by a background job
    (kumokan.documents.tasks.commit_import); see import_checked_file. `layout` is the sheet and header
    row the importer saw checked: the file must still be read so (_require_layout_seen)."""
    if ledger_import.report.get("rows", 0) <= BACKGROUND_FROM_ROWS:
        return import_checked_file(acting_user=acting_user, ledger_import=ledger_import, layout=layout)
    with transaction.atomic():
        locked = _lock(acting_user, ledger_import)
        _require_checked(locked)
        _require_layout_seen(locked, layout)
        locked.status = ImportStatus.IMPORTING
        locked.progress_done, locked.progress_total = 0, locked.report.get("new", 0)
        locked.job_heartbeat_at = timezone.now()
        locked.save(update_fields=["status", "progress_done", "progress_total", "job_heartbeat_at"])
        _enqueue("commit", locked, acting_user)
    return locked


def retry_job(*, acting_user: Actor, ledger_import: LedgerImport) -> LedgerImport:
    """Run again a background job that stopped without finishing (LedgerImport.job_stopped): the
    check, or the import, which wrote nothing (one transaction rolled back with its worker)."""
    with transaction.atomic():
        try:
            # A live import holds its row locked for its whole transaction (PostgreSQL; SQLite has
            # one writer at a time): never start a second one beside it.
            locked = (
                LedgerImport.objects.select_for_update(nowait=True)
                .select_related("municipality")
                .get(pk=ledger_import.pk)
            )
        except DatabaseError:
            raise WorkflowError(
                gettext_lazy("the import job is still running; wait for it to finish"),
                code="job_running",
            ) from None
        require_importer(acting_user, locked.municipality)
        if not locked.job_stopped():
            raise WorkflowError(
                gettext_lazy("this file's job has not stopped (it is not running, or still is)"),
                code="import_state",
            )
        before = state_of(locked, "status", "job_heartbeat_at")
        locked.job_heartbeat_at = timezone.now()
        locked.progress_done = 0
        locked.save(update_fields=["job_heartbeat_at", "progress_done"])
        job = "check" if locked.status == ImportStatus.CHECKING else "commit"
        record(
            acting_user,
            Action.LEDGER_IMPORT_CHECK,
            locked,
            before,
            state_of(locked, "status", "job_heartbeat_at") | {"retried": job},
        )
        _enqueue(job, locked, acting_user)
    return locked


def _enqueue(job: str, ledger_import: LedgerImport, acting_user: Actor) -> None:
    """Send the job once the transaction that set its state has committed."""
    from kumokan.documents import tasks

    task = tasks.check_import if job == "check" else tasks.commit_import
    pk, user = ledger_import.pk, acting_user.pk
    transaction.on_commit(lambda: task.delay(pk, user))


def _keep_result(acting_user: Actor, locked: LedgerImport, check: Check, *also: str) -> None:
    """Write a check's result on the import (its status and report, and the fields `also` names, set by
    the caller), audited."""
    before = state_of(locked, "status")
    locked.status = _status(check)
    locked.report = check.report()
    locked.save(update_fields=["status", "report", *also])
    record(
        acting_user,
        Action.LEDGER_IMPORT_CHECK,
        locked,
        before,
        state_of(locked, "status") | {"problems": len(check.problems)},
    )


def repeat_dry_run(*, acting_user: Actor, ledger_import: LedgerImport) -> LedgerImport:
    """Check a kept file again (after the mapping or the departments changed); a large one by a
    background job."""
    if ledger_import.report.get("rows", 0) > BACKGROUND_FROM_ROWS:
        with transaction.atomic():
            locked = _lock(acting_user, ledger_import)
            if locked.status in (ImportStatus.COMMITTED, ImportStatus.IMPORTING):
                return locked
            locked.status = ImportStatus.CHECKING
            locked.progress_done = 0
            locked.job_heartbeat_at = timezone.now()
            locked.save(update_fields=["status", "progress_done", "job_heartbeat_at"])
            _enqueue("check", locked, acting_user)
        return locked
    with transaction.atomic():
        locked = _lock(acting_user, ledger_import)
        _keep_result(acting_user, locked, _check_kept(locked))
    return locked


def choose_layout(
    *, acting_user: Actor, ledger_import: LedgerImport, sheet: str, header_row: int | None
) -> LedgerImport:
    """Read a kept file from another sheet or header row than the check found ("" / None: find them
    again), and check it again."""
    with transaction.atomic():
        locked = _lock(acting_user, ledger_import)
        if locked.status == ImportStatus.COMMITTED:
            raise WorkflowError(
                gettext_lazy("the file has been imported already"),
                code="import_state",
            )
        _require_layout(locked, sheet, header_row)
        before = state_of(locked, "sheet", "header_row")
        locked.sheet = sheet[:100]
        locked.header_row = header_row
        locked.save(update_fields=["sheet", "header_row"])
        record(
            acting_user, Action.LEDGER_IMPORT_CHECK, locked, before, state_of(locked, "sheet", "header_row")
        )
    return repeat_dry_run(acting_user=acting_user, ledger_import=locked)


def _require_layout(locked: LedgerImport, sheet: str, header_row: int | None) -> None:
    """A sheet the file has (as its check listed them) and a row a sheet can have; "" / None: found again."""
    sheets = locked.report.get("sheets", [])
    if sheet and sheet not in sheets:
        raise WorkflowError(
            gettext_lazy("the file has no sheet named '%(sheet)s' (it has: %(sheets)s)"),
            code="layout",
            params={"sheet": sheet[:100], "sheets": joined(sheets, CHOICES)},
        )
    if header_row is not None and not 1 <= header_row <= MAX_ROW:
        raise WorkflowError(
            gettext_lazy("the header row is a number from 1 to %(last)s"),
            code="layout",
            params={"last": f"{MAX_ROW:,}"},
        )


def _require_layout_seen(locked: LedgerImport, layout: tuple[str, int | None] | None) -> None:
    """The commit imports the file as the page that sent it showed it read: the sheet and header row
    of the check on that page. Another choice since (another tab, another person) refuses it."""
    if layout is None:
        return
    checked = (locked.report.get("sheet", ""), locked.report.get("header_row"))
    if tuple(layout) != checked:
        raise WorkflowError(
            gettext_lazy(
                "the sheet or header row changed after the check you saw (it is now sheet '%(sheet)s', row %(row)s); look at the result again before importing"
            ),
            code="import_stale",
            params={"sheet": checked[0], "row": checked[1]},
        )


def _require_checked(locked: LedgerImport, background: bool = False) -> None:
    """Only a checked file is imported (by a background job: one it was started for)."""
    if locked.status != (ImportStatus.IMPORTING if background else ImportStatus.CHECKED):
        raise WorkflowError(
            gettext_lazy("the file cannot be imported in state %(status)s"),
            code="import_state",
            params={"status": ImportStatus(locked.status).label},
        )


def _commit(
    *,
    acting_user: Actor,
    ledger_import: LedgerImport,
    background: bool = False,
    layout: tuple[str, int | None] | None = None,
) -> LedgerImport:
    """Import a checked file whole, or nothing: it is checked again inside the transaction, and any
    problem (say, a department deleted since the dry run) refuses it. Rows already in the ledger
    (same service, provider and department) are left as they are, so importing twice adds nothing."""
    with collector_paused(), transaction.atomic():
        locked = _lock(acting_user, ledger_import)
        _require_checked(locked, background)
        _require_layout_seen(locked, layout)
        check = _check_kept(locked)
        if check.blocked or (check.sheet, check.header_row) != (
            locked.report.get("sheet", ""),
            locked.report.get("header_row"),
        ):
            # Saved by a separate transaction below, once this one has rolled back. A header found on
            # another row than the check showed (the saved mapping changed since) is not imported unseen.
            raise _Refused(check)
        before = state_of(locked, "status")
        try:
            with transaction.atomic():
                _import_rows(acting_user, locked, check.new_rows)
        except IntegrityError as exc:
            raise ConflictError(
                gettext_lazy(
                    "another import created the same %(ledger)s entries at the same time; check the file again"
                ),
                params=in_sentence(locked.municipality),
            ) from exc
        locked.status = ImportStatus.COMMITTED
        locked.report = check.report()
        locked.created_count = len(check.new_rows)
        locked.committed_at = timezone.now()
        locked.progress_done = locked.progress_total = len(check.new_rows)
        locked.save(
            update_fields=[
                "status",
                "report",
                "created_count",
                "committed_at",
                "progress_done",
                "progress_total",
            ]
        )
        record(
            acting_user,
            Action.LEDGER_IMPORT_COMMIT,
            locked,
            before,
            state_of(locked, "status", "created_count", "committed_at") | {"existing": check.existing_count},
        )
    return locked


class _Refused(WorkflowError):
    def __init__(self, check: Check) -> None:
        if check.problems:
            first = check.problems[0]
            super().__init__(in_both(first.ja, first.en), code="import_refused")
        elif not check.pending:
            super().__init__(
                gettext_lazy(
                    "The file now reads from another sheet or header row than the check showed (sheet "
                    "%(sheet)s, row %(row)s). Look at the new result before importing."
                ),
                code="import_stale",
                params={"sheet": check.sheet, "row": check.header_row},
            )
        else:
            super().__init__(
                gettext_lazy("Some values need a decision on how to read them."),
                code="import_decisions",
            )
        self.check = check


def import_checked_file(
    *,
    acting_user: Actor,
    ledger_import: LedgerImport,
    background: bool = False,
    layout: tuple[str, int | None] | None = None,
) -> LedgerImport:
    """Import a checked file whole, or nothing (see _commit). When the check inside the transaction
    finds problems, the file is marked refused with them, nothing else is written, and the
    WorkflowError is raised again."""
    try:
        return _commit(
            acting_user=acting_user, ledger_import=ledger_import, background=background, layout=layout
        )
    except _Refused as refused:
        with transaction.atomic():
            locked = _lock(acting_user, ledger_import)
            before = state_of(locked, "status")
            locked.status = _status(refused.check)
            locked.report = refused.check.report()
            locked.save(update_fields=["status", "report"])
            record(acting_user, Action.LEDGER_IMPORT_CHECK, locked, before, state_of(locked, "status"))
        raise


@transaction.atomic
def save_mapping(*, acting_user: Actor, municipality: Municipality, columns: dict[str, str]) -> ImportMapping:
    """Remember how this municipality's headers map to ledger columns ("" ignores a column)."""
    importer = require_importer(acting_user, municipality)
    normalised = {header_key(header): key for header, key in columns.items() if header_key(header)}
    mapping, _created = ImportMapping.objects.select_for_update().get_or_create(municipality=municipality)
    before = {"columns": dict(mapping.columns)}
    mapping.columns = {**mapping.columns, **normalised}
    mapping.updated_by = importer
    mapping.updated_at = timezone.now()
    mapping.save(update_fields=["columns", "updated_by", "updated_at"])
    record(
        acting_user,
        Action.IMPORT_MAPPING_SAVE,
        mapping,
        before,
        {"columns": mapping.columns},
        municipality=municipality,
    )
    return mapping


NEW_DEPARTMENT = "+new"


@transaction.atomic
def save_decisions(
    *, acting_user: Actor, municipality: Municipality, decisions: dict[str, dict[str, str]]
) -> ImportMapping:
    """Remember how this municipality's values are read (kind -> the value as a file writes it -> the
    answer): a classification of another scale as the pack's level code, a department name as an
    existing department's code or NEW_DEPARTMENT, which adds the department under that name, a service
    manager's name as an eligible person's id or UNASSIGNED."""
    importer = require_importer(acting_user, municipality)
    pack = municipality.pack().pack
    assert pack.classification is not None
    choices = {
        "classification": {level.code for level in pack.classification.confidentiality.levels},
        "department": {d.code for d in Department.objects.filter(municipality=municipality)},
        # Who may be service manager is tenancy.access's one rule; or nobody yet, shown as unassigned.
        "service_manager": {
            str(pk) for pk in eligible_service_managers(municipality).values_list("pk", flat=True)
        }
        | {UNASSIGNED},
    }
    answers: dict[str, dict[str, str]] = {}
    for kind, values in decisions.items():
        if kind not in DECISION_KINDS:
            raise WorkflowError(
                gettext_lazy("unknown decision '%(kind)s'"), code="decision", params={"kind": kind}
            )
        for value, answer in values.items():
            if kind == "department" and answer == NEW_DEPARTMENT:
                answer = add_department(
                    acting_user=acting_user,
                    municipality=municipality,
                    name=value.strip()[:100],
                    code=_new_department_code(municipality),
                ).code
            elif answer not in choices[kind]:
                raise WorkflowError(
                    gettext_lazy("'%(answer)s' is not a choice for '%(value)s'"),
                    code="decision",
                    params={"answer": answer, "value": value},
                )
            answers.setdefault(kind, {})[compare_key(value)] = answer
    mapping, _created = ImportMapping.objects.select_for_update().get_or_create(municipality=municipality)
    before = {"decisions": dict(mapping.decisions)}
    merged = {kind: {**mapping.decisions.get(kind, {}), **answers.get(kind, {})} for kind in DECISION_KINDS}
    mapping.decisions = {kind: values for kind, values in merged.items() if values}
    mapping.updated_by = importer
    mapping.updated_at = timezone.now()
    mapping.save(update_fields=["decisions", "updated_by", "updated_at"])
    record(
        acting_user,
        Action.IMPORT_MAPPING_SAVE,
        mapping,
        before,
        {"decisions": mapping.decisions},
        municipality=municipality,
    )
    return mapping


def _new_department_code(municipality: Municipality) -> str:
    taken = set(Department.objects.filter(municipality=municipality).values_list("code", flat=True))
    return next(code for n in range(1, len(taken) + 2) if (code := f"imported-{n}") not in taken)


def _lock(acting_user: Actor, ledger_import: LedgerImport) -> LedgerImport:
    locked = LedgerImport.objects.select_for_update().select_related("municipality").get(pk=ledger_import.pk)
    require_importer(acting_user, locked.municipality)
    return locked


def _data(ledger_import: LedgerImport) -> bytes:
    with ledger_import.file.open("rb") as handle:
        return bytes(handle.read())


def _check(
    municipality: Municipality,
    data: bytes,
    encoding: str,
    sheet: str = "",
    header_row: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Check:
    mapping = saved_mapping(municipality)
    try:
        table = read_table(
            data,
            encoding=encoding,
            recognise=recogniser_for(municipality, mapping),
            sheet=sheet,
            header_row=header_row,
        )
    except FileRefused as refused:
        return Check(encoding=encoding, mapping={}, ignored=[], problems=[refused.problem])
    return check_table(table, municipality, mapping, saved_decisions(municipality), progress)


def _check_kept(ledger_import: LedgerImport, progress: Callable[[int, int], None] | None = None) -> Check:
    """Check a kept file again, read as its importer chose (sheet, header row)."""
    return _check(
        ledger_import.municipality,
        _data(ledger_import),
        ledger_import.encoding,
        ledger_import.sheet,
        ledger_import.header_row,
        progress,
    )


def _facts(values: dict[str, Any]) -> dict[str, Any]:
    """The facts an imported row states (CONTRACT.md); what the file does not say takes the default."""
    return {
        "service_name": values["service_name"],
        "provider": values["provider_name"],
        "purpose": values["purpose"],
        "functions": [values["function_name"]] if values.get("function_name") else [],
        "service_model": values.get("service_model") or "other",
        "confidentiality": values["classification"],
        "user_scope": values.get("user_scope") or "organisation",
    }


# The note and decision reason of an application an import wrote (Application.system_note).
IMPORTED_NOTE = gettext_lazy("Imported from the ledger file %(name)s, row %(row)d.")


class _Kind:
    """One judgment shared by the rows alike in what the judgment reads, with its JSON made once."""

    def __init__(self, judged: Judged) -> None:
        self.judged = judged
        level = judged.judgment["classification"]["confidentiality"]
        self.classification_code: str = level["code"]
        self.classification_label: str = level["label"]
        self.field_ids = [f["id"] for f in judged.judgment["ledger_fields"] if f["id"] not in TYPED_FIELD_IDS]


class _Judge:
    """Groups the rows of one import by their judgment: rows alike in what a judgment reads share one
    (the site's pack library judges each kind once, PackLibrary.judgment): bench/ledger_import.py's
    10,000 rows have 10 kinds, and one judgment document each."""

    def __init__(self, municipality: Municipality) -> None:
        self.municipality = municipality
        self.packs = municipality.packs()
        self.kinds: dict[str, _Kind] = {}

    def __call__(self, facts: dict[str, Any]) -> tuple[dict[str, Any], _Kind]:
        checked = Facts.model_validate(facts)
        key, judgment = library().judgment(
            checked, self.packs, configured_approver=self.municipality.configured_approver
        )
        kind = self.kinds.get(key)
        if kind is None:
            kind = self.kinds[key] = _Kind(judged_as(self.municipality, checked, judgment))
        return canonical_facts(checked), kind


def _import_rows(acting_user: Actor, ledger_import: LedgerImport, rows: list[CheckedRow]) -> None:
    """Write the new rows as approved applications with their entries, table by table in batches:
    the catalogue's providers and services first (matched by name key, added when new), then the
    applications, judgments, decisions, entries and one audit record per entry."""
    municipality = ledger_import.municipality
    importer = signed_in(acting_user)
    judge = _Judge(municipality)
    judged = [judge(_facts(row.values)) for row in rows]
    # One judgment document per kind of row, shared by the snapshots of all its rows.
    kinds = list(judge.kinds.values())
    documents = dict(
        zip(kinds, store_judgments(municipality, [kind.judged.judgment for kind in kinds]), strict=True)
    )
    # Every row written by this import is written at one time (and its time is prepared for the
    # database once: core.bulk.insert_new).
    now = timezone.now()
    services = _services(acting_user, municipality, rows, [facts for facts, _kind in judged])
    applications, snapshots, decisions, entries = [], [], [], []
    managers: dict[tuple[int, int], tuple[Any, Department]] = {}
    for row, (facts, kind) in zip(rows, judged, strict=True):
        values = row.values
        approved_on: datetime.date | None = values.get("approved_on")
        approved_at = (
            timezone.make_aware(datetime.datetime.combine(approved_on, datetime.time()))
            if approved_on
            else now
        )
        # Kept as its msgid, read in each reader's language (as the ledger history's reasons).
        note = stored(
            cast(
                Promise, interpolate(IMPORTED_NOTE, {"name": ledger_import.original_name, "row": row.number})
            )
        )
        service_key = _service_key(values)
        service = services[service_key]
        application = Application(
            municipality=municipality,
            department=row.department,
            applicant=importer,
            service=service,
            facts=facts,
            period_start=values.get("period_start"),
            period_end=values.get("period_end"),
            user_scope_detail=values.get("user_scope_detail", ""),
            system_note=note,
            status=Status.APPROVED,
            submitted_at=approved_at,
            created_at=now,
            updated_at=now,
        )
        applications.append(application)
        snapshot = new_snapshot(application, replace(kind.judged, facts=facts), documents[kind])
        snapshot.created_at = now
        snapshots.append(snapshot)
        approver_title = values.get("approver_title") or kind.judged.approver_title
        decisions.append(
            Decision(
                application=application,
                outcome=Outcome.APPROVED,
                system_reason=note,
                decided_by=importer,
                decided_at=approved_at,
                approver_title=approver_title,
                application_version=application.version,
                snapshot=snapshots[-1],
            )
        )
        status = values.get("status") or EntryStatus.IN_OPERATION
        # The entry an approval makes (ledger.actions.new_entry), with what the file states as written.
        entry = new_entry(application, decisions[-1], kind.judged.judgment)
        entry.service_name = values["service_name"]
        entry.function_name = values.get("function_name", "")
        entry.provider_name = values["provider_name"]
        entry.purpose = values["purpose"]
        entry.applicant_name = values.get("applicant_name") or ""
        entry.applicant_department_name = values.get("applicant_department_name") or ""
        # The person the file names (matched or decided, ledger_import._RowReader._service_manager);
        # None: decided to leave unassigned; no name at all: the importer is the user of record.
        named = values.get("service_manager", importer)
        entry.service_manager = named or importer
        entry.service_manager_unassigned = named is None
        if named is not None and named != importer:
            managers[(named.pk, row.department.pk)] = (named, row.department)
        entry.service_manager_name = values.get("service_manager_name") or display_name(importer)
        entry.service_manager_title = values.get("service_manager_title", "")
        entry.service_manager_department_name = values.get("service_manager_department_name", "")
        entry.fields = {field_id: values.get(f"fields.{field_id}", "") for field_id in kind.field_ids}
        entry.note = values.get("note", "")
        entry.status = status
        entry.created_at = entry.updated_at = now
        entry.import_key = hashlib.sha256(
            json.dumps([row.department.pk, *service_key], ensure_ascii=False).encode()
        ).hexdigest()
        if status in (EntryStatus.IN_OPERATION, EntryStatus.SUSPENDED):
            entry.operation_started_at = now
        if status == EntryStatus.RETIRED:
            entry.retired_at = now
        entries.append((entry, kind.judged.judgment, {"import": ledger_import.pk, "row": row.number}))
    # Each batch gets its ids back (RETURNING), which the next one's foreign keys then take.
    insert_new(applications)
    insert_new(snapshots)
    insert_new(decisions)
    build_entries(acting_user, entries, action=Action.LEDGER_IMPORT_ENTRY)
    # As a designation does (ledger.actions.edit_entry): the manager's role in the entry's department.
    for manager, department in managers.values():
        ensure_membership(
            acting_user=acting_user,
            user=manager,
            municipality=municipality,
            role=Role.SERVICE_MANAGER,
            department=department,
        )


def _service_key(values: dict[str, Any]) -> tuple[str, str, str]:
    return (
        name_key(values["provider_name"]),
        name_key(values["service_name"]),
        name_key(values.get("function_name", "")),
    )


def _services(
    acting_user: Actor, municipality: Municipality, rows: list[CheckedRow], facts: list[dict[str, Any]]
) -> dict[tuple[str, str, str], CloudService]:
    """The catalogue's service of each row, as find_or_register_service would find or add it, with the
    providers and services already registered read in two queries and the new ones added in batches."""
    providers = {p.name_key: p for p in Provider.objects.filter(municipality=municipality)}
    new_providers: dict[str, Provider] = {}
    for row in rows:
        key = name_key(row.values["provider_name"])
        if key not in providers and key not in new_providers:
            name = row.values["provider_name"].strip()
            new_providers[key] = Provider(municipality=municipality, name=name, name_key=name_key(name))
    insert_new(list(new_providers.values()))
    providers |= new_providers
    registered = CloudService.objects.filter(provider__municipality=municipality).select_related("provider")
    services = {
        (s.provider.name_key, s.name_key, s.function_key): s
        for s in registered.only("name_key", "function_key", "provider__name_key")
    }
    new_services: dict[tuple[str, str, str], CloudService] = {}
    for row, row_facts in zip(rows, facts, strict=True):
        service_key = _service_key(row.values)
        if service_key not in services and service_key not in new_services:
            name = row.values["service_name"].strip()
            function_name = row.values.get("function_name", "").strip()
            new_services[service_key] = CloudService(
                provider=providers[service_key[0]],
                name=name,
                function_name=function_name,
                service_model=ServiceModel(row_facts["service_model"]),
                name_key=name_key(name),
                function_key=name_key(function_name),
            )
    insert_new(list(new_services.values()))
    record_many(
        acting_user,
        Action.PROVIDER_CREATE,
        [(provider, None, state_of(provider, "name")) for provider in new_providers.values()],
        municipality=municipality,
    )
    record_many(
        acting_user,
        Action.SERVICE_CREATE,
        [
            (service, None, state_of(service, "provider", "name", "function_name", "service_model"))
            for service in new_services.values()
        ],
        municipality=municipality,
    )
    return services | new_services
