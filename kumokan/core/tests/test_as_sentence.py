"""A refusal shown on its own reads as a sentence in English and is left as it is in Japanese."""

from kumokan.errors import as_sentence


def test_an_english_fragment_gets_its_capital() -> None:
    assert as_sentence("no termination has been requested") == "No termination has been requested"


def test_a_japanese_text_is_unchanged_even_when_it_begins_with_a_latin_name() -> None:
    # The admin's refusal to link another city's account begins with the account's username.
    assert (
        as_sentence("yamada は神戸市のアカウントではありません。")
        == "yamada は神戸市のアカウントではありません。"
    )
    assert as_sentence("sub が空です。") == "sub が空です。"


def test_a_text_already_capitalised_or_beginning_with_a_quote_is_unchanged() -> None:
    assert as_sentence("The entry was changed") == "The entry was changed"
    assert as_sentence("「令和7年2月30日」という日はありません") == "「令和7年2月30日」という日はありません"
    assert as_sentence("'x' is not a date") == "'x' is not a date"


def test_an_english_text_quoting_japanese_examples_gets_its_capital() -> None:
    assert (
        as_sentence("row 3: not a date (e.g. 令和7年4月1日, R7.4.1)")
        == "Row 3: not a date (e.g. 令和7年4月1日, R7.4.1)"
    )
