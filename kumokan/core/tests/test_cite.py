"""The `cite` filter: a seed clause by the rules' name and its clause; a value no seed states, by what it
comes from alone."""

from __future__ import annotations

from kumokan.core.templatetags.kumokan import cite


def test_a_seed_clause_is_cited_by_the_rules_name_never_the_file() -> None:
    html = cite({"file": "003_458251fa9e15d94e.txt", "clause": "5.1.1"})
    assert ">神戸市外部サービス利用基準5.1.1</a>" in html
    assert "003_458251fa9e15d94e.txt" not in html


def test_a_value_of_the_contract_or_the_city_names_no_seed_file() -> None:
    # Issue 15 point 7: such a source names no clause it does not come from.
    seed = "002_ea3d2ceb2cab952b.txt"
    assert cite({"file": seed, "clause": "自治体の設定", "basis": "configuration"}) == "自治体の設定"
    assert cite({"file": seed, "clause": "CONTRACT.md", "basis": "contract"}) == "CONTRACT.md"
