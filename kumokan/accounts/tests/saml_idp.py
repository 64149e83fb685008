"""A real SAML 2.0 IdP (pysaml2's saml2.server.Server) served over HTTP on a free loopback port.

It reads kumokan's signed AuthnRequest (HTTP-Redirect, signature checked against kumokan's SP metadata),
answers with a signed Response (HTTP-POST form) for the person signed in at it, and handles single
logout both ways. `options` steers one answer the way a misconfigured or hostile IdP would send it.
"""

from __future__ import annotations

import datetime
import html
import re
import shutil
import threading
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urljoin, urlsplit
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.config import IdPConfig
from saml2.metadata import entity_descriptor
from saml2.saml import AUTHN_PASSWORD_PROTECTED, NAME_FORMAT_URI, NAMEID_FORMAT_PERSISTENT, NameID
from saml2.server import Server
from saml2.sigver import SIG_RSA_SHA256

KUMOKAN = "http://testserver"


def key_pair(directory: Path, name: str) -> tuple[Path, Path]:
    """A fresh RSA key and self-signed certificate (PEM files), as a city's IdP or kumokan would have."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    key_path, cert_path = directory / f"{name}.key", directory / f"{name}.crt"
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    return key_path, cert_path


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


DEFAULTS: dict[str, Any] = {
    "sign": "assertion",  # "assertion", "response", "none" or "impostor" (another key, same entityID)
    "audience": None,  # another SP entityID than the request's
    "destination": None,  # another ACS URL than the request's
    "name_id_format": NAMEID_FORMAT_PERSISTENT,
    "unsolicited": False,  # answer without InResponseTo
    "lifetime_minutes": 5,
}


class TestIdP:
    """One IdP process-local thread; `person`, `login` and `options` steer it as the city's IdP staff would."""

    __test__ = False

    def __init__(self, workdir: Path, name: str) -> None:
        self.workdir = workdir
        self.key, self.cert = key_pair(workdir, name)
        self.impostor_key, self.impostor_cert = key_pair(workdir, f"{name}-impostor")
        self.people: dict[str, dict[str, list[str]]] = {}
        self.login: str | None = None
        self.options: dict[str, Any] = dict(DEFAULTS)
        self.sp_metadata: list[str] = []
        self.logouts: list[str] = []
        self.last_request_id = ""
        self.httpd: WSGIServer = make_server("127.0.0.1", 0, self._wsgi, handler_class=_Quiet)
        self.base = f"http://127.0.0.1:{self.httpd.server_port}"
        self.entity_id = f"{self.base}/idp"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    @property
    def certificate(self) -> str:
        return self.cert.read_text()

    def reset(self) -> None:
        self.people.clear()
        self.login = None
        self.options = dict(DEFAULTS)
        self.sp_metadata.clear()
        self.logouts.clear()

    def person(self, name_id: str, **attributes: str | list[str]) -> None:
        """The person exists at the IdP with these attributes (or their attributes change to these)."""
        self.people[name_id] = {
            key: value if isinstance(value, list) else [value] for key, value in attributes.items()
        }

    def trust(self, sp_metadata: str) -> None:
        """Register kumokan's SP metadata, as the city's IdP administrator does."""
        self.sp_metadata.append(sp_metadata)

    def server(self, impostor: bool = False) -> Server:
        config = IdPConfig()
        config.load(
            {
                "entityid": self.entity_id,
                "xmlsec_binary": shutil.which("xmlsec1"),
                "key_file": str(self.impostor_key if impostor else self.key),
                "cert_file": str(self.impostor_cert if impostor else self.cert),
                "metadata": {"inline": list(self.sp_metadata)},
                "allow_unknown_attributes": True,
                "service": {
                    "idp": {
                        "endpoints": {
                            "single_sign_on_service": [(f"{self.base}/sso", BINDING_HTTP_REDIRECT)],
                            "single_logout_service": [(f"{self.base}/slo", BINDING_HTTP_REDIRECT)],
                        },
                        "policy": {
                            "default": {
                                "lifetime": {"minutes": self.options["lifetime_minutes"]},
                                "attribute_restrictions": None,
                                "name_form": NAME_FORMAT_URI,
                            }
                        },
                        "name_id_format": [NAMEID_FORMAT_PERSISTENT],
                        # kumokan's requests must carry its signature (checked against its metadata).
                        "want_authn_requests_signed": True,
                    }
                },
            }
        )
        return Server(config=config)

    def respond(self, in_response_to: str | None, destination: str, audience: str) -> str:
        """A Response for the signed-in person, as options say; returns the HTTP-POST form's HTML."""
        assert self.login is not None, "nobody is signed in at the IdP"
        options = self.options
        sign = options["sign"]
        server = self.server(impostor=sign == "impostor")
        response = server.create_authn_response(
            identity=self.people.get(self.login, {}),
            in_response_to=None if options["unsolicited"] else in_response_to,
            destination=options["destination"] or destination,
            sp_entity_id=options["audience"] or audience,
            name_id=NameID(format=options["name_id_format"], text=self.login),
            authn={"class_ref": AUTHN_PASSWORD_PROTECTED},
            sign_assertion=sign in ("assertion", "impostor"),
            sign_response=sign == "response",
            sign_alg=SIG_RSA_SHA256,
        )
        info = server.apply_binding(BINDING_HTTP_POST, str(response), destination, response=True)
        return str(info["data"])

    def logout_request_url(self, sls_url: str, sp_entity_id: str, name_id: str, signed: bool = True) -> str:
        """An IdP-initiated LogoutRequest for `name_id` (as when the city disables the person)."""
        server = self.server()
        _, logout_request = server.create_logout_request(
            sls_url,
            sp_entity_id,
            name_id=NameID(format=NAMEID_FORMAT_PERSISTENT, text=name_id),
            sign=False,
        )
        info = server.apply_binding(
            BINDING_HTTP_REDIRECT, str(logout_request), sls_url, sign=signed, sigalg=SIG_RSA_SHA256
        )
        return str(dict(info["headers"])["Location"])

    def _wsgi(self, environ: dict[str, Any], start_response: Any) -> list[bytes]:
        path = environ["PATH_INFO"]
        query = {key: values[0] for key, values in parse_qs(environ.get("QUERY_STRING", "")).items()}
        try:
            if path == "/sso":
                return self._sso(query, start_response)
            if path == "/slo":
                return self._slo(query, start_response)
            if path == "/idp":  # the metadata, at the entityID as many IdPs serve it
                start_response("200 OK", [("Content-Type", "application/samlmetadata+xml")])
                return [str(entity_descriptor(self.server().config)).encode()]
        except Exception as exc:  # the test sees the IdP's refusal as a 400 page
            start_response("400 Bad Request", [("Content-Type", "text/plain")])
            return [f"{type(exc).__name__}: {exc}".encode()]
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"not found"]

    def _sso(self, query: dict[str, str], start_response: Any) -> list[bytes]:
        server = self.server()
        request = server.parse_authn_request(
            query["SAMLRequest"],
            BINDING_HTTP_REDIRECT,
            relay_state=query.get("RelayState"),
            sigalg=query.get("SigAlg"),
            signature=query.get("Signature"),
        )
        if request is None:
            raise ValueError("the AuthnRequest failed its checks")
        self.last_request_id = request.message.id
        if self.login is None:
            start_response("401 Unauthorized", [("Content-Type", "text/html")])
            return [b"<form>sign in at the IdP</form>"]
        args = server.response_args(request.message, [BINDING_HTTP_POST])
        page = self.respond(args["in_response_to"], args["destination"], args["sp_entity_id"])
        start_response("200 OK", [("Content-Type", "text/html; charset=utf-8")])
        return [page.encode()]

    def _slo(self, query: dict[str, str], start_response: Any) -> list[bytes]:
        server = self.server()
        if "SAMLResponse" in query:  # kumokan's answer to an IdP-initiated logout
            start_response("200 OK", [("Content-Type", "text/plain")])
            return [b"logged out at kumokan"]
        request = server.parse_logout_request(
            query["SAMLRequest"],
            BINDING_HTTP_REDIRECT,
            relay_state=query.get("RelayState"),
            sigalg=query.get("SigAlg"),
            signature=query.get("Signature"),
        )
        if request is None:
            raise ValueError("the LogoutRequest failed its checks")
        self.logouts.append(request.message.name_id.text)
        self.login = None
        args = server.response_args(request.message, [BINDING_HTTP_REDIRECT])
        response = server.create_logout_response(request.message, [BINDING_HTTP_REDIRECT], sign=False)
        info = server.apply_binding(
            BINDING_HTTP_REDIRECT,
            str(response),
            args["destination"],
            relay_state=query.get("RelayState", ""),
            response=True,
            sign=True,
            sigalg=SIG_RSA_SHA256,
        )
        start_response("302 Found", [("Location", str(dict(info["headers"])["Location"]))])
        return [b""]

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def post_form(page: str) -> tuple[str, dict[str, str]]:
    """The action and fields of the form that carries a SAMLResponse (the IdP's, or kumokan's re-post)."""
    for action, body in re.findall(r'<form[^>]*action="([^"]*)"[^>]*>(.*?)</form>', page, re.DOTALL):
        fields = {
            html.unescape(name): html.unescape(value)
            for name, value in re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', body)
        }
        if "SAMLResponse" in fields:
            return html.unescape(action), fields
    raise AssertionError(f"no SAML form in the page: {page[:500]}")


def visit_idp(location: str, kumokan: str = KUMOKAN) -> tuple[str, dict[str, str]]:
    """The person's browser at the IdP: GET the AuthnRequest URL; returns the ACS path and form fields."""
    response = requests.get(location, allow_redirects=False, timeout=10)
    assert response.status_code == 200, response.text[:500]
    action, fields = post_form(response.text)
    assert action.startswith(kumokan), action
    return urlsplit(action).path, fields


def follow_to_kumokan(location: str, kumokan: str = KUMOKAN) -> str:
    """Follow IdP redirects (single logout) until the browser is sent back to kumokan; returns that path+query."""
    response = requests.get(location, allow_redirects=False, timeout=10)
    for _ in range(10):
        assert response.is_redirect, response.text[:500]
        location = urljoin(location, response.headers["Location"])
        if location.startswith(kumokan):
            parts = urlsplit(location)
            return parts.path + (f"?{parts.query}" if parts.query else "")
        response = requests.get(location, allow_redirects=False, timeout=10)
    raise AssertionError("too many redirects at the IdP")
