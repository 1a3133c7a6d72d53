"""Currencies, exact numbers and rounding."""

from __future__ import annotations

import copy
import pickle
from decimal import Decimal

import pytest
from babel.numbers import get_currency_precision
from hypothesis import example, given
from hypothesis import strategies as st

from invoicecalc import Amount, Currency, Price, Rounding
from invoicecalc._money import exact_decimal, round_div
from invoicecalc.errors import InvalidTypeError, InvalidValueError

# The exponents every total relies on; a babel upgrade that moves one fails here first.
PINNED_EXPONENTS = {
    "JPY": 0,
    "KRW": 0,
    "ISK": 0,
    "USD": 2,
    "EUR": 2,
    "GBP": 2,
    "BHD": 3,
    "KWD": 3,
    "JOD": 3,
    "TND": 3,
    "CLF": 4,
    "UYW": 4,
}


@pytest.mark.parametrize(("code", "exponent"), sorted(PINNED_EXPONENTS.items()))
def test_exponents_are_pinned(code: str, exponent: int) -> None:
    assert Currency(code).exponent == exponent == get_currency_precision(code)


@pytest.mark.parametrize("code", ["usd", "US", "USDX", "ZZZ", "", " USD"])
def test_unknown_codes_are_refused(code: str) -> None:
    with pytest.raises(InvalidValueError, match="currency"):
        Currency(code)


@pytest.mark.parametrize(
    ("code", "text", "minor"),
    [
        ("USD", "19.99", 1999),
        ("USD", "-0.01", -1),
        ("JPY", "1200", 1200),
        ("BHD", "1.25", 1250),
        ("CLF", "0.0001", 1),
        ("USD", "1e2", 10000),
        ("USD", "10.000", 1000),
    ],
)
def test_amount_from_major_units(code: str, text: str, minor: int) -> None:
    assert repr(Currency(code).amount(text)) == repr(Amount(minor, code))


@pytest.mark.parametrize(("code", "text"), [("USD", "10.001"), ("JPY", "0.5"), ("BHD", "0.0001")])
def test_amounts_finer_than_the_currency_are_refused(code: str, text: str) -> None:
    with pytest.raises(InvalidValueError, match=f"finer than {code}"):
        Currency(code).amount(text)


@pytest.mark.parametrize(
    "text",
    [
        "NaN",
        "Infinity",
        "-inf",
        "1_000",
        "abc",
        "",
        "1.2.3",
        "0x10",
        "١٢",
        "1e999999",
        "1e-999999",
        "1" * 61,
        " 1",  # blanks around a number: a vendor reader strips its XML's layout first
        "1\n",
        "\t1",
    ],
)
def test_text_that_is_not_a_sane_decimal_is_refused(text: str) -> None:
    with pytest.raises(InvalidValueError):
        exact_decimal(text, "x")


@pytest.mark.parametrize("value", [1.0, True, None, [1], b"1"])
def test_non_numbers_are_type_errors(value: object) -> None:
    with pytest.raises(InvalidTypeError):
        exact_decimal(value, "x")


@pytest.mark.parametrize(
    ("num", "den", "up", "even", "down"),
    [
        (5, 2, 3, 2, 2),
        (7, 2, 4, 4, 3),
        (1, 3, 0, 0, 0),
        (2, 3, 1, 1, 0),
        (-5, 2, -3, -2, -2),
        (-7, 2, -4, -4, -3),
        (-2, 3, -1, -1, 0),
        (0, 7, 0, 0, 0),
        (10, 5, 2, 2, 2),
    ],
)
def test_round_div_modes(num: int, den: int, up: int, even: int, down: int) -> None:
    assert round_div(num, den, Rounding.HALF_UP) == up
    assert round_div(num, den, Rounding.HALF_EVEN) == even
    assert round_div(num, den, Rounding.DOWN) == down


@given(st.integers(), st.integers(min_value=1, max_value=10**30), st.sampled_from(Rounding))
@example(-1, 2, Rounding.HALF_EVEN)
def test_rounding_is_symmetric_and_within_one(num: int, den: int, mode: Rounding) -> None:
    rounded = round_div(num, den, mode)
    assert round_div(-num, den, mode) == -rounded
    assert abs(rounded * den - num) < den
    if mode is Rounding.DOWN:
        assert abs(rounded * den) <= abs(num)
    elif mode is Rounding.UP:
        assert abs(rounded * den) >= abs(num)
    else:
        assert 2 * abs(rounded * den - num) <= den


@pytest.mark.parametrize(
    ("num", "den", "up"),
    # away from zero: any remainder at all moves the result one unit outward
    [(5, 2, 3), (-5, 2, -3), (1, 3, 1), (-1, 3, -1), (1, 10**30, 1), (0, 7, 0), (10, 5, 2)],
)
def test_round_div_up_goes_away_from_zero(num: int, den: int, up: int) -> None:
    assert round_div(num, den, Rounding.UP) == up


@given(st.sampled_from(["JPY", "USD", "BHD", "CLF"]), st.integers(-(10**20), 10**20))
def test_format_and_parse_round_trip(code: str, minor: int) -> None:
    currency = Currency(code)
    text = currency.format(minor)
    if abs(minor) < 10**18:  # larger amounts are beyond what input accepts
        assert currency.amount(text) == minor
    assert currency.to_decimal(minor) == Decimal(minor).scaleb(-currency.exponent)
    assert len(text.partition(".")[2]) == currency.exponent


def test_format_with_a_locale_writes_the_amount_as_that_locale_does() -> None:
    # CLDR: German groups with "." and puts the euro sign after the amount, behind a
    # no-break space; US English writes BHD's code in front (babel adds no spacing) and
    # keeps all three of its digits.
    assert Currency("EUR").format(-123456, locale="de_DE") == "-1.234,56\xa0€"
    assert Currency("BHD").format(1250, locale="en_US") == "BHD1.250"
    with pytest.raises(InvalidValueError) as caught:
        Currency("USD").format(1, locale="xx_NOPE")
    assert (caught.value.field, caught.value.value) == ("locale", "xx_NOPE")


# -- Amount and Price: money that carries its currency ---------------------------------


@pytest.mark.parametrize(
    ("code", "text", "minor"),
    [
        ("USD", "0.125", "12.5"),
        ("USD", "85", "8500"),
        ("JPY", "0.5", "0.5"),
        ("BHD", "1.2345", "1234.5"),
        ("CLF", "0.00001", "0.1"),
    ],
)
def test_price_from_major_units_may_be_finer_than_a_minor_unit(
    code: str, text: str, minor: str
) -> None:
    price = Currency(code).price(text)
    assert (type(price), price, price.currency) == (Price, Decimal(minor), code)
    assert repr(price) == f"Price({minor!r}, {code!r})"  # plain digits, never 8.5E+3


def test_repr_shows_the_minor_units_and_the_currency() -> None:
    assert repr(Currency("USD").amount("19.99")) == "Amount(1999, 'USD')"
    assert repr(Amount(-5, "JPY")) == "Amount(-5, 'JPY')"
    assert repr(Currency("USD").price("0.125")) == "Price('12.5', 'USD')"
    assert repr(Price(0, "")) == "Price('0', '')"


def test_an_amount_prints_as_its_number() -> None:
    # str() and f-strings give the minor units, as an int's would; only repr names the currency.
    amount = Amount(1999, "USD")
    assert (str(amount), f"{amount}", f"{amount:>6}", str([amount])) == (
        "1999",
        "1999",
        "  1999",
        "[Amount(1999, 'USD')]",
    )
    assert str(Price("12.5", "USD")) == "12.5"


@pytest.mark.parametrize(
    "money", [Amount(1999, "USD"), Amount(-1, "BHD"), Amount(0, ""), Price("12.5", "USD")]
)
def test_pickling_and_copying_keep_the_currency(money: Amount | Price) -> None:
    for again in (
        pickle.loads(pickle.dumps(money)),
        pickle.loads(pickle.dumps(money, protocol=0)),
        copy.copy(money),
        copy.deepcopy(money),
    ):
        assert type(again) is type(money)
        assert repr(again) == repr(money)
        assert again.currency == money.currency


def test_arithmetic_gives_plain_numbers() -> None:
    # Sums are minor units of no particular currency: plain int (an Amount) or Decimal (a Price).
    amount = Amount(150, "USD")
    for result in (amount + 1, amount - amount, amount * 2, abs(amount), sum([amount])):
        assert type(result) is int
    assert amount + Amount(50, "USD") == 200
    price = Price("12.5", "USD")
    assert (type(price * 2), price * 2) == (Decimal, Decimal(25))


def test_negating_keeps_the_currency() -> None:
    # A credit is the same money of the other sign: -amount is still an amount of USD.
    assert repr(-Amount(150, "USD")) == "Amount(-150, 'USD')"
    assert repr(-Price("12.5", "JPY")) == "Price('-12.5', 'JPY')"
    credit = -Amount(1, "BHD")
    assert repr(-credit) == "Amount(1, 'BHD')"


@pytest.mark.parametrize("minor", [True, False, 1.0, Decimal(1), "1", None])
def test_an_amount_is_a_whole_number_of_minor_units(minor: object) -> None:
    with pytest.raises(InvalidTypeError) as caught:
        Amount(minor, "USD")  # type: ignore[arg-type]
    assert (caught.value.field, caught.value.value) == ("amount", minor)


@pytest.mark.parametrize(
    ("minor", "error"),
    [
        (True, InvalidTypeError),
        (0.1, InvalidTypeError),
        (None, InvalidTypeError),
        ("abc", InvalidValueError),
        (Decimal("NaN"), InvalidValueError),
        (Decimal("1e999"), InvalidValueError),
    ],
)
def test_a_price_is_an_exact_number(minor: object, error: type[Exception]) -> None:
    with pytest.raises(error) as caught:
        Price(minor, "USD")
    assert caught.value.field == "unit_price"  # type: ignore[attr-defined]


@pytest.mark.parametrize("code", ["usd", "US", "", 840, None])
def test_money_needs_a_currency_code(code: object) -> None:
    for make in (Amount, Price):
        with pytest.raises(InvalidValueError) as caught:
            make(1, code)  # type: ignore[arg-type]
        assert (caught.value.field, caught.value.value) == ("currency", code)


def test_only_a_zero_may_have_no_currency() -> None:
    assert (Amount(0, "").currency, Price(0, "").currency) == ("", "")
    assert Price("0.00", "").currency == ""


@pytest.mark.parametrize("minor", [Decimal("19.99"), 199.99, 1.5, True, "1999", None])
def test_format_refuses_what_is_not_whole_minor_units(minor: object) -> None:
    """``format`` writes minor units; anything else is refused, not written wrong
    (found by a review: ``format(Decimal("19.99"))`` gave "0.19", ``format(True)``
    "0.01")."""
    with pytest.raises(InvalidTypeError, match="minor: must be a whole number of minor units"):
        Currency("USD").format(minor)  # type: ignore[arg-type]
