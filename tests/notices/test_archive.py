"""The deterministic ZIP writer behind the DOCX packages."""

from __future__ import annotations

import io
import zipfile

from notices import archive


def test_write_members_read_back_with_zipfile() -> None:
    members = [archive.Member.deflate("a.xml", b"<a/>" * 100), archive.Member.deflate("dir/b.txt", b"")]

    package = zipfile.ZipFile(io.BytesIO(archive.write(members)))

    assert package.testzip() is None
    assert package.namelist() == ["a.xml", "dir/b.txt"]
    assert package.read("a.xml") == b"<a/>" * 100
    assert package.read("dir/b.txt") == b""


def test_write_same_members_gives_same_bytes_with_a_fixed_timestamp() -> None:
    first = archive.write([archive.Member.deflate("a.xml", b"<a/>")])
    second = archive.write([archive.Member.deflate("a.xml", b"<a/>")])

    assert first == second
    assert zipfile.ZipFile(io.BytesIO(first)).getinfo("a.xml").date_time == (1980, 1, 1, 0, 0, 0)


def test_write_reuses_a_member_in_several_archives() -> None:
    shared = archive.Member.deflate("shared.xml", b"<shared/>")

    packages = [archive.write([shared, archive.Member.deflate("own.xml", own)]) for own in (b"<a/>", b"<b/>")]

    assert [zipfile.ZipFile(io.BytesIO(p)).read("own.xml") for p in packages] == [b"<a/>", b"<b/>"]
    assert [zipfile.ZipFile(io.BytesIO(p)).read("shared.xml") for p in packages] == [b"<shared/>"] * 2
