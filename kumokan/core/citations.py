"""A rule's source as a person reads it: the rules' name and the clause, linked to the clause in the rulebook.

Judgments (and everything stored from them) cite a seed by its file name, as CONTRACT.md requires; a page
never shows that name. The packs that can be loaded say which rules each file is.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import gettext_lazy as _

from kumokan.core.packs import available, library, load_pack
from kumokan.policy import PackError


@dataclass(frozen=True)
class Rules:
    """One pack's rules: the id the rulebook's address uses, the name people say, the rulebook's page."""

    pack_id: str
    name: str
    url: str


# What a value no seed clause states comes from (a pack's source.basis other than "seed"), said in the
# reader's language: a page never shows the clause such a source carries (CONTRACT.md, 自治体の設定).
NOT_FROM_A_SEED = {
    "configuration": _("set by the municipality"),
    "contract": _("kumokan's own convention (the rules set none)"),
}


@dataclass(frozen=True)
class Citation:
    text: str  # 尼崎市クラウドサービスの利用に関する規定（２以上）4⑴ア
    url: str | None  # the clause in the rulebook; None where the value comes from no seed clause


_rules: dict[tuple[Any, ...], dict[str, Rules]] = {}


def rules_by_file() -> dict[str, Rules]:
    """Every seed or document file the loadable packs cite, with the pack that holds its rules.

    A municipality's pack wins over an overlay or an example that cites the same file. Kept while the
    packs and the site's address stay as they are: a checklist page cites some 75 items, and loading
    every pack and reversing the rulebook's address again for each cost ~0.09 ms an item.
    """
    state = (library().listing_state(), get_script_prefix(), get_urlconf())
    found = _rules.get(state)
    if found is None:
        found = _found_rules()
        _rules.clear()
        _rules[state] = found
    return found


def _found_rules() -> dict[str, Rules]:
    found: dict[str, Rules] = {}
    for pack_id in sorted(available()):
        try:
            pack = load_pack(pack_id).pack
        except PackError:
            continue  # a broken pack on the search path is reported by `kumokan policy validate`
        file = pack.seed or (pack.document.file if pack.document else None)
        if file is None:
            continue
        if file not in found or pack.kind == "municipality":
            found[file] = Rules(pack_id, pack.rules_name, reverse("rulebook:pack", args=[pack_id]))
    return found


def anchor(clause: str) -> str:
    """The fragment that names one clause on the rulebook page (the same on the page and in every link)."""
    return "clause-" + re.sub(r"\s+", "_", clause.strip())


def citation(source: Mapping[str, Any] | None) -> Citation | None:
    """The citation of a judgment's `source` (a value no seed states is cited by what it comes from)."""
    if not source:
        return None
    clause = str(source.get("clause", "")).strip()
    basis = str(source.get("basis", "seed"))
    if basis != "seed":
        return Citation(str(NOT_FROM_A_SEED.get(basis, clause)), None)
    rules = rules_by_file().get(str(source.get("file", "")))
    if rules is None:
        return Citation(clause, None)
    return Citation(named(rules.name, clause), f"{rules.url}#{anchor(clause)}")


def named(rules: str, clause: str) -> str:
    """The rules' name and the clause, as one reads them: a numbering follows the name directly
    (尼崎市クラウドサービスの利用に関する規定（２以上）4⑴ア, 大阪市…ガイドライン第3章2.3); a clause that begins
    with a word, as seed 004 names its rows by their section (運用・保守時 No.3), is set apart by a space,
    so that the two words do not read as one (クラウドサービスの特記事項 運用・保守時 No.3)."""
    first = clause[:1]
    if first and first != "第" and unicodedata.category(first).startswith("L"):
        return f"{rules} {clause}"
    return f"{rules}{clause}"
