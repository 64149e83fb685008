"""A small crawler for the tests: follow a signed-in person's links and collect every form they can reach.

The form-fuzzing and cross-site-scripting tests use it, so a new page or form is covered as soon as some
page links to it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlsplit

# Never followed: signing out, switching language, and the static files and admin, which are no one's data.
SKIPPED = re.compile(r"^/(logout/|i18n/|static/|admin/|accounts/two-factor/remove/)")
PER_PATTERN = 2


@dataclass
class Field:
    name: str
    kind: str  # input type, "select", "textarea"
    value: str = ""
    options: list[str] = field(default_factory=list)
    checked: bool = False


@dataclass
class Form:
    page: str
    action: str
    method: str
    enctype: str
    fields: list[Field]

    def values(self) -> dict[str, Any]:
        """What a browser would send if the person submitted the form as it is shown."""
        data: dict[str, Any] = {}
        for f in self.fields:
            if f.kind in ("checkbox", "radio") and not f.checked:
                continue
            if f.kind in ("submit", "button", "file", "reset", "image"):
                continue
            if f.kind == "select" and not f.value and f.options:
                data.setdefault(f.name, f.options[0])
                continue
            data.setdefault(f.name, f.value)
        return data

    @property
    def pattern(self) -> str:
        return re.sub(r"\d+", "N", self.action)


class _Parser(HTMLParser):
    def __init__(self, base: str) -> None:
        super().__init__(convert_charrefs=True)
        self.base = base
        self.links: list[str] = []
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: Field | None = None
        self._textarea: Field | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "a" and a.get("href"):
            self.links.append(urljoin(self.base, a["href"]))
        elif tag == "form":
            action = urljoin(self.base, a.get("action") or self.base)
            self._form = Form(self.base, action, a.get("method", "get").lower(), a.get("enctype", ""), [])
            self.forms.append(self._form)
        elif self._form is not None and tag == "input" and a.get("name"):
            self._form.fields.append(
                Field(a["name"], a.get("type", "text").lower(), a.get("value", ""), checked="checked" in a)
            )
        elif self._form is not None and tag == "button" and a.get("name"):
            self._form.fields.append(Field(a["name"], "submit", a.get("value", "")))
        elif self._form is not None and tag == "select" and a.get("name"):
            self._select = Field(a["name"], "select")
            self._form.fields.append(self._select)
        elif self._select is not None and tag == "option":
            self._select.options.append(a.get("value", ""))
            if "selected" in a:
                self._select.value = a.get("value", "")
        elif self._form is not None and tag == "textarea" and a.get("name"):
            self._textarea = Field(a["name"], "textarea")
            self._form.fields.append(self._textarea)

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea.value += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


@dataclass
class Crawl:
    pages: dict[str, int] = field(default_factory=dict)  # path -> status
    html: list[str] = field(default_factory=list)  # the paths that answered 200 with a page
    bodies: dict[str, str] = field(default_factory=dict)  # path -> the page's HTML
    forms: list[Form] = field(default_factory=list)


def crawl(client: Any, start: str = "/", limit: int = 150) -> Crawl:
    """Follow links from `start` (same site only, at most PER_PATTERN pages per URL shape)."""
    found = Crawl()
    queue = [start]
    per_pattern: dict[str, int] = {}
    while queue and len(found.pages) < limit:
        url = queue.pop(0)
        parts = urlsplit(url)
        if parts.netloc and parts.netloc != "testserver":
            continue
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        if path in found.pages or SKIPPED.match(parts.path):
            continue
        shape = re.sub(r"\d+", "N", parts.path)
        if per_pattern.get(shape, 0) >= PER_PATTERN:
            continue
        per_pattern[shape] = per_pattern.get(shape, 0) + 1
        response = client.get(path)
        found.pages[path] = response.status_code
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        found.html.append(path)
        found.bodies[path] = response.content.decode("utf-8", "replace")
        parser = _Parser(path)
        parser.feed(found.bodies[path])
        found.forms += [form for form in parser.forms if form.method == "post"]
        queue += [link.split("#")[0] for link in parser.links if link.split("#")[0]]
    return found
