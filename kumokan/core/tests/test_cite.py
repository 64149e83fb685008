"""The `cite` filter: a seed clause by the rules' name and its clause; a value no seed states, by what it
comes from alone."""

from __future__ import annotations

import os
import time

from django.utils import translation

from kumokan.core.templatetags.kumokan import cite
from kumokan.policy.loader import PACK_DIR


def test_a_seed_clause_is_cited_by_the_rules_name_never_the_file() -> None:
    html = cite({"file": "003_458251fa9e15d94e.txt", "clause": "5.1.1"})
    assert ">神戸市外部サービス利用基準5.1.1</a>" in html
    assert "003_458251fa9e15d94e.txt" not in html


def test_a_value_of_the_contract_or_the_city_names_no_seed_file() -> None:
    # Issue 15 point 7: such a source names no clause it does not come from.
    seed = "002_ea3d2ceb2cab952b.txt"
    with translation.override("ja"):
        assert cite({"file": seed, "clause": "自治体の設定", "basis": "configuration"}) == "自治体の設定"
        contract = cite({"file": seed, "clause": "CONTRACT.md", "basis": "contract"})
    assert "CONTRACT" not in contract and seed not in contract


def test_a_citation_follows_a_pack_added_or_edited_on_the_search_path(tmp_path, settings) -> None:
    # The files-to-rules mapping is kept while the packs stay as they are (a checklist page cites ~75
    # items); a pack put on the path, or edited where it lies, shows in the next citation.
    source = {"file": "003_458251fa9e15d94e.txt", "clause": "5.1.1"}
    assert ">神戸市外部サービス利用基準5.1.1</a>" in cite(source)
    shipped = (PACK_DIR / "kobe.yaml").read_text(encoding="utf-8")
    copy = tmp_path / "kobe.yaml"
    settings.KUMOKAN_PACK_PATH = [str(tmp_path)]
    copy.write_text(
        shipped.replace("\ntitle: 外部サービス利用基準\n", "\ntitle: 外部サービス利用基準（改）\n", 1),
        "utf-8",
    )
    assert ">神戸市外部サービス利用基準（改）5.1.1</a>" in cite(source)
    edited = shipped.replace("\ntitle: 外部サービス利用基準\n", "\ntitle: 外部サービスの利用基準\n", 1)
    copy.write_text(edited, encoding="utf-8")
    os.utime(copy, ns=(time.time_ns() + 10**9, time.time_ns() + 10**9))  # a later write, whatever the clock
    assert ">神戸市外部サービスの利用基準5.1.1</a>" in cite(source)
    settings.KUMOKAN_PACK_PATH = []
    assert ">神戸市外部サービス利用基準5.1.1</a>" in cite(source)
