"""photo crop: the upload kept as sent, the 3:4 crop shown and printed, and its box

Photos stored before get the default crop as it was at this revision: the rule is copied
here (no application imports), so a later change of eventhub.registration.photos does not
change what this upgrade writes. A photo Pillow cannot read (or refuses: too many pixels)
is left as it is, shown uncropped; it never stops the upgrade.

Revision ID: 0040_photo_crop
Revises: 0039_person_names
Create Date: 2026-12-04 13:10:00

"""

import io

import sqlalchemy as sa
from alembic import op
from PIL import Image, ImageFilter

# revision identifiers, used by Alembic.
revision = "0040_photo_crop"
down_revision = "0039_person_names"
branch_labels = None
depends_on = None

BOX = ("crop_left", "crop_top", "crop_width", "crop_height")

# Frozen copy of eventhub.registration.photos' default crop as of this revision.
SIZE = (600, 800)  # the largest crop kept, enough for a badge printed at 300 dpi
RATIO = (3, 4)  # the badge's photo frame, width to height
MIN_CROP_WIDTH = 60
UPPER_SHARE = 0.15  # a tall portrait loses this share of its excess height above
CENTRE_PULL = 0.6  # a frame off the centre has its detail weighted down to this at the edge
UNREADABLE = (OSError, SyntaxError, ValueError, Image.DecompressionBombError)


def fit_box(width, height, left, top, frame_width):
    most = min(width, height * RATIO[0] // RATIO[1])
    w = int(round(max(min(frame_width, most), min(MIN_CROP_WIDTH, most))))
    h = min(height, int(round(w * RATIO[1] / RATIO[0])))
    x = int(round(min(max(left, 0), width - w)))
    y = int(round(min(max(top, 0), height - h)))
    return x, y, w, h


def _detail_centre(image, frame):
    """Where a frame goes across a landscape: the window with the most edges, weighted
    towards the centre; the middle when the detail is spread evenly."""
    columns = 200
    small = image.convert("L").resize((columns, max(1, image.height * columns // image.width)))
    profile = list(
        small.filter(ImageFilter.FIND_EDGES).resize((columns, 1), Image.Resampling.BOX).tobytes()
    )
    span = max(1, round(frame * columns / image.width))
    free = columns - span
    if free <= 0:
        return 0
    best, best_score = free / 2, -1.0
    window = sum(profile[:span])
    for start in range(free + 1):
        if start:
            window += profile[start + span - 1] - profile[start - 1]
        off_centre = abs(start - free / 2) / (free / 2)
        score = window * (1 - (1 - CENTRE_PULL) * off_centre**2)
        if score > best_score + 1e-9:
            best, best_score = start, score
    centred = sum(profile[free // 2 : free // 2 + span])
    if best_score <= centred * 1.05:
        best = free / 2
    return int(round(best * image.width / columns))


def default_crop(image):
    width, height = image.size
    if width * RATIO[1] > height * RATIO[0]:  # wider than 3:4
        frame = height * RATIO[0] // RATIO[1]
        return fit_box(width, height, _detail_centre(image, frame), 0, frame)
    frame_height = width * RATIO[1] // RATIO[0]
    return fit_box(width, height, 0, (height - frame_height) * UPPER_SHARE, width)


def crop_photo(original):
    """The 3:4 JPEG cut from the kept upload by the default crop, and its box."""
    with Image.open(io.BytesIO(original)) as image:
        image = image.convert("RGB")
        box = default_crop(image)
        x, y, w, h = box
        cropped = image.crop((x, y, x + w, y + h))
        cropped.thumbnail(SIZE, Image.Resampling.LANCZOS)
        out = io.BytesIO()
        cropped.save(out, "JPEG", quality=85, optimize=True)
        return out.getvalue(), box


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
    bind = op.get_bind()
    ids = (
        bind.execute(sa.select(photo.c.participant_id).where(photo.c.original.is_(None)))
        .scalars()
        .all()
    )
    for participant_id in ids:
        content = bind.execute(
            sa.select(photo.c.content).where(photo.c.participant_id == participant_id)
        ).scalar_one()
        try:
            cropped, box = crop_photo(content)
        except UNREADABLE:  # not a picture Pillow reads: left as it is, shown uncropped
            continue
        bind.execute(
            sa.update(photo)
            .where(photo.c.participant_id == participant_id)
            .values(original=content, content=cropped, **dict(zip(BOX, box, strict=True)))
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
