"""A minimal, deterministic ZIP writer whose members can be compressed once and reused.

``zipfile`` compresses every member on each write and stamps the current time; a DOCX of
letters shares all but two of its parts with the next one, so those parts are deflated once
here and copied as bytes. Every member carries the same fixed timestamp (1980-01-01 00:00),
so the same parts always give the same archive, byte for byte.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterable
from dataclasses import dataclass

_DOS_TIME, _DOS_DATE = 0, (0 << 9) | (1 << 5) | 1  # 1980-01-01 00:00:00, the earliest ZIP time
_VERSION = 20  # 2.0: deflate
_DEFLATED = 8
_LEVEL = 6  # zlib's default: a good size for the one part compressed per letter
_LOCAL = struct.Struct("<IHHHHHIIIHH")
_CENTRAL = struct.Struct("<IHHHHHHIIIHHHHHII")
_END = struct.Struct("<IHHHHIIH")


@dataclass(frozen=True)
class Member:
    """One file of the archive, already deflated: its local header and data are ready to copy."""

    name: bytes
    crc: int
    size: int
    compressed_size: int
    local: bytes  # local file header followed by the compressed data

    @classmethod
    def deflate(cls, name: str, data: bytes) -> Member:
        compressed = zlib.compress(data, _LEVEL, wbits=-zlib.MAX_WBITS)  # raw deflate, as ZIP stores it
        encoded = name.encode("ascii")  # OPC part names are ASCII; no UTF-8 flag needed
        crc = zlib.crc32(data)
        header = _LOCAL.pack(
            0x04034B50, _VERSION, 0, _DEFLATED, _DOS_TIME, _DOS_DATE, crc, len(compressed), len(data), len(encoded), 0
        )
        return cls(encoded, crc, len(data), len(compressed), header + encoded + compressed)


def write(members: Iterable[Member]) -> bytes:
    """The ZIP archive holding ``members`` in order."""
    chunks: list[bytes] = []
    central: list[bytes] = []
    offset = 0
    for member in members:
        central.append(
            _CENTRAL.pack(
                0x02014B50,
                _VERSION,
                _VERSION,
                0,
                _DEFLATED,
                _DOS_TIME,
                _DOS_DATE,
                member.crc,
                member.compressed_size,
                member.size,
                len(member.name),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
            + member.name
        )
        chunks.append(member.local)
        offset += len(member.local)
    directory = b"".join(central)
    end = _END.pack(0x06054B50, 0, 0, len(central), len(central), len(directory), offset, 0)
    return b"".join([*chunks, directory, end])
