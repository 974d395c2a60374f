"""A badge front measured before it is drawn: every block (header, rule, photo, QR code, name,
title, organisation, country, band) gets its box, size and lines, and what did not fit is
said (`FrontLayout.problems`), so that a print preview can list it before 3,000 are printed.

Each format has its own proportions (A6 is not a CR80 card scaled up: scaled, its blocks are
taller than the page). Text blocks keep to floor sizes (the name never smaller than the title
under it, nor than the format's minimum) and wrap to more lines before shrinking below them;
nothing is ever drawn over the band: what still does not fit is clipped at its top, and said.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from reportlab.lib.units import mm

from eventhub.pdf import line_height, text_width

# The QR code's modules (version 3: 29 a side) and the quiet zone the standard asks for.
QR_MODULES = 29
QUIET_MODULES = 4
BLEED = 3 * mm  # coloured bands run this far past the cut
NARROWEST = 0.8  # a line narrowed further than this (horizontal scale) is flagged


@dataclass(frozen=True)
class Proportions:
    """Sizes in points for one format. Text sizes are (largest, floor, max lines)."""

    pad: float
    event_zh: tuple[float, float]
    event_en: tuple[float, float]
    rule: float
    qr: float
    photo: tuple[float, float]
    band: float
    code_size: float
    label_size: float
    name: tuple[float, float, int]
    latin_under: tuple[float, float, int]  # the Latin name under a name in its own script
    position: tuple[float, float, int]
    organisation: tuple[float, float, int]
    country: tuple[float, float, int]
    smallest: float  # below every floor: flagged, still printed
    gap: float


CARD = Proportions(
    pad=3 * mm,
    event_zh=(7, 5),
    event_en=(6, 4.5),
    rule=0.8 * mm,
    qr=21 * mm,
    photo=(18 * mm, 24 * mm),
    band=11 * mm,
    code_size=16,
    label_size=6.5,
    name=(15, 8, 4),
    latin_under=(11, 7, 2),
    position=(7, 5.5, 3),
    organisation=(7, 5.5, 3),
    country=(7.5, 6, 1),
    smallest=5,
    gap=1.5 * mm,
)
# A6 (105 x 148 mm) is wider for its height than a card: a larger photo and code side by side,
# room for three lines of title, and a band that reads across a room.
LANYARD = Proportions(
    pad=6 * mm,
    event_zh=(12, 9),
    event_en=(10, 8),
    rule=1.2 * mm,
    qr=30 * mm,
    photo=(30 * mm, 40 * mm),
    band=17 * mm,
    code_size=30,
    label_size=11,
    name=(28, 14, 4),
    latin_under=(20, 12, 2),
    position=(13, 10, 3),
    organisation=(13, 10, 3),
    country=(14, 11, 1),
    smallest=8,
    gap=2.5 * mm,
)


def proportions(width: float) -> Proportions:
    return LANYARD if width > 80 * mm else CARD


@dataclass
class Block:
    name: str
    x: float
    y: float  # bottom
    w: float
    h: float
    size: float = 0
    lines: list[str] = field(default_factory=list)
    bold: bool = False
    floor: float = 0
    scale: float = 1.0  # horizontal scale of the narrowest line (1: none)

    @property
    def top(self) -> float:
        return self.y + self.h


@dataclass
class Problem:
    kind: str  # "below-floor", "narrowed", "clipped"
    block: str
    size: float = 0
    floor: float = 0


@dataclass
class FrontLayout:
    x: float
    y: float
    w: float
    h: float
    blocks: dict[str, Block]
    problems: list[Problem]
    band_text: str  # "#000000" or "#ffffff", whichever reads on the band

    @property
    def text_blocks(self) -> list[Block]:
        return [b for b in self.blocks.values() if b.lines]


# --- colour contrast (WCAG 2) ---------------------------------------------------------------


def _luminance(colour: str) -> float:
    channels = [int(colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two "#rrggbb" colours, 1 to 21."""
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def band_text_colour(band: str) -> str:
    """Black or white, whichever contrasts more with the band (one of them always reaches
    4.5:1); white unless black reads better."""
    white, black = "#ffffff", "#000000"
    return white if contrast(band, white) >= contrast(band, black) else black


# --- text ----------------------------------------------------------------------------------


def _wrap(text: str, width: float, size: float, bold: bool) -> list[str]:
    """Greedy lines of whole words no wider than `width` (a single wider word alone)."""
    words = text.split()
    space = text_width(" ", 1, bold=bold) * size
    lines: list[list[str]] = []
    used = 0.0
    for word in words:
        w = text_width(word, 1, bold=bold) * size
        if lines and used + space + w <= width:
            lines[-1].append(word)
            used += space + w
        else:
            lines.append([word])
            used = w
    return [" ".join(line) for line in lines]


def _balanced(text: str, width: float, size: float, bold: bool, count: int) -> list[str]:
    """`count` lines as even as greedy wrapping at a narrower width allows (a two-line name
    reads better as two halves than as a full line and a word)."""
    best = _wrap(text, width, size, bold)
    low, high = width / (count + 1), width
    for _step in range(8):
        middle = (low + high) / 2
        lines = _wrap(text, middle, size, bold)
        if len(lines) <= count:
            best, high = lines, middle
        else:
            low = middle
    return best


def _set(text: str, width: float, size: float, bold: bool, most: int):
    """Lines of the text at this size: as few as fit the width, at most `most`, and whether
    they fit (if not, the widest line would need narrowing)."""
    lines = _wrap(text, width, size, bold)
    if len(lines) > most:
        lines = _wrap(text, width * len(lines) / most, size, bold)[:most] if most > 1 else [text]
        while len(lines) > most:  # pragma: no cover (the widened wrap above is enough)
            lines[-2:] = [" ".join(lines[-2:])]
    elif len(lines) > 1:
        lines = _balanced(text, width, size, bold, len(lines))
    widest = max(text_width(line, size, bold=bold) for line in lines)
    return lines, widest <= width + 0.01, widest


def _height(lines: list[str], size: float) -> float:
    return sum(line_height(line, size) for line in lines)


@dataclass
class _Text:
    name: str
    text: str
    largest: float
    floor: float
    most: int
    bold: bool = False


def _fit_column(texts: list[_Text], width: float, room: float, smallest: float, gap: float):
    """Sizes for the stacked blocks so that they fill at most `room` high: all shrink together
    from their largest towards their floors, each wrapping to more lines first; below the
    floors only if nothing else fits. Returns {name: (size, lines, fits, widest)}."""
    result = {}

    def attempt(sizes: dict[str, float]):
        return {
            t.name: (sizes[t.name], *_set(t.text, width, sizes[t.name], t.bold, t.most))
            for t in texts
        }

    def total(out) -> float:
        return sum(_height(v[1], v[0]) for v in out.values()) + gap * (len(out) - 1)

    def ok(out) -> bool:
        return total(out) <= room and all(v[2] for v in out.values())

    sizes = {t.name: t.largest for t in texts}
    result = attempt(sizes)
    # Down to the floors first, then below them: the blocks too wide for their lines shrink,
    # or all of them when the column is too high.
    for bound in ("floor", "smallest"):
        while not ok(result):
            tall = total(result) > room
            shrunk = False
            for t in texts:
                least = t.floor if bound == "floor" else smallest
                size, _lines, fits, _widest = result[t.name]
                if (tall or not fits) and size - 0.5 >= least:
                    sizes[t.name] = size - 0.5
                    shrunk = True
            if not shrunk:
                break
            result = attempt(sizes)
    return result


def _without_country(organisation: str, country: str) -> str:
    """ "Ministry of Education, Myanmar" under which "Myanmar" is printed: the country once."""
    org, name = organisation.strip(), country.strip()
    if not name or not org:
        return org
    if org.casefold() == name.casefold():
        return ""
    for separator in (", ", " - ", " – ", " — ", " "):
        suffix = separator + name
        if org.casefold().endswith(suffix.casefold()) and separator != " ":
            return org[: -len(suffix)].rstrip(" ,")
        if separator == " " and org.casefold().endswith(f"({name.casefold()})"):
            return org[: -len(name) - 2].rstrip(" ,")
    return org


def measure_front(data, x: float, y: float, w: float, h: float) -> FrontLayout:
    """Every block of the badge front for `data` (a render.BadgeData) in the box (x, y, w, h)."""
    from eventhub.badges.render import latin_only  # in here: render imports this module

    p = proportions(w)
    inner = w - 2 * p.pad
    blocks: dict[str, Block] = {}
    problems: list[Problem] = []
    top = y + h - p.pad

    for name, (largest, smallest) in (("event_zh", p.event_zh), ("event_en", p.event_en)):
        text = getattr(data, name)
        if not text:
            continue
        lines, _fits, widest = _set(text, inner, largest, False, 1)
        size = largest
        while widest > inner and size > smallest:
            size -= 0.5
            lines, _fits, widest = _set(text, inner, size, False, 1)
        height = _height(lines, size)
        blocks[name] = Block(
            name, x + p.pad, top - height, inner, height, size, lines, scale=min(1, inner / widest)
        )
        top -= height

    rule_top = top - 0.4 * mm
    blocks["rule"] = Block("rule", x - BLEED, rule_top - p.rule, w + 2 * BLEED, p.rule)
    quiet = QUIET_MODULES * p.qr / QR_MODULES
    photo_w, photo_h = p.photo
    row_top = rule_top - p.rule - max(2 * mm, 0)
    qr_top = min(row_top, rule_top - p.rule - quiet)
    if data.photo:
        spare = (w - photo_w - p.qr) / 3
        blocks["photo"] = Block("photo", x + spare, row_top - photo_h, photo_w, photo_h)
        qr_x = x + 2 * spare + photo_w
        qr_y = min(qr_top - p.qr, row_top - photo_h + (photo_h - p.qr) / 2)
        row_bottom = min(row_top - photo_h, qr_y)
    else:
        qr_x, qr_y = x + (w - p.qr) / 2, qr_top - p.qr
        row_bottom = qr_y
    blocks["qr"] = Block("qr", qr_x, qr_y, p.qr, p.qr)
    band = Block("band", x - BLEED, y - BLEED, w + 2 * BLEED, p.band + BLEED)
    blocks["band"] = band

    # The text column: from under the photo row to above the band (with the code's quiet zone
    # kept below it too, should the column be empty).
    column_top = row_bottom - p.gap
    column_bottom = y + p.band + p.gap
    organisation = _without_country(data.organisation, data.country)
    texts: list[_Text] = []
    if data.native_name and not latin_only(data.native_name):
        texts.append(_Text("name", data.native_name, *p.name, bold=True))
        texts.append(_Text("latin_name", data.latin_name, *p.latin_under, bold=True))
    else:
        texts.append(_Text("name", data.latin_name, *p.name, bold=True))
    texts.append(_Text("position", data.position, *p.position))
    texts.append(_Text("organisation", organisation, *p.organisation))
    texts.append(_Text("country", data.country, *p.country))
    texts = [t for t in texts if t.text.strip()]
    # The name is never smaller than the title printed under it.
    title_floor = max((t.floor for t in texts if t.name == "position"), default=0)
    texts = [
        _Text(t.name, t.text, t.largest, max(t.floor, title_floor), t.most, t.bold)
        if t.name in ("name", "latin_name")
        else t
        for t in texts
    ]
    fitted = _fit_column(texts, inner, column_top - column_bottom, p.smallest, p.gap / 2)
    cursor = column_top
    for t in texts:
        size, lines, fits, widest = fitted[t.name]
        height = _height(lines, size)
        block = Block(
            t.name,
            x + p.pad,
            cursor - height,
            inner,
            height,
            size,
            lines,
            t.bold,
            t.floor,
            1.0 if fits else inner / widest,
        )
        blocks[t.name] = block
        cursor -= height + p.gap / 2
        if size < t.floor:
            problems.append(Problem("below-floor", t.name, size, t.floor))
        if block.scale < NARROWEST:
            problems.append(Problem("narrowed", t.name, size, t.floor))
        if block.y < band.top + 0.01:
            problems.append(Problem("clipped", t.name, size, t.floor))
    return FrontLayout(x, y, w, h, blocks, problems, band_text_colour(data.style.colour))
