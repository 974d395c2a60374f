"""Reference records every event shares: countries and organisations."""

from __future__ import annotations

import enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventhub.db import TimestampMixin, enum_column
from eventhub.extensions import db


class Country(db.Model):
    """An ISO 3166-1 country, named in English and Chinese."""

    __tablename__ = "country"

    code: Mapped[str] = mapped_column(sa.String(2), primary_key=True)  # alpha-2
    name_en: Mapped[str] = mapped_column(sa.String(100))
    name_zh: Mapped[str] = mapped_column(sa.String(100))
    is_asean: Mapped[bool] = mapped_column(default=False)
    # China and the ASEAN members: listed first wherever a country is chosen.
    is_focus: Mapped[bool] = mapped_column(default=False)

    def __repr__(self) -> str:
        return f"<Country {self.code}>"


class OrganisationKind(enum.StrEnum):
    UNIVERSITY = "university"
    COLLEGE = "college"
    ENTERPRISE = "enterprise"
    MINISTRY = "ministry"
    GOVERNMENT_AGENCY = "government_agency"
    EMBASSY = "embassy"
    ALLIANCE = "alliance"
    INTERNATIONAL_ORGANISATION = "international_organisation"
    OTHER = "other"


class OrganisationStatus(enum.StrEnum):
    # Named on a public form or by the partner API: offered nowhere until an organiser
    # accepts it, renames it or merges it into a known one.
    PENDING = "pending"
    ACCEPTED = "accepted"


class Organisation(TimestampMixin, db.Model):
    """A university, college, enterprise, ministry or alliance, with its country."""

    __tablename__ = "organisation"
    __table_args__ = (sa.UniqueConstraint("country_code", "name_en"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name_en: Mapped[str] = mapped_column(sa.String(300))
    name_zh: Mapped[str] = mapped_column(sa.String(300), default="")
    # Name in the organisation's own script (ມະຫາວິທະຍາໄລແຫ່ງຊາດລາວ), when it has one.
    name_native: Mapped[str] = mapped_column(sa.String(300), default="")
    kind: Mapped[OrganisationKind] = mapped_column(
        enum_column(OrganisationKind), default=OrganisationKind.OTHER
    )
    country_code: Mapped[str] = mapped_column(sa.ForeignKey("country.code"), index=True)
    city: Mapped[str] = mapped_column(sa.String(100), default="")
    website: Mapped[str] = mapped_column(sa.String(300), default="")
    status: Mapped[OrganisationStatus] = mapped_column(
        enum_column(OrganisationStatus),
        default=OrganisationStatus.ACCEPTED,
        server_default=OrganisationStatus.ACCEPTED.value,
        index=True,
    )

    country: Mapped[Country] = relationship()

    @property
    def is_pending(self) -> bool:
        return self.status == OrganisationStatus.PENDING

    def __repr__(self) -> str:
        return f"<Organisation {self.name_en!r}>"
