"""The QR code of a certificate's verification page, encoded quickly: a print run makes
thousands, and encoding was most of a run's time.

qrcode places the modules (its own `map_data`, one fixed mask as the QR standard allows);
the codewords it would compute bit by bit, with Reed-Solomon division on polynomial objects,
are computed here with integers and log tables, and handed to it as its `data_cache`. The
result is the same matrix (tests compare them)."""

from __future__ import annotations

from functools import cache

import qrcode
from qrcode import base, util
from qrcode.constants import ERROR_CORRECT_M
from qrcode.exceptions import DataOverflowError

from eventhub.badges.render import QR_MASK as MASK  # any one of the eight masks is valid

PADS = (0xEC, 0x11)


@cache
def _generator(count: int) -> tuple[int, ...]:
    """The Reed-Solomon generator polynomial of `count` error codewords, as logs of its
    coefficients after the leading 1 (None for a zero coefficient)."""
    exp, log = base.EXP_TABLE, base.LOG_TABLE
    poly = [1]
    for i in range(count):  # times (x + a^i), highest power first
        following = [*poly, 0]
        for j, coefficient in enumerate(poly):
            if coefficient:
                following[j + 1] ^= exp[(log[coefficient] + i) % 255]
        poly = following
    return tuple(base.LOG_TABLE[c] if c else -1 for c in poly[1:])


def _error_codewords(data: list[int], count: int) -> list[int]:
    gen, exp, log = _generator(count), base.EXP_TABLE, base.LOG_TABLE
    rest = [0] * count
    for value in data:
        factor = value ^ rest[0]
        rest = rest[1:]
        rest.append(0)
        if factor:
            shift = log[factor]
            for i, g in enumerate(gen):
                if g >= 0:
                    rest[i] ^= exp[(g + shift) % 255]
    return rest


def _blocks(version: int) -> list:
    return base.rs_blocks(version, ERROR_CORRECT_M)


def _version(size: int) -> int:
    for version in range(1, 41):
        header = 4 + util.length_in_bits(util.MODE_8BIT_BYTE, version)
        if header + 8 * size <= 8 * sum(b.data_count for b in _blocks(version)):
            return version
    raise DataOverflowError(f"{size} bytes do not fit in a QR code")


def codewords(payload: bytes, version: int) -> list[int]:
    """The data and error codewords of `payload` in byte mode, interleaved as placed."""
    blocks = _blocks(version)
    capacity = sum(b.data_count for b in blocks)
    count_bits = util.length_in_bits(util.MODE_8BIT_BYTE, version)
    bits = (((util.MODE_8BIT_BYTE << count_bits) | len(payload)) << (8 * len(payload))) | (
        int.from_bytes(payload, "big")
    )
    length = 4 + count_bits + 8 * len(payload)
    end = min(8 * capacity - length, 4)  # the terminator, then whole bytes
    end += (-(length + end)) % 8
    bits <<= end
    length += end
    data = list(bits.to_bytes(length // 8, "big"))
    data += [PADS[i % 2] for i in range(capacity - len(data))]
    data_blocks, error_blocks, offset = [], [], 0
    for block in blocks:
        chunk = data[offset : offset + block.data_count]
        offset += block.data_count
        data_blocks.append(chunk)
        error_blocks.append(_error_codewords(chunk, block.total_count - block.data_count))
    placed = []
    for group in (data_blocks, error_blocks):
        for i in range(max(len(b) for b in group)):
            placed += [b[i] for b in group if i < len(b)]
    return placed


class _Layout(qrcode.QRCode):
    """qrcode's matrix of a version with every codeword 0, noting the data modules in the
    order they are filled (the standard's two-column zigzag, as its `map_data` walks)."""

    def map_data(self, data, mask_pattern):
        count, order, row, step = self.modules_count, [], self.modules_count - 1, -1
        for right in range(count - 1, 0, -2):
            if right <= 6:  # the vertical timing pattern's column is skipped
                right -= 1
            while 0 <= row < count:
                order += [(row, c) for c in (right, right - 1) if self.modules[row][c] is None]
                row += step
            row, step = row - step, -step
        self.order = order
        super().map_data(data, mask_pattern)


@cache
def _layout(version: int) -> tuple[tuple[tuple[bool, ...], ...], tuple[tuple[int, int], ...]]:
    """A version's modules with no data (function patterns, format and the mask over the
    data modules), and where each data bit goes, first bit first."""
    code = _Layout(version=version, error_correction=ERROR_CORRECT_M, mask_pattern=MASK)
    code.data_cache = [0] * sum(b.total_count for b in _blocks(version))
    code.make(fit=False)
    return tuple(tuple(row) for row in code.modules), tuple(code.order)


def verification_matrix(url: str) -> list[list[bool]]:
    """The modules of a QR code (level M, byte mode, smallest version, mask 4) of `url`:
    the codewords' bits laid over the version's empty matrix, flipping the masked modules."""
    payload = url.encode()
    version = _version(len(payload))
    empty, order = _layout(version)
    words = codewords(payload, version)
    bits = int.from_bytes(bytes(words), "big")
    total = 8 * len(words)
    matrix = [list(row) for row in empty]
    for index, (row, column) in enumerate(order[:total]):
        if (bits >> (total - 1 - index)) & 1:
            matrix[row][column] = not matrix[row][column]
    return matrix
