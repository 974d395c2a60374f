"""photo crop: the upload kept as sent, the 3:4 crop shown and printed, and its box

Revision ID: 0040_photo_crop
Revises: 0038_signed_witness_org
Create Date: 2026-12-04 13:10:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0040_photo_crop"
down_revision = "0039_person_names"
branch_labels = None
depends_on = None

BOX = ("crop_left", "crop_top", "crop_width", "crop_height")

photo = sa.table(
    "participant_photo",
    sa.column("participant_id", sa.Integer),
    sa.column("content", sa.LargeBinary),
    sa.column("original", sa.LargeBinary),
    *(sa.column(name, sa.Integer) for name in BOX),
)


def upgrade():
    with op.batch_alter_table("participant_photo", schema=None) as batch_op:
        batch_op.add_column(sa.Column("original", sa.LargeBinary(), nullable=True))
        for name in BOX:
            batch_op.add_column(sa.Column(name, sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "cropped_by_organiser", sa.Boolean(), server_default=sa.false(), nullable=False
            )
        )
    # Photos stored before: kept as they were sent, shown with the default crop (the rule a
    # new upload gets). One at a time: each is a few hundred kilobytes.
    from eventhub.registration.photos import crop_photo

    bind = op.get_bind()
    ids = bind.execute(
        sa.select(photo.c.participant_id).where(photo.c.original.is_(None))
    ).scalars().all()
    for participant_id in ids:
        content = bind.execute(
            sa.select(photo.c.content).where(photo.c.participant_id == participant_id)
        ).scalar_one()
        try:
            cropped, box = crop_photo(content)
        except OSError:  # not a picture Pillow reads: left as it is, shown uncropped
            continue
        bind.execute(
            sa.update(photo)
            .where(photo.c.participant_id == participant_id)
            .values(original=content, content=cropped, **dict(zip(BOX, box)))
        )


def downgrade():
    bind = op.get_bind()
    bind.execute(
        sa.update(photo).where(photo.c.original.is_not(None)).values(content=photo.c.original)
    )
    with op.batch_alter_table("participant_photo", schema=None) as batch_op:
        batch_op.drop_column("cropped_by_organiser")
        for name in reversed(BOX):
            batch_op.drop_column(name)
        batch_op.drop_column("original")
