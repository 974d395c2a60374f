"""person names: patronymic, style and passport (MRZ) name apart from the family name and
the honorific; the order of names (empty: the country's custom) (issue 20)

Existing rows: a family name "BINTI ABDULLAH" or a given name ending in "bin" becomes the
patronymic where that is the country's custom (bin/binti: MY, BN, SG, ID; a/l, a/p, s/o,
d/o: MY, SG; anak: MY only: "Anak Agung" is a Balinese title, "Bin Laden" a family name);
styles (H.E., Tan Sri, Dato', Yang Mulia...) leave the honorific; the order stays empty,
so it follows the country (Thai given name first, Chinese family name first) even when the
country is corrected later; the sort key follows.

The rules are copied here as they were at this revision (no application imports): a later
change of the app's rules must not change what this upgrade writes.

Revision ID: 0039_person_names
Revises: 0038_signed_witness_org
Create Date: 2026-12-04 13:00:00

"""

import re
import unicodedata

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0039_person_names"
down_revision = "0038_signed_witness_org"
branch_labels = None
depends_on = None

COLUMNS = (("patronymic", 150), ("style", 100), ("name_order", 6), ("passport_name", 200))

# Frozen copy of eventhub.personnames' rules as of this revision.
FAMILY_FIRST_COUNTRIES = frozenset({"CN", "TW", "HK", "MO", "VN", "KH", "JP", "KR", "KP", "MN"})
STYLES = (
    "Yang Amat Berhormat",
    "Yang Berhormat",
    "Yang Amat Mulia",
    "Yang Mulia",
    "Yang Berbahagia",
    "Samdech",
    "Lok Chumteav",
    "Neak Oknha",
    "Oknha",
    "Excellency",
    "His Excellency",
    "Her Excellency",
    "H.E.",
    "HE",
    "Hon.",
    "Honourable",
    "Tan Sri",
    "Puan Sri",
    "Toh Puan",
    "Tun",
    "Dato' Sri",
    "Dato' Seri",
    "Datuk Seri",
    "Dato'",
    "Datuk",
    "Datin Paduka",
    "Datin",
    "Pehin",
    "Pengiran Anak",
    "Pengiran",
    "Khunying",
    "Thanpuying",
    "Bapak",
    "Ibu",
)
_STYLE_KEYS = sorted(STYLES, key=len, reverse=True)
_MALAY = frozenset({"MY", "BN", "SG", "ID"})
_TAMIL_MALAYSIAN = frozenset({"MY", "SG"})
PATRONYMIC_LINKS = {
    "binti": _MALAY,
    "bin": _MALAY,
    "bte": _MALAY,
    "bt": _MALAY,
    "a/l": _TAMIL_MALAYSIAN,
    "a/p": _TAMIL_MALAYSIAN,
    "s/o": _TAMIL_MALAYSIAN,
    "d/o": _TAMIL_MALAYSIAN,
    "anak": frozenset({"MY"}),
}
_LINK = "|".join(re.escape(link) for link in PATRONYMIC_LINKS)
_PATRONYMIC_FAMILY = re.compile(rf"^({_LINK})\s+(.+)$", re.IGNORECASE)
_PATRONYMIC_END = re.compile(rf"^(.+?)\s+({_LINK})$", re.IGNORECASE)
_PARTICLES = frozenset({*PATRONYMIC_LINKS, "de", "del", "dela", "la", "los", "van", "von", "da"})


def _norm(text):
    return re.sub(r"\s+", " ", text.replace("’", "'").replace("`", "'")).strip().casefold()


def split_title(text):
    """'Tan Sri Dr.' -> ('Tan Sri', 'Dr.')."""
    words = (text or "").split()
    styles, rest = [], []
    index = 0
    while index < len(words):
        for style in _STYLE_KEYS:
            size = len(style.split())
            if _norm(" ".join(words[index : index + size])) == _norm(style):
                styles.append(" ".join(words[index : index + size]))
                index += size
                break
        else:
            rest.append(words[index])
            index += 1
    return " ".join(styles), " ".join(rest)


def _title_case(text):
    """'HAJI OSMAN' -> 'Haji Osman'."""
    words = []
    for i, word in enumerate(text.split()):
        lower = word.lower()
        if i and lower in _PARTICLES:
            words.append(lower)
        elif word.isupper() or word.islower():
            words.append("-".join(part[:1].upper() + part[1:].lower() for part in word.split("-")))
        else:
            words.append(word)
    return " ".join(words)


def split_patronymic(family, given, country_code):
    """(family, given, patronymic), a patronymic only where it is the country's custom."""
    family, given = (family or "").strip(), (given or "").strip()
    country = (country_code or "").upper()
    found = _PATRONYMIC_FAMILY.match(family)
    if found and country in PATRONYMIC_LINKS[found[1].lower()]:
        return "", given, f"{found[1].lower()} {_title_case(found[2])}"
    found = _PATRONYMIC_END.match(given)
    if found and family and country in PATRONYMIC_LINKS[found[2].lower()]:
        return "", found[1], f"{found[2].lower()} {_title_case(family)}"
    return family, given, ""


def _fold(text):
    decomposed = unicodedata.normalize("NFKD", text or "")
    kept = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return kept.replace("Đ", "D").replace("đ", "d").casefold()


def sort_key(values):
    """By the name the person is known by (family name, else given name), folded."""
    family = _fold(values["family_name"])
    given = _fold(values["given_name"])
    first = family or given
    rest = [given] if family else []
    rest.append(_fold(values["patronymic"]))
    return " ".join(p for p in (first, *rest) if p)[:250]


def latin_name(values, country_code):
    """The name alone as printed: 'Nurul Huda binti Abdullah', 'YANG Ming'."""
    family = (values["family_name"] or "").strip().upper()
    given, patronymic = values["given_name"], values["patronymic"]
    if (country_code or "").upper() in FAMILY_FIRST_COUNTRIES:
        parts = (family, given, patronymic)
    else:
        parts = (given, patronymic, family)
    return " ".join(p for p in parts if p)


def title_of(values):
    return " ".join(p for p in (values["style"], values["honorific"]) if p)


def upgrade():
    with op.batch_alter_table("participant", schema=None) as batch_op:
        for name, size in COLUMNS:
            batch_op.add_column(
                sa.Column(name, sa.String(length=size), server_default="", nullable=False)
            )
    # A signed record keeps the style and the honorific together ("Tan Sri Dr.").
    for table in ("agreement_party", "agreement_witness"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column(
                "signed_honorific",
                existing_type=sa.String(length=60),
                type_=sa.String(length=160),
                existing_nullable=False,
                existing_server_default=None,
            )

    connection = op.get_bind()
    participant = sa.table(
        "participant",
        sa.column("id", sa.Integer),
        sa.column("family_name", sa.String),
        sa.column("given_name", sa.String),
        sa.column("patronymic", sa.String),
        sa.column("honorific", sa.String),
        sa.column("style", sa.String),
        sa.column("country_code", sa.String),
        sa.column("sort_name", sa.String),
    )
    old_names = {}
    rows = connection.execute(
        sa.select(
            participant.c.id,
            participant.c.family_name,
            participant.c.given_name,
            participant.c.honorific,
            participant.c.country_code,
        )
    ).all()
    for row in rows:
        family, given, patronymic = split_patronymic(
            row.family_name, row.given_name, row.country_code
        )
        style, honorific = split_title(row.honorific or "")
        values = {
            "family_name": family,
            "given_name": given,
            "patronymic": patronymic,
            "style": style[:100],
            "honorific": honorific[:60],
        }
        values["sort_name"] = sort_key(values)
        old_names[row.id] = (
            _old_latin(row.family_name, row.given_name),
            row.honorific or "",
            latin_name(values, row.country_code),
            title_of(values),
        )
        connection.execute(
            sa.update(participant).where(participant.c.id == row.id).values(**values)
        )
    _signed_records_follow(connection, old_names)


def _old_latin(family, given):
    """How names were printed before: 'FAMILY Given'."""
    return f"{family.upper()} {given}" if family else given


def _signed_records_follow(connection, old_names):
    """Signed agreements copied the names at signing. Where the copy is the registration as
    it was (nobody edited it since), it is written the new way, so a reprinted record and
    today's documents name the person alike; a copy that differs is history and stays."""
    for table_name, key in (
        ("agreement_party", "signatory_id"),
        ("agreement_witness", "participant_id"),
    ):
        table = sa.table(
            table_name,
            sa.column("id", sa.Integer),
            sa.column(key, sa.Integer),
            sa.column("signed_name", sa.String),
            sa.column("signed_honorific", sa.String),
        )
        rows = connection.execute(
            sa.select(
                table.c.id, table.c[key], table.c.signed_name, table.c.signed_honorific
            ).where(table.c.signed_name != "", table.c[key].is_not(None))
        ).all()
        for row in rows:
            old = old_names.get(row[1])
            if old and (row.signed_name, row.signed_honorific) == old[:2]:
                connection.execute(
                    sa.update(table)
                    .where(table.c.id == row.id)
                    .values(signed_name=old[2], signed_honorific=old[3][:160])
                )


def downgrade():
    connection = op.get_bind()
    participant = sa.table(
        "participant",
        sa.column("family_name", sa.String),
        sa.column("given_name", sa.String),
        sa.column("patronymic", sa.String),
        sa.column("honorific", sa.String),
        sa.column("style", sa.String),
    )
    # Back to one family name ("BINTI ABDULLAH") and one honorific ("Tan Sri Dr.").
    connection.execute(
        sa.update(participant)
        .where(participant.c.patronymic != "", participant.c.family_name == "")
        .values(family_name=sa.func.substr(sa.func.upper(participant.c.patronymic), 1, 100))
    )
    connection.execute(
        sa.update(participant)
        .where(participant.c.style != "")
        .values(
            honorific=sa.func.substr(
                sa.func.trim(participant.c.style + " " + participant.c.honorific), 1, 60
            )
        )
    )
    for table in ("agreement_party", "agreement_witness"):
        # A style and honorific kept at signing may be longer than the old column: cut to
        # fit, or PostgreSQL refuses to narrow it.
        signed = sa.table(table, sa.column("signed_honorific", sa.String))
        connection.execute(
            sa.update(signed)
            .where(sa.func.length(signed.c.signed_honorific) > 60)
            .values(signed_honorific=sa.func.substr(signed.c.signed_honorific, 1, 60))
        )
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column(
                "signed_honorific",
                existing_type=sa.String(length=160),
                type_=sa.String(length=60),
                existing_nullable=False,
            )
    with op.batch_alter_table("participant", schema=None) as batch_op:
        for name, _size in reversed(COLUMNS):
            batch_op.drop_column(name)
