"""Currencies, exact numbers and the one rounding helper."""

from __future__ import annotations

import enum
import re
from decimal import Context, Decimal, InvalidOperation
from functools import cache

import attrs
from babel import UnknownLocaleError
from babel.numbers import (
    UnknownCurrencyError,
    format_currency,
    get_currency_precision,
    validate_currency,
)

from .errors import InvalidTypeError, InvalidValueError

__all__ = [
    "EXACT",
    "LIMIT",
    "MAX_NUMBER_TEXT",
    "NO_AMOUNT",
    "NO_PRICE",
    "ROUNDERS",
    "Amount",
    "Currency",
    "Price",
    "Rounding",
    "allocate",
    "allocation",
    "decimal_text",
    "exact_decimal",
    "in_range",
    "round_div",
    "shown",
]

#: Numbers are accepted from 10**-18 up to (not including) 10**18 in magnitude,
#: and zero: a quantity, a rate or an amount outside that is refused as absurd.
MIN_EXPONENT = -18
#: Number text longer than this (digits, sign, point and exponent together) is
#: refused before it is converted, so no conversion is ever asked to be slow.
MAX_NUMBER_TEXT = 60
_TOO_LARGE = Decimal(10**18)
_ZERO = Decimal(0)
#: Every amount the engine works out stays below this many minor units.
LIMIT = 10**18

_CURRENCY_CODE = re.compile(r"[A-Z]{3}\Z")
#: Wide enough that sums and products of accepted numbers are exact; used
#: through its methods, so the global decimal context is never touched.
EXACT = Context(prec=200)


class Rounding(enum.StrEnum):
    """How an exact amount becomes a whole number of minor units."""

    HALF_UP = "half_up"  # half away from zero
    HALF_EVEN = "half_even"  # banker's rounding
    DOWN = "down"  # toward zero
    UP = "up"  # away from zero


def _half_up(num: int, den: int) -> int:
    if num >= 0:
        return (2 * num + den) // (2 * den)
    return -((den - 2 * num) // (2 * den))


def _half_even(num: int, den: int) -> int:
    quotient, remainder = divmod(-num if num < 0 else num, den)
    twice = 2 * remainder
    if twice > den or (twice == den and quotient & 1):
        quotient += 1
    return -quotient if num < 0 else quotient


def _down(num: int, den: int) -> int:
    return num // den if num >= 0 else -(-num // den)


def _up(num: int, den: int) -> int:
    return -(-num // den) if num >= 0 else num // den


#: The rounding function of each mode, for hot loops: ``ROUNDERS[mode](num, den)``
#: is ``round_div(num, den, mode)``.
ROUNDERS = {
    Rounding.HALF_UP: _half_up,
    Rounding.HALF_EVEN: _half_even,
    Rounding.DOWN: _down,
    Rounding.UP: _up,
}


def round_div(num: int, den: int, mode: Rounding) -> int:
    """``num / den`` (``den > 0``) rounded to an integer; every rounding goes here.

    Symmetric in sign for every mode, so ``round(-x) == -round(x)``.

    >>> round_div(5, 2, Rounding.HALF_UP), round_div(-5, 2, Rounding.HALF_UP)
    (3, -3)
    >>> round_div(5, 2, Rounding.HALF_EVEN), round_div(7, 2, Rounding.HALF_EVEN)
    (2, 4)
    >>> round_div(-19, 10, Rounding.DOWN), round_div(-11, 10, Rounding.UP)
    (-1, -2)
    """
    return ROUNDERS[mode](num, den)


def allocate(amount: int, weights: list[int]) -> list[int]:
    """``amount`` (``>= 0``) split in proportion to ``weights`` (``>= 0``), by largest remainder.

    Each share is the floor of its exact share ``amount * w / sum(weights)``;
    the units left go one each to the largest remainders, the earlier weight
    first on a tie. The shares add up to ``amount`` exactly (when any weight
    is positive; with none, nothing is allocated).

    >>> allocate(201, [1005, 1005]), allocate(100, [1, 1, 1]), allocate(5, [0, 0])
    ([101, 100], [34, 33, 33], [0, 0])
    """
    return allocation(amount, weights)[0]


def allocation(
    amount: int, weights: list[int]
) -> tuple[list[int], list[int], list[int], list[int]]:
    """:func:`allocate` with its workings: ``(shares, floors, remainders, extra)``.

    ``floors[i]`` is ``floor(amount * w_i / sum(weights))`` and ``remainders[i]``
    what the division left (over ``sum(weights)``); ``extra`` lists, in order,
    the positions that received one of the units left over.

    >>> allocation(2, [1, 1, 1])
    ([1, 1, 0], [0, 0, 0], [2, 2, 2], [0, 1])
    """
    whole = sum(weights)
    if not whole:
        zeros = [0] * len(weights)
        return zeros, zeros, zeros, []
    floors, remainders = [], []
    for weight in weights:
        share, remainder = divmod(amount * weight, whole)
        floors.append(share)
        remainders.append(remainder)
    left = amount - sum(floors)
    extra = sorted(sorted(range(len(weights)), key=lambda i: -remainders[i])[:left])
    shares = list(floors)
    for index in extra:
        shares[index] += 1
    return shares, floors, remainders, extra


def exact_decimal(value: object, field: str) -> Decimal:
    """``value`` (a ``Decimal``, ``int`` or decimal text) as a finite, sane ``Decimal``.

    Floats and bools are refused with :class:`~invoicecalc.errors.InvalidTypeError`;
    NaN, infinities, text that is not a plain decimal number and absurd
    magnitudes (``1e999999``, ``1e-999999``) with
    :class:`~invoicecalc.errors.InvalidValueError`.

    >>> exact_decimal("19.99", "unit_price")
    Decimal('19.99')
    >>> exact_decimal(0.1, "rate")
    Traceback (most recent call last):
    ...
    invoicecalc.errors.InvalidTypeError: rate: a float is not exact; use Decimal or text (got 0.1)
    """
    if type(value) is Decimal:
        number = value
    elif type(value) is str:
        number = decimal_text(value, field)
    elif isinstance(value, bool):
        raise InvalidTypeError(field, value, "a bool is not a number")
    elif isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float):
        raise InvalidTypeError(field, value, "a float is not exact; use Decimal or text")
    elif isinstance(value, Decimal):  # a subclass of Decimal
        number = Decimal(value)
    elif isinstance(value, str):  # a subclass of str
        number = decimal_text(str(value), field)
    else:
        raise InvalidTypeError(field, value, "is not a number")
    return in_range(number, field, value)


def in_range(number: Decimal, field: str, value: object = None) -> Decimal:
    """``number`` if it is finite and within the supported range; a zero as plain ``0``.

    The one range rule, shared by :func:`exact_decimal` and the JSON reader (which
    applies it to every JSON number as it is parsed): magnitudes from
    ``10**MIN_EXPONENT`` up to, not including, ``10**18``, and zero, with at most
    ``MAX_NUMBER_TEXT`` significant digits. A zero with
    an absurd exponent (``0e-999999999``) becomes ``Decimal(0)``, so no later
    step formats or quantizes a billion digits. ``value`` is what the error shows
    (default: ``number``).
    """
    # The common case in two looks: for a nonzero finite number, |number| < 10**18
    # is adjusted() <= 17; and every digit of a number is in its text, so text no
    # longer than MAX_NUMBER_TEXT has no more digits (a quicker look than as_tuple).
    if (
        number.is_finite()
        and number
        and MIN_EXPONENT <= number.adjusted() < 18
        and (len(str(number)) <= MAX_NUMBER_TEXT or not _too_many_digits(number))
    ):
        return number
    shown = number if value is None else value
    if not number.is_finite():
        raise InvalidValueError(field, shown, "is not a finite number")
    if not number:
        exponent = number.as_tuple().exponent
        assert isinstance(exponent, int)
        return number if MIN_EXPONENT <= exponent <= -MIN_EXPONENT else _ZERO
    if not -_TOO_LARGE < number < _TOO_LARGE or number.adjusted() < MIN_EXPONENT:
        raise InvalidValueError(field, shown, "is out of the supported range")
    if _too_many_digits(number):
        raise InvalidValueError(field, shown, f"has more than {MAX_NUMBER_TEXT} digits")
    return number


def _too_many_digits(number: Decimal) -> bool:
    """Whether ``number`` has more significant digits than ``MAX_NUMBER_TEXT`` (the one
    place the digit limit is written)."""
    return len(number.as_tuple().digits) > MAX_NUMBER_TEXT


def decimal_text(text: str, field: str) -> Decimal:
    """Plain decimal text (``"-12.50"``, ``"1e3"``) as a ``Decimal``.

    ``NaN``, infinities, digit-group underscores, non-ASCII digits, blanks
    around the number (``" 1"``: a vendor reader strips the layout of its XML
    first) and text longer than 60 characters are refused.
    """
    if len(text) <= MAX_NUMBER_TEXT and text.isascii() and "_" not in text and text.strip() == text:
        try:
            number = Decimal(text)
        except InvalidOperation:
            pass
        else:
            if number.is_finite():
                return number
    raise InvalidValueError(field, text, "is not a decimal number")


#: Codes already seen to match ``_CURRENCY_CODE`` (at most 26**3 of them).
_CODES: set[str] = set()


def _currency_code(code: object, value: object) -> str:
    if type(code) is str and code in _CODES:
        return code
    if not isinstance(code, str) or not (_CURRENCY_CODE.match(code) or (code == "" and not value)):
        raise InvalidValueError("currency", code, "is not an ISO 4217 code")
    if code and type(code) is str:
        _CODES.add(code)
    return code


class Amount(int):
    """Whole minor units of one currency: ``Currency("USD").amount("19.99")`` is
    ``Amount(1999, "USD")``.

    Every amount an invoice is given (a flat fee, a payment, a discount amount)
    is one, so that ``150`` can never be read as 150.00 or as 1.50: the
    currency says which. It is an ``int`` of minor units in every sum; sums are
    plain ``int``, while ``-amount`` stays an amount of its currency.
    """

    currency: str

    def __new__(cls, minor: int, currency: str) -> Amount:
        if type(minor) is int and type(currency) is str and currency in _CODES:
            amount = int.__new__(cls, minor)
            amount.currency = currency
            return amount
        if isinstance(minor, bool) or not isinstance(minor, int):
            raise InvalidTypeError("amount", minor, "must be a whole number of minor units")
        amount = super().__new__(cls, minor)
        amount.currency = _currency_code(currency, minor)
        return amount

    def __repr__(self) -> str:
        return f"Amount({int(self)}, {self.currency!r})"

    def __neg__(self) -> Amount:
        """The same amount of the other sign, still of its currency (a credit)."""
        return Amount(-int(self), self.currency)

    # int has no __str__ of its own: without this, str() and f-strings would
    # give the repr, and a writer would print "Amount(1999, 'USD')".
    def __str__(self) -> str:
        return int.__repr__(self)

    def __reduce__(self) -> tuple[type[Amount], tuple[int, str]]:
        return Amount, (int(self), self.currency)


class Price(Decimal):
    """A unit price in minor units of one currency, possibly finer than one:
    ``Currency("USD").price("0.125")`` is ``Price("12.5", "USD")``.

    A ``Decimal`` of minor units in every sum (sums are plain ``Decimal``);
    negating one keeps its currency, as negating an :class:`Amount` does.
    """

    __slots__ = ("currency",)
    currency: str

    def __new__(cls, minor: object, currency: str) -> Price:
        number = exact_decimal(minor, "unit_price")
        price = super().__new__(cls, number)
        price.currency = _currency_code(currency, number)
        return price

    def __repr__(self) -> str:
        # Plain digits: usd.price("1.50") is Price('150', 'USD'), not Price('1.5E+2', 'USD').
        return f"Price({format(Decimal(self), 'f')!r}, {self.currency!r})"

    def __neg__(self, context: object = None) -> Price:
        """The same price of the other sign, still of its currency (a credit)."""
        return Price(-Decimal(self), self.currency)

    # Decimal's own reduce would drop the currency.
    def __reduce__(self) -> tuple[type[Price], tuple[str, str]]:  # type: ignore[override]
        return Price, (str(Decimal(self)), self.currency)


def shown(amount: Amount) -> str:
    """``amount`` as its currency writes it (``"-1.00"``), for the messages of errors.

    >>> shown(Amount(-100, "USD")), shown(Amount(5, "JPY")), shown(Amount(0, ""))
    ('-1.00', '5', '0')
    """
    return Currency(amount.currency).format(amount) if amount.currency else str(int(amount))


#: The zero amount and price of no currency in particular: the fields' defaults.
NO_AMOUNT = Amount(0, "")
NO_PRICE = Price(0, "")


@cache
def _exponent(code: str) -> int:
    # Validate first: babel answers 2 for any unknown code.
    validate_currency(code)
    precision: int = get_currency_precision(code)
    return precision


@attrs.frozen
class Currency:
    """An ISO 4217 currency and its minor-unit exponent from babel's CLDR data.

    >>> Currency("JPY").exponent, Currency("USD").exponent, Currency("BHD").exponent
    (0, 2, 3)
    >>> Currency("usd")
    Traceback (most recent call last):
    ...
    invoicecalc.errors.InvalidValueError: currency: is not an ISO 4217 code (got 'usd')
    """

    code: str
    exponent: int = attrs.field(init=False)
    _pattern: str = attrs.field(init=False, eq=False, repr=False)
    _scale: int = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.code, str):
            raise InvalidTypeError("currency", self.code, "is not a currency code")
        if not _CURRENCY_CODE.match(self.code):
            raise InvalidValueError("currency", self.code, "is not an ISO 4217 code")
        try:
            exponent = _exponent(self.code)
        except UnknownCurrencyError:
            raise InvalidValueError("currency", self.code, "is not a known currency") from None
        object.__setattr__(self, "exponent", exponent)
        object.__setattr__(self, "_pattern", f"%d.%0{exponent}d")
        object.__setattr__(self, "_scale", 10**exponent)

    def amount(self, value: object, field: str = "amount") -> Amount:
        """An amount in major units (``"19.99"``) as an :class:`Amount` of minor units (``1999``).

        >>> Currency("USD").amount("19.99")
        Amount(1999, 'USD')
        >>> Currency("USD").amount("10.001", "flat_fee")
        Traceback (most recent call last):
        ...
        invoicecalc.errors.InvalidValueError: flat_fee: is finer than USD allows (got '10.001')
        """
        num, den = exact_decimal(value, field).as_integer_ratio()
        minor, rest = divmod(num * self._scale, den)
        if rest:
            raise InvalidValueError(field, value, f"is finer than {self.code} allows")
        amount = int.__new__(Amount, minor)  # minor and the code are known good
        amount.currency = self.code
        return amount

    def price(self, value: object, field: str = "unit_price") -> Price:
        """A unit price in major units as a :class:`Price` of minor units; may be finer than one.

        >>> Currency("USD").price("0.125")
        Price('12.5', 'USD')
        """
        price = Decimal.__new__(Price, exact_decimal(value, field).scaleb(self.exponent, EXACT))
        price.currency = self.code  # the number and the code are known good
        return price

    def to_decimal(self, minor: int) -> Decimal:
        """Minor units as a ``Decimal`` of major units with exactly the minor digits."""
        return Decimal(self.format(minor))

    def format(self, minor: int, *, locale: str | None = None) -> str:
        """Minor units as plain text with exactly the currency's digits, or with
        ``locale`` as that locale writes an amount of the currency (through babel).

        >>> [Currency(code).format(-1250) for code in ("USD", "JPY", "BHD")]
        ['-12.50', '-1250', '-1.250']
        >>> Currency("EUR").format(123456, locale="de_DE")
        '1.234,56\xa0€'
        >>> Currency("JPY").format(1250, locale="en_US")
        '¥1,250'
        >>> Currency("USD").format(1.5)
        Traceback (most recent call last):
        ...
        invoicecalc.errors.InvalidTypeError: minor: must be a whole number of minor units (got 1.5)
        """
        if type(minor) is not int and (not isinstance(minor, int) or isinstance(minor, bool)):
            raise InvalidTypeError("minor", minor, "must be a whole number of minor units")
        if locale is not None:
            try:
                text: str = format_currency(self.to_decimal(minor), self.code, locale=locale)
            except (UnknownLocaleError, ValueError, TypeError):
                raise InvalidValueError("locale", locale, "is not a locale babel knows") from None
            return text
        if not self.exponent:
            return str(minor)
        if minor < 0:
            return "-" + self._pattern % divmod(-minor, self._scale)
        return self._pattern % divmod(minor, self._scale)
