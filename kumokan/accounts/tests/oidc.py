"""A real OpenID Connect provider (npm `oidc-provider`) on a free loopback port, and a browser for it.

The Django test client plays kumokan's side; `ProviderBrowser` (requests, with the provider's cookies)
plays the person's browser at the provider, so every redirect, form and token call is the real one.
"""

from __future__ import annotations

import fcntl
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests

SERVER_DIR = Path(__file__).parent / "oidc_provider"
CLIENT_ID = "kumokan"
CLIENT_SECRET = "a client secret only the loopback test provider knows"
SECRET_VARIABLE = "KUMOKAN_TEST_SSO_CLIENT_SECRET"
# The callbacks the provider accepts: one per identity provider slug the tests configure.
SLUGS = ("kobe", "amagasaki")
KUMOKAN = "http://testserver"


def install_server() -> None:
    """`npm ci` once (the lock file pins oidc-provider), safe when several test workers start at once."""
    if (SERVER_DIR / "node_modules" / "oidc-provider").is_dir():
        return
    if shutil.which("node") is None or shutil.which("npm") is None:
        raise RuntimeError("The single sign-on tests need Node.js and npm (scripts/test installs them).")
    with open(SERVER_DIR / "package-lock.json", "rb") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (SERVER_DIR / "node_modules" / "oidc-provider").is_dir():
            subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=SERVER_DIR, check=True)


class TestProvider:
    """One provider process; `person`, `disable` and `impostor_key` steer it as the city's IdP staff would."""

    __test__ = False

    def __init__(self, workdir: Path, kumokan: str = KUMOKAN) -> None:
        install_server()
        client = {
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "redirect_uris": [f"{kumokan}/sso/{slug}/callback/" for slug in SLUGS],
            "post_logout_redirect_uris": [f"{kumokan}/login/"],
            "grant_types": ["authorization_code", "refresh_token"],
            "response_types": ["code"],
            "token_endpoint_auth_method": "client_secret_post",
        }
        config = workdir / "provider.json"
        config.write_text(json.dumps({"clients": [client]}))
        self.log = workdir / "provider.log"
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(
                ["node", str(SERVER_DIR / "server.mjs"), str(config)], stdout=subprocess.PIPE, stderr=log
            )
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line:
            self.process.wait(timeout=10)
            raise RuntimeError(f"The test provider did not start: {self.log.read_text()}")
        self.issuer: str = json.loads(line)["issuer"]

    def _control(self, method: str, path: str, body: Any = None) -> None:
        response = requests.request(method, f"{self.issuer}/__test/{path}", json=body, timeout=10)
        response.raise_for_status()

    def person(self, sub: str, **claims: Any) -> None:
        """The person exists at the provider with these claims (or their claims change to these)."""
        self._control("PUT", f"accounts/{sub}", claims)

    def disable(self, sub: str) -> None:
        self._control("DELETE", f"accounts/{sub}")

    def impostor_key(self, on: bool) -> None:
        """Publish another key under the signing key's id, as if tokens were signed by a stranger."""
        self._control("PUT", "impostor-key", {"on": on})

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


class ProviderBrowser:
    """The person's browser at the provider: follows its redirects and fills in its sign-in form."""

    def __init__(self, kumokan: str = KUMOKAN) -> None:
        self.session = requests.Session()
        self.kumokan = kumokan

    def visit(self, url: str, login: str | None = None) -> str:
        """Follow `url` at the provider until it sends the browser back to kumokan; returns that URL's path.

        At the sign-in form, signs in as `login` (AssertionError if the provider asks and none is given).
        """
        response = self.session.get(url, allow_redirects=False, timeout=10)
        for _ in range(20):
            if response.is_redirect:
                url = urljoin(url, response.headers["Location"])
                if url.startswith(self.kumokan):
                    parts = urlsplit(url)
                    return parts.path + (f"?{parts.query}" if parts.query else "")
                response = self.session.get(url, allow_redirects=False, timeout=10)
            elif 'action="/interaction/' in response.text and "/login" in response.text:
                assert login is not None, "the provider asked the person to sign in"
                uid = urlsplit(url).path.rstrip("/").split("/")[-1]
                action = urljoin(url, f"/interaction/{uid}/login")
                response = self.session.post(action, data={"login": login}, allow_redirects=False, timeout=10)
                login = None
            elif 'name="logout"' in response.text:
                response = self._confirm_logout(url, response.text)
            else:
                raise AssertionError(
                    f"unexpected page at the provider ({response.status_code}): {response.text[:500]}"
                )
        raise AssertionError("too many redirects at the provider")

    def _confirm_logout(self, url: str, html: str) -> requests.Response:
        """Answer the provider's "sign out?" page with yes (its form carries an xsrf token)."""
        form = html.split("<form", 1)[1].split("</form>", 1)[0]
        action = form.split('action="', 1)[1].split('"', 1)[0]
        fields = {}
        for chunk in form.split("<input")[1:]:
            name = chunk.split('name="', 1)[1].split('"', 1)[0]
            value = chunk.split('value="', 1)[1].split('"', 1)[0] if 'value="' in chunk else ""
            fields[name] = value
        fields["logout"] = "yes"
        return self.session.post(urljoin(url, action), data=fields, allow_redirects=False, timeout=10)

    def abort(self, url: str) -> str:
        """At the sign-in form, press Cancel: the provider answers kumokan with access_denied."""
        response = self.session.get(url, allow_redirects=False, timeout=10)
        while response.is_redirect:
            url = urljoin(url, response.headers["Location"])
            response = self.session.get(url, allow_redirects=False, timeout=10)
        uid = urlsplit(url).path.rstrip("/").split("/")[-1]
        response = self.session.post(
            urljoin(url, f"/interaction/{uid}/abort"), allow_redirects=False, timeout=10
        )
        return self.visit(urljoin(url, response.headers["Location"]))
