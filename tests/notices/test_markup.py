"""The Markdown-like text of the templates, read into blocks."""

from __future__ import annotations

import pytest

from notices.markup import Bullet, Heading, NoticeError, Paragraph, Table, parse


def test_parse_headings_give_title_and_two_levels() -> None:
    assert parse("# Title\n## Section\n### Sub-section\n") == [
        Heading(0, "Title"),
        Heading(1, "Section"),
        Heading(2, "Sub-section"),
    ]


def test_parse_lines_of_a_paragraph_join_with_a_space() -> None:
    assert parse("First line\nsecond line.\n\nNext paragraph.") == [
        Paragraph("First line second line."),
        Paragraph("Next paragraph."),
    ]


def test_parse_backslash_at_line_end_breaks_the_line() -> None:
    assert parse("Marie Tremblay\\\nMaison Passerelle") == [Paragraph("Marie Tremblay\nMaison Passerelle")]


def test_parse_bullets_continue_until_the_next_item_or_blank_line() -> None:
    assert parse("- one\n  continued\n- two\n\nafter") == [Bullet("one continued"), Bullet("two"), Paragraph("after")]


def test_parse_table_reads_header_alignment_and_rows() -> None:
    text = "| Step | Due | Amount |\n|---|:-:|--:|\n| Signing | July 1 | $1.00 |\n| Total | | $1.00 |\n"

    assert parse(text) == [
        Table(
            ("Step", "Due", "Amount"),
            ("left", "center", "right"),
            (("Signing", "July 1", "$1.00"), ("Total", "", "$1.00")),
        )
    ]


def test_parse_table_without_alignment_row_is_left_aligned() -> None:
    assert parse("| a | b |\n| 1 | 2 |") == [Table(("a", "b"), ("left", "left"), (("1", "2"),))]


def test_parse_table_row_with_wrong_cell_count_raises() -> None:
    with pytest.raises(NoticeError, match="3 cells where the header has 2"):
        parse("| a | b |\n| 1 | 2 | 3 |")


def test_parse_text_right_after_a_table_starts_a_paragraph() -> None:
    assert parse("| a |\n| 1 |\nText") == [Table(("a",), ("left",), (("1",),)), Paragraph("Text")]


def test_parse_hash_without_space_is_text() -> None:
    assert parse("#hashtag") == [Paragraph("#hashtag")]
