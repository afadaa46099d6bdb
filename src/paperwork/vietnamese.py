"""Vietnamese text conventions of administrative documents (NĐ 30/2020/NĐ-CP).

Dates and numbers (spec §1.5, §1.6), money figures and money in words
(spec §7), and the one rule for text a user types (``clean_text``). Pure
functions: no I/O, every returned string is NFC.
"""

from __future__ import annotations

import datetime
import unicodedata
from decimal import Decimal, InvalidOperation

from .errors import InputError
from .i18n import _

__all__ = [
    "BLANK",
    "clean_text",
    "count_str",
    "date_line",
    "date_phrase",
    "day_str",
    "format_decimal",
    "format_money",
    "money_in_words",
    "month_str",
    "nfc",
    "number_line",
    "number_str",
    "number_symbol",
    "number_to_words",
    "upper_vi",
    "user_text",
]

# Width of the gap left for the clerk to write in by hand on paper drafts.
BLANK = " " * 6

_DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
_BILLION = 10**9


def nfc(text: str) -> str:
    """Return ``text`` in Unicode NFC (composed) form."""
    return unicodedata.normalize("NFC", text)


# Characters that end a line: refused with "write it on one line".
_LINE_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"


def clean_text(value: str) -> str:
    """NFC, trimmed, one line, no characters XML 1.0, Word, TOML or a spreadsheet cannot hold.

    Refuses (``ValueError``, one line) empty text, control characters (C0, DEL
    and C1: Unicode category Cc), line and paragraph separators, lone
    surrogates and the non-characters U+FFFE/U+FFFF. The input models apply it
    to every text field; ``user_text`` applies it to text typed elsewhere.
    """
    value = unicodedata.normalize("NFC", value).strip()
    if not value:
        raise ValueError(_("must not be empty"))
    for ch in value:
        cat = unicodedata.category(ch)
        if cat == "Cs" or ch in "\ufffe\uffff":
            # A lone surrogate: on the command line, a byte that was not UTF-8.
            raise ValueError(_("contains U+{ord:04X}, which is not a character (is the text UTF-8?)").format(
                ord=ord(ch)
            ))
        if cat in ("Cc", "Zl", "Zp"):
            if ch == "\t" or ch in _LINE_BREAKS:
                raise ValueError(_("contains a control character U+{ord:04X}; write it on one line").format(
                    ord=ord(ch)
                ))
            raise ValueError(_("contains a control character U+{ord:04X}; remove it").format(ord=ord(ch)))
    return value


def user_text(value: str, field: str, *, source: str | None = None) -> str:
    """``clean_text`` for text typed outside an input file: a command-line option, a profile value.

    ``user_text(reason, "--reason")`` -> the cleaned text, or ``InputError``
    ``--reason: contains a control character U+0007; remove it``.
    """
    if not isinstance(value, str):
        raise InputError(_("must be text"), source=source, field=field)
    try:
        return clean_text(value)
    except ValueError as e:
        raise InputError(str(e), source=source, field=field) from None


def upper_vi(text: str) -> str:
    """Upper-case Vietnamese text, e.g. ``"quyết định"`` → ``"QUYẾT ĐỊNH"``."""
    # NFD input would upper-case the base letter only and leave loose combining
    # marks; composing first and again after keeps the result canonical.
    return nfc(nfc(text).upper())


def _check_int(value: int, name: str) -> None:
    # bool is an int subclass; True as a day or amount is always a caller bug.
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, not {type(value).__name__}")


def day_str(day: int) -> str:
    """Day of month as written in documents: ``5`` → ``"05"``, ``31`` → ``"31"``."""
    _check_int(day, "day")
    if not 1 <= day <= 31:
        raise ValueError(_("day must be 1–31, got {day}").format(day=day))
    return f"{day:02d}"


def month_str(month: int) -> str:
    """Month as written in documents: ``1`` → ``"01"``, ``2`` → ``"02"``, ``3`` → ``"3"``."""
    _check_int(month, "month")
    if not 1 <= month <= 12:
        raise ValueError(_("month must be 1–12, got {month}").format(month=month))
    # The decree pads January and February only (Phụ lục I, II.4); "03".."09"
    # would be wrong, not merely unusual.
    return f"{month:02d}" if month <= 2 else str(month)


def date_phrase(d: datetime.date | None, *, year: int | None = None) -> str:
    """``"ngày 05 tháng 02 năm 2026"``; for ``d=None`` the blank paper form.

    The blank form (``"ngày      tháng      năm 2026"``) needs ``year``.
    When both are given they must agree.
    """
    if d is None:
        if year is None:
            raise ValueError(_("year is required when the date is left blank"))
        _check_int(year, "year")
        return f"ngày{BLANK}tháng{BLANK}năm {year}"
    if year is not None and year != d.year:
        raise ValueError(_("year {year} does not match the date {date}").format(
            year=year, date=d.isoformat()
        ))
    return f"ngày {day_str(d.day)} tháng {month_str(d.month)} năm {d.year}"


def date_line(place: str, d: datetime.date | None, *, year: int | None = None) -> str:
    """Place-and-date line: ``"Cà Mau, ngày 05 tháng 02 năm 2026"``."""
    place = nfc(place).strip()
    if not place:
        raise ValueError(_("place must not be empty"))
    return f"{place}, {date_phrase(d, year=year)}"


def number_str(n: int) -> str:
    """Document number: ``5`` → ``"05"``, ``12`` → ``"12"``, ``123`` → ``"123"``."""
    _check_int(n, "number")
    if n < 1:
        raise ValueError(_("document number must be ≥ 1, got {count}").format(count=n))
    return f"{n:02d}"


def _check_symbol(symbol: str) -> str:
    symbol = nfc(symbol).strip()
    if not symbol:
        raise ValueError(_("symbol (ký hiệu) must not be empty"))
    return symbol


def number_symbol(number: int | None, symbol: str) -> str:
    """``"05/QĐ-SNV"``; ``None`` leaves the number blank: ``"      /QĐ-SNV"``."""
    symbol = _check_symbol(symbol)
    head = BLANK if number is None else number_str(number)
    return f"{head}/{symbol}"


def number_line(number: int | None, symbol: str) -> str:
    """``"Số: 05/QĐ-SNV"``; ``None`` gives the paper form ``"Số:      /QĐ-SNV"``."""
    if number is None:
        # The blank replaces the separating space too, so the template's
        # "Số:      /" shape is reproduced exactly.
        return f"Số:{BLANK}/{_check_symbol(symbol)}"
    return f"Số: {number_symbol(number, symbol)}"


def count_str(n: int) -> str:
    """A count in prose: ``3`` → ``"03"``, ``0`` → ``"0"``, ``12`` → ``"12"``."""
    _check_int(n, "count")
    if n < 0:
        raise ValueError(_("count must be ≥ 0, got {count}").format(count=n))
    return f"0{n}" if 1 <= n <= 9 else str(n)


def _group_thousands(digits: str) -> str:
    """Insert ``.`` every three digits from the right of a digit string."""
    head = len(digits) % 3 or 3
    parts = [digits[:head]] + [digits[i : i + 3] for i in range(head, len(digits), 3)]
    return ".".join(parts)


def format_money(amount: int) -> str:
    """Amount in đồng with ``.`` thousands separators: ``2024000`` → ``"2.024.000"``."""
    _check_int(amount, "amount")
    if amount < 0:
        raise ValueError(_("amount must be ≥ 0, got {amount}").format(amount=amount))
    return _group_thousands(str(amount))


def format_decimal(value: Decimal | float | int | str) -> str:
    """Number with decimal comma: ``1.5`` → ``"1,5"``, ``12000.5`` → ``"12.000,5"``."""
    if isinstance(value, bool):
        raise TypeError("value must be a number, not bool")
    try:
        # str() first: Decimal(0.3) would expose the binary float's expansion.
        dec = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except InvalidOperation as e:
        raise ValueError(_("not a decimal number: {value!r}").format(value=value)) from e
    if not dec.is_finite():
        raise ValueError(_("not a finite number: {value!r}").format(value=value))
    if dec == 0:
        return "0"  # also turns "-0" and "0.00" into plain "0"
    # normalize() strips trailing zeros; format "f" undoes its exponent form (1E+2).
    text = format(dec.normalize(), "f")
    sign = "-" if text.startswith("-") else ""
    whole, _point, frac = text.lstrip("-").partition(".")
    result = sign + _group_thousands(whole)
    return f"{result},{frac}" if frac else result


def _group_words(group: int, *, lead: bool, linh: str) -> list[str]:
    """Words of one 3-digit group (spec §7.2 steps 1–4); ``lead`` = first group read."""
    h, rest = divmod(group, 100)
    t, u = divmod(rest, 10)
    words: list[str] = []
    if h or not lead:
        words += [_DIGITS[h], "trăm"]
    if t == 0:
        if u:
            if words:
                words.append(linh)
            words.append(_DIGITS[u])
    elif t == 1:
        words.append("mười")
        if u:
            words.append("lăm" if u == 5 else _DIGITS[u])
    else:
        words += [_DIGITS[t], "mươi"]
        if u:
            words.append({1: "mốt", 5: "lăm"}.get(u, _DIGITS[u]))
    return words


def _words_below_billion(n: int, *, lead: bool, linh: str, nghin: str) -> list[str]:
    """Words of ``0 <= n < 10**9``; ``lead`` is False when higher words precede."""
    words: list[str] = []
    for scale, word in ((10**6, "triệu"), (10**3, nghin), (1, "")):
        group = (n // scale) % 1000
        if group == 0:
            continue  # all-zero groups are skipped, never "không nghìn"
        words += _group_words(group, lead=lead, linh=linh)
        if word:
            words.append(word)
        lead = False
    return words


def _words(n: int, *, linh: str, nghin: str, ty: str) -> list[str]:
    high, low = divmod(n, _BILLION)
    words: list[str] = []
    if high:
        # Above 10^9 the count of tỷ is itself a number ("một nghìn tỷ",
        # "một tỷ tỷ"), which keeps the reading unambiguous at any size.
        words += _words(high, linh=linh, nghin=nghin, ty=ty) + [ty]
    words += _words_below_billion(low, lead=not high, linh=linh, nghin=nghin)
    return words


def _check_variant(word: str) -> str:
    word = nfc(word).strip()
    # An empty or multi-space variant would break the single-space word joins.
    if not word or "  " in word:
        raise ValueError(_("invalid variant word: {word!r}").format(word=word))
    return word


def number_to_words(
    n: int, *, linh: str = "linh", nghin: str = "nghìn", ty: str = "tỷ"
) -> str:
    """Lower-case Vietnamese words for ``n >= 0`` (spec §7.2): 105 → ``"một trăm linh năm"``.

    ``linh``/``nghin``/``ty`` allow the variants ``lẻ``/``ngàn``/``tỉ``.
    """
    _check_int(n, "n")
    if n < 0:
        raise ValueError(_("n must be ≥ 0, got {count}").format(count=n))
    linh, nghin, ty = (_check_variant(w) for w in (linh, nghin, ty))
    if n == 0:
        return "không"
    return nfc(" ".join(_words(n, linh=linh, nghin=nghin, ty=ty)))


def money_in_words(amount: int, *, chan: bool = False, **variants: str) -> str:
    """``"Hai triệu không trăm hai mươi bốn nghìn đồng"`` (+ ``" chẵn"`` if ``chan``).

    ``variants`` are passed to :func:`number_to_words` (``linh``, ``nghin``, ``ty``).
    """
    words = number_to_words(amount, **variants)
    text = f"{words[0].upper()}{words[1:]} đồng"
    return nfc(text + " chẵn" if chan else text)
