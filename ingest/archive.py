"""Vet a zipped document (.docx) by its declared member sizes before anything is decompressed.

Python's zipfile never inflates a member beyond the size its directory entry declares (it
stops there and the CRC check fails), so checking the declared sizes bounds the memory and
time that opening the document can take: the whole archive (a zip bomb by size) and each
member's compression ratio (a zip bomb by ratio: 300 MB of white space compress to 300 KB).
"""

from __future__ import annotations

import io
import zipfile

from ingest.limits import IngestLimits

MAX_MEMBERS = 10_000


class ArchiveRefused(ValueError):
    """The archive is unreadable or over a limit; the message says which and why."""


def check_archive(data: bytes, limits: IngestLimits) -> None:
    """Raise :class:`ArchiveRefused` unless ``data`` is a zip archive within ``limits``."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as exc:
        raise ArchiveRefused(f"not a valid zip archive ({exc})") from exc
    if len(members) > MAX_MEMBERS:
        raise ArchiveRefused(f"the archive holds {len(members):,} members (at most {MAX_MEMBERS:,})")
    total = 0
    for member in members:
        if member.flag_bits & 0x1:
            raise ArchiveRefused(f"member {member.filename!r} is encrypted")
        total += member.file_size
        if total > limits.max_unzipped_bytes:
            raise ArchiveRefused(limits.over("decompressed size", total, limits.max_unzipped_bytes,
                                             "CCHC_MAX_UNZIPPED_BYTES", " bytes"))
        if member.file_size > limits.zip_ratio_grace_bytes:
            ratio = member.file_size / max(member.compress_size, 1)
            if ratio > limits.max_zip_ratio:
                raise ArchiveRefused(limits.over(f"compression ratio of {member.filename!r}", ratio,
                                                 limits.max_zip_ratio, "CCHC_MAX_ZIP_RATIO"))
