"""The browser harness, the one-database marker and the rules that keep the suite parallel.

Browser: real Chromium (Debian's /usr/bin/chromium) driven by Playwright's sync API. Mark browser tests
with @pytest.mark.browser. The `page` fixture opens a fresh browser context on pytest-django's
live_server (Japanese locale, Tokyo time) and saves a screenshot of the last state to
artifacts/screenshots/<test name>.png when the test ends; `screenshot(page, "step")` saves more.

One database: a test that uses no database (no `db`, `transactional_db`, `django_db` marker or
`live_server`), and every browser test, is marked `one_database` at collection; scripts/test runs those
on the SQLite pass only (`-m "not one_database"` on PostgreSQL). So are the modules in SHOWN_NOT_STORED
below, by this rule: a module whose every test builds its data through the usual actions and then checks
only what is SHOWN — the words, markup and headers of pages, a printed form's layout, the OpenAPI
document, a token's signature — gives the same result on any database. A module runs on PostgreSQL too
as soon as one of its tests checks what the database does: a write that can be refused (constraints,
transactions, locking, bulk writes, imports), a search, an order, a count or a page of results, a
migration, raw SQL, or arbitrary input reaching a query (fuzzers: PostgreSQL refuses NUL characters
and integers out of range where SQLite takes them). Who may reach what (the access crawls) stays on
both. In doubt, a module stays on both.

xdist rules: scripts/test runs the suite with pytest-xdist (`-n auto --dist loadfile`): each worker
is a separate process with its own test database (test_kumokan_gw0, …), and a whole test file runs on
one worker, so module-scoped fixtures are built once. A test must therefore
- take ports from the kernel (bind to port 0, or pytest-django's live_server), never a fixed port;
- write files under tmp_path / tmp_path_factory (per test, per worker), not in the checkout or /tmp
  under a fixed name; screenshots are named after the test, so browser test names stay unique;
- share nothing through Redis, the environment or a global cache without the worker's own key:
  the environment's PYTEST_XDIST_WORKER (gw0, gw1…; unset without xdist) names the worker, e.g.
  test_queue.py takes its Redis database number from it;
- not depend on the order of test files or on another file's tests having run;
- have a node id of its own (collection stops otherwise: xdist would run only one of them).

Test databases, built once per run: migrating a new database (94 migrations; Django renders the models'
state again after each) costs ~20 s of CPU, once per worker and pass. So the first process of a run that
needs a test database migrates it and keeps a copy as the run's template (SQLite: a file; PostgreSQL: a
database `test_<name>_template`, as CREATE DATABASE … TEMPLATE copies it), and every other worker copies
that template into its own database instead of migrating (`django_db_setup` below). The run's templates
live in the directory KUMOKAN_TEST_DB_TEMPLATES names (scripts/test builds both there while the static
checks run, `build_test_database_template()`), or else, under xdist, in the run's temporary directory
that all its workers share. A plain `pytest` without xdist migrates as pytest-django does.
"""

from __future__ import annotations

import fcntl
import os
import re
import sqlite3
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import HealthCheck, settings

if TYPE_CHECKING:
    from django.db.backends.base.base import BaseDatabaseWrapper
    from playwright.sync_api import Browser, Page
    from pytest_django.live_server_helper import LiveServer

CHROMIUM = "/usr/bin/chromium"
# This machine has no network but loopback: without the background-networking flags Chromium keeps
# trying to reach its vendor's hosts. --no-sandbox because CI runs as root.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parent / "artifacts" / "screenshots"
# Fixtures through which a test reaches the database (live_server asks for transactional_db itself).
DATABASE_FIXTURES = {"_django_db_helper", "live_server"}
# Hypothesis' timing checks measure the machine, not the code: on two cores shared with other work a
# plain @given(dates) failed "input generation is slow" (6 inputs in 2.2 s) in a whole-suite run. The
# number of examples is each test's own and unchanged.
settings.register_profile("kumokan", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("kumokan")

# Modules that check only what is shown (the rule is in the module's docstring): the SQLite pass only.
SHOWN_NOT_STORED = {
    # Words: the pages in English and Japanese, no seed file names on pages.
    "kumokan/applications/tests/test_english.py",
    "kumokan/catalog/tests/test_english.py",
    "kumokan/tenancy/tests/test_english.py",
    "kumokan/notifications/tests/test_english.py",
    "kumokan/rulebook/tests/test_no_identifiers_on_pages.py",
    # Pages' markup and headers: error pages, no-store, the static files.
    "kumokan/core/tests/test_error_pages.py",
    "kumokan/core/tests/test_no_store.py",
    "kumokan/core/tests/test_static_files.py",
    # Printed forms (PDF and XLSX layout, rendered to images).
    "kumokan/documents/tests/test_printed_forms.py",
    # The OpenAPI document and the codes it lists.
    "kumokan/api/tests/test_openapi.py",
    "kumokan/api/tests/test_error_codes_match.py",
    "kumokan/webhooks/tests/test_openapi_webhooks.py",
    # A sign-in token's signature, audience, issuer and lifetime (PyJWT).
    "kumokan/accounts/tests/test_sso_token_checks.py",
    # Generated reasons and notes in the reader's language on the demo cities' pages.
    "kumokan/rulebook/tests/test_generated_notes_in_the_readers_language.py",
    # The city's words, brackets and labels on pages and printouts (issue 17): what is shown.
    "kumokan/applications/tests/test_provider_in_city_words.py",
    "kumokan/applications/tests/test_track_badge_words.py",
    "kumokan/core/tests/test_words_in_their_sense.py",
    "kumokan/lifecycle/tests/test_brackets_in_english.py",
    "kumokan/rulebook/tests/test_sentences_in_city_words.py",
    "kumokan/procurement/tests/test_printouts_in_city_words.py",
    "kumokan/tenancy/tests/test_words_follow_the_page.py",
    "kumokan/tenancy/tests/test_classification_in_english.py",
    "kumokan/ledger/tests/test_history_names.py",
    # Every notification of the four demos opens for its recipient: the demos' pages, read; who is told
    # (a query) runs on both databases in lifecycle/tests/test_told_only_what_they_may_open.py.
    "kumokan/demo/tests/test_demo_notification_links.py",
}

# The slowest files, slowest first: xdist (--dist loadfile) hands out files in collection order, so these
# go first and the end of a pass is many small files spread over the workers instead of one long file
# running on one worker while the other waits. Measured: the summed --durations=0 of a SQLite pass
# (load average 12-18, so read the order, not the seconds: BENCHMARKS.md, "The test suite"); the other
# files keep their order, after these.
SLOWEST_FIRST = [
    "kumokan/api/tests/test_schemathesis.py",  # 750 s
    "kumokan/rulebook/tests/test_generated_notes_in_the_readers_language.py",  # 592 s
    "kumokan/demo/tests/test_demo_command.py",  # 383 s
    "kumokan/core/tests/test_tenant_isolation_crawl.py",  # 347 s
    "kumokan/core/tests/test_accessibility_browser.py",  # 344 s
    "kumokan/documents/tests/test_export_in_city_words.py",  # 282 s
    "kumokan/policy/tests/test_properties.py",  # 229 s
    "kumokan/accounts/tests/test_saml_checks.py",  # 212 s
    "kumokan/demo/tests/test_demo_from_pack.py",  # 179 s
    "kumokan/core/tests/test_form_fuzz.py",  # 167 s
    "kumokan/api/tests/test_same_refusals_as_the_ui.py",  # 162 s
    "kumokan/rulebook/tests/test_no_identifiers_on_pages.py",  # 148 s
    "kumokan/ledger/tests/test_ledger_list_cursor.py",  # 129 s
    "kumokan/core/tests/test_tenant_isolation_api_writes.py",  # 112 s
    "kumokan/applications/tests/test_journey_browser.py",  # 112 s
    "kumokan/tenancy/tests/test_pack_versions_migration.py",  # 111 s
    "kumokan/core/tests/test_permission_matrix.py",  # 110 s
    "kumokan/documents/tests/test_printed_forms.py",  # 108 s
    "kumokan/policy/tests/test_schemas.py",  # 97 s
    "kumokan/demo/tests/test_demo_catalogue.py",  # 93 s
    "kumokan/api/tests/test_ledger.py",  # 90 s
    "kumokan/policy/tests/test_cli.py",  # 88 s
    "kumokan/accounts/tests/test_saml_linking.py",  # 87 s
    "kumokan/audit/tests/test_rekey_migration.py",  # 85 s
    # Added 2026-12-04 (quiet machine, -n 2): the four demos' notifications 40 s, the action labels' setup 15 s.
    "kumokan/demo/tests/test_demo_notification_links.py",
    "kumokan/tenancy/tests/test_action_labels_in_city_words.py",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark `one_database` what gives the same result on any database: see the module's docstring.

    Put the slowest files first (SLOWEST_FIRST). And give every test a node id of its own: pytest-xdist's --dist loadfile keeps its work by node id,
    so of several tests with one id it would run only the first. Schemathesis (4.32 on pytest 9) names
    all the operations of test_schemathesis.py alike; their names (test…[GET /api/v1/…]) differ.
    """
    seen: set[str] = set()
    for item in items:
        if not item.nodeid.endswith(f"::{item.name}") and item.parent is not None and hasattr(item, "_id"):
            item._id = item.parent.id.child(item.name)  # type: ignore[attr-defined]
        if item.nodeid in seen:
            raise pytest.UsageError(f"two tests are named {item.nodeid}: xdist would run only one")
        seen.add(item.nodeid)
        uses_database = item.get_closest_marker("django_db") is not None or bool(
            DATABASE_FIXTURES & set(getattr(item, "fixturenames", ()))
        )
        shown_only = item.nodeid.split("::", 1)[0] in SHOWN_NOT_STORED
        if not uses_database or shown_only or item.get_closest_marker("browser") is not None:
            item.add_marker(pytest.mark.one_database)
    rank = {path: index for index, path in enumerate(SLOWEST_FIRST)}
    # A stable sort: each file's tests stay together and in their order.
    items.sort(key=lambda item: rank.get(item.nodeid.split("::", 1)[0], len(rank)))


TEMPLATES = "KUMOKAN_TEST_DB_TEMPLATES"


def _template_name(connection: BaseDatabaseWrapper, directory: Path) -> str:
    """Where the run's template of this connection's test database is: a file (SQLite) or a database."""
    if connection.vendor == "sqlite":
        return str(directory / f"template-{connection.alias}.sqlite3")
    return f"{connection.creation._get_test_db_name().removesuffix(_xdist_suffix())}_template"


def _xdist_suffix() -> str:
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    return f"_{worker}" if worker else ""


def _export_template(connection: BaseDatabaseWrapper, template: str) -> None:
    """Keep a copy of the freshly migrated test database (the connection's) as the run's template."""
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        partial = f"{template}.partial"
        with sqlite3.connect(partial) as target:
            connection.connection.backup(target)
        target.close()
        os.replace(partial, template)
        return
    # CREATE DATABASE … TEMPLATE refuses while anyone is connected to the source.
    source = connection.settings_dict["NAME"]
    connection.close()
    quote = connection.ops.quote_name
    with connection.creation._nodb_cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {quote(template)}")
        cursor.execute(f"CREATE DATABASE {quote(template)} WITH TEMPLATE {quote(source)}")


def _copy_template(connection: BaseDatabaseWrapper, template: str) -> str:
    """Make the connection's test database a copy of the template, as create_test_db would have made it."""
    from django.conf import settings

    name = connection.creation._get_test_db_name()
    if connection.vendor == "postgresql":
        quote = connection.ops.quote_name
        with connection.creation._nodb_cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {quote(name)}")
            cursor.execute(f"CREATE DATABASE {quote(name)} WITH TEMPLATE {quote(template)}")
    connection.close()
    settings.DATABASES[connection.alias]["NAME"] = name
    connection.settings_dict["NAME"] = name
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        # The in-memory database lives as long as this connection (Django never closes it).
        with sqlite3.connect(template) as source:
            source.backup(connection.connection)
        source.close()
    return name


def _test_database_from_template(
    connection: BaseDatabaseWrapper, directory: Path, serialize: bool
) -> tuple[BaseDatabaseWrapper, str, bool]:
    """Give this process its test database: the run's template copied, built first if no one has.

    Returns what django.test.utils.setup_databases lists for teardown_databases.
    """
    old_name = connection.settings_dict["NAME"]
    template = _template_name(connection, directory)
    built = directory / f"template-{connection.vendor}-{connection.alias}.built"
    with open(directory / f"template-{connection.vendor}-{connection.alias}.lock", "w") as lock:
        # One process migrates; the others wait here for its template.
        fcntl.flock(lock, fcntl.LOCK_EX)
        if built.exists():
            _copy_template(connection, template)
        else:
            connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
            _export_template(connection, template)
            built.touch()
            connection.ensure_connection()
    if serialize:
        connection._test_serialized_contents = connection.creation.serialize_db_to_string()
    return connection, old_name, True


def build_test_database_template() -> None:
    """Build the run's template in KUMOKAN_TEST_DB_TEMPLATES before the tests start (scripts/test).

    For the database that KUMOKAN_DATABASE_URL names (SQLite when unset), as a worker would; the tests'
    processes then only copy it. Run as `python -c 'import conftest; conftest.build_test_database_template()'`.
    """
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kumokan.config.testing")
    django.setup()
    from django.db import connections

    connection = connections["default"]
    old_name = connection.settings_dict["NAME"]
    _test_database_from_template(connection, Path(os.environ[TEMPLATES]), serialize=False)
    if connection.vendor != "sqlite":
        connection.creation.destroy_test_db(old_name, verbosity=0)


@pytest.fixture(scope="session")
def django_db_setup(
    request: pytest.FixtureRequest,
    django_test_environment: None,
    django_db_blocker: Any,
    django_db_modify_db_settings: None,
    django_db_use_migrations: bool,
    django_db_keepdb: bool,
    django_db_createdb: bool,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[None]:
    """pytest-django's, with each test database copied from the run's template (module docstring).

    With --nomigrations or --reuse-db, pytest-django's own way.
    """
    from django.db import connections
    from django.test.utils import setup_databases, teardown_databases
    from pytest_django.fixtures import _disable_migrations, _get_databases_for_setup

    aliases, serialized_aliases = _get_databases_for_setup(request.session.items)
    keepdb = django_db_keepdb and not django_db_createdb
    directory: Path | None = None
    if not django_db_use_migrations or keepdb:
        pass
    elif os.environ.get(TEMPLATES):
        directory = Path(os.environ[TEMPLATES])
    elif os.environ.get("PYTEST_XDIST_WORKER"):
        directory = tmp_path_factory.getbasetemp().parent
    with django_db_blocker.unblock():
        if directory is None:
            if not django_db_use_migrations:
                _disable_migrations()
            config = setup_databases(
                verbosity=request.config.option.verbose,
                interactive=False,
                aliases=aliases,
                serialized_aliases=serialized_aliases,
                keepdb=keepdb,
            )
        else:
            config = [
                _test_database_from_template(connections[alias], directory, alias in serialized_aliases)
                for alias in sorted(aliases)
            ]
    yield
    if not keepdb:
        with django_db_blocker.unblock():
            teardown_databases(config, verbosity=request.config.option.verbose)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; Django then refuses ORM calls from
    # the test body unless told that this is deliberate.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            # A plain launch starts from a new, empty profile directory every time.
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def save_screenshot(page: Page, name: str, timeout: float | None = None) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{re.sub(r'[^A-Za-z0-9_.-]+', '_', name).strip('_')}.png"
    page.screenshot(path=str(path), full_page=True, timeout=timeout)
    return path


def keep_last_screenshot(page: Page, name: str) -> None:
    """The page as the test left it, kept for a person to look at (artifacts/screenshots). It is a
    record, not a check: on a machine too busy to draw a long page within a minute it is left out with
    a warning instead of failing a test whose assertions all held (seen at load average 12)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        save_screenshot(page, name, timeout=60_000)
    except PlaywrightTimeout:
        warnings.warn(f"no screenshot of {name}: the page was not drawn within a minute", stacklevel=1)


@pytest.fixture
def page(browser: Browser, live_server: LiveServer, request: pytest.FixtureRequest) -> Iterator[Page]:
    # A staff member's browser in a Japanese city hall asks for Japanese.
    context = browser.new_context(
        base_url=live_server.url,
        locale="ja-JP",
        timezone_id="Asia/Tokyo",
        viewport={"width": 1280, "height": 800},
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        yield page
        keep_last_screenshot(page, request.node.name)
    finally:
        context.close()


@pytest.fixture
def html_page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A Chromium page with no server behind it: `html_page.set_content(html)` renders HTML fetched in-process.

    For checks of the markup itself (escaping), which need no live_server and no transactional database;
    nothing is fetched, so scripts and styles the page links to are not loaded.
    """
    context = browser.new_context(
        locale="ja-JP", timezone_id="Asia/Tokyo", viewport={"width": 1280, "height": 800}
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        yield page
        keep_last_screenshot(page, request.node.name)
    finally:
        context.close()


@pytest.fixture
def screenshot(request: pytest.FixtureRequest) -> Callable[..., Path]:
    """screenshot(page, "step") saves artifacts/screenshots/<test name>-step.png."""

    def screenshot(page: Page, step: str = "") -> Path:
        return save_screenshot(page, f"{request.node.name}-{step}" if step else request.node.name)

    return screenshot


@pytest.fixture
def login() -> Callable[[Page, str, str], None]:
    """login(page, username, password) signs in through the login form, as a person would."""

    def login(page: Page, username: str, password: str) -> None:
        from django.contrib.auth import get_user_model

        from kumokan.accounts.testing import device_for, fresh_code
        from kumokan.accounts.two_factor import requires_two_factor

        user = get_user_model().objects.filter(username=username).first()
        if user is not None and requires_two_factor(user):
            device_for(user)  # an approver, chief… has enrolled an authenticator app
        page.goto("/login/")
        page.locator("#id_username").fill(username)
        page.locator("#id_password").fill(password)
        with page.expect_navigation():
            page.locator("main form button[type=submit]").click()
        assert "/login/" not in page.url, f"login failed for {username!r}"
        if "/accounts/two-factor/verify/" in page.url:
            page.locator("#id_token").fill(fresh_code(device_for(user)))
            with page.expect_navigation():
                page.locator("main form button[type=submit]").click()
            assert "/accounts/two-factor/" not in page.url, f"two-factor step failed for {username!r}"

    return login


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    """Each test starts in the site's default language, as a new request or worker process does.

    Django keeps the language a view activated (LocaleMiddleware) for the rest of the thread: a test
    that read an English page left English active for whichever test ran next in the same worker,
    so texts built outside a request (notifications, invitations) came out in English or Japanese
    depending on the order of the files.
    """
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _force_login_completes_two_factor(monkeypatch: pytest.MonkeyPatch) -> None:
    """client.force_login(user) signs in with both factors, as a person with an authenticator app would.

    Without it every test of an approver's or administrator's page would land on the two-factor
    step (kumokan.accounts.middleware); the tests of that step sign in through the login form.
    """
    from django.test.client import ClientMixin

    original = ClientMixin.force_login

    def force_login(self: ClientMixin, user: object, backend: str | None = None) -> None:
        from kumokan.accounts.testing import verify_client_session

        original(self, user, backend)
        verify_client_session(self, user)

    monkeypatch.setattr(ClientMixin, "force_login", force_login)
