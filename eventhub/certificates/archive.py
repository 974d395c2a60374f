"""Certificates as PDF/A-3 archives (ISO 19005-3, level B): what reportlab draws, finished
with pikepdf so that a file kept for years still says what it is and carries its own
verification data.

What is done here: the XMP packet with the PDF/A identification (pdfaid:part 3,
conformance B) and the document information kept in step with it; an sRGB output intent
(the ICC profile of Debian's icc-profiles-free); the verification data as a JSON file
associated with the document (/AF, AFRelationship /Data). What the drawing does for it: every
font embedded (TrueType subsets, no standard Helvetica), images laid on white (no soft
masks). Imports no models: the caller gives the data."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pikepdf

# Debian's icc-profiles-free first (the Makefile installs it), then what other systems keep.
ICC_PATHS = (
    "/usr/share/color/icc/sRGB.icc",
    "/usr/share/color/icc/colord/sRGB.icc",
    "/usr/share/color/icc/ghostscript/srgb.icc",
)
ATTACHMENT = "certificate.json"


class MissingProfile(RuntimeError):
    """No sRGB ICC profile on this machine: PDF/A needs one for its output intent."""


def srgb_profile() -> bytes:
    for path in ICC_PATHS:
        if Path(path).is_file():
            return Path(path).read_bytes()
    raise MissingProfile(
        "No sRGB ICC profile found (Debian package icc-profiles-free): " + ", ".join(ICC_PATHS)
    )


def _pdf_date(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("D:%Y%m%d%H%M%SZ")


def finish_pdfa(document: pikepdf.Pdf, *, title: str, subject: str, data: dict) -> None:
    """Make an open document a PDF/A-3B archive holding `data` as its associated JSON file."""
    now = _pdf_date(datetime.now(UTC))
    info = document.docinfo
    info["/Title"] = title
    info["/Subject"] = subject
    info["/Creator"] = "EventHub"
    info["/ModDate"] = info.get("/CreationDate", now)
    if "/CreationDate" not in info:
        info["/CreationDate"] = now
    if "/Trapped" in info:  # not in the XMP: PDF/A wants both to agree, or neither
        del info["/Trapped"]
    for page in document.pages:  # reportlab's empty page transition: nothing to keep
        if "/Trans" in page.obj:
            del page.obj["/Trans"]
    with document.open_metadata(set_pikepdf_as_editor=False) as meta:
        meta.load_from_docinfo(info)
        meta["pdfaid:part"] = "3"
        meta["pdfaid:conformance"] = "B"

    profile = document.make_stream(srgb_profile(), N=3)
    document.Root.OutputIntents = pikepdf.Array(
        [
            pikepdf.Dictionary(
                Type=pikepdf.Name.OutputIntent,
                S=pikepdf.Name.GTS_PDFA1,
                OutputConditionIdentifier="sRGB IEC61966-2.1",
                Info="sRGB IEC61966-2.1",
                RegistryName="http://www.color.org",
                DestOutputProfile=profile,
            )
        ]
    )

    body = json.dumps(data, ensure_ascii=False, indent=1).encode()
    spec = pikepdf.AttachedFileSpec(
        document,
        body,
        description="Verification data: serial, name, event, issue date, verification page",
        filename=ATTACHMENT,
        mime_type="application/json",
        creation_date=now,
        mod_date=now,
        relationship=pikepdf.Name.Data,
    )
    document.attachments[ATTACHMENT] = spec
    stored = document.Root.Names.EmbeddedFiles.Names[1]
    document.Root.AF = pikepdf.Array([stored])


def save_pdfa(document: pikepdf.Pdf, out) -> None:
    """Written as PDF 1.7 (PDF/A-3's base), with the file identifier PDF/A requires."""
    document.save(out, min_version="1.7", static_id=False)
