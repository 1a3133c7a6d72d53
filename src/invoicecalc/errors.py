"""The errors invoicecalc raises.

Every error is an :class:`InvoiceCalcError`; each concrete class also
subclasses the builtin it refines, so ``except ValueError`` keeps working.
Errors about one input carry the ``field`` (a path such as
``lines[2].flat_fee``) and the offending ``value``.

>>> from invoicecalc.errors import InvalidValueError
>>> err = InvalidValueError("flat_fee", "10.001", "is finer than USD allows")
>>> str(err)
"flat_fee: is finer than USD allows (got '10.001')"
>>> str(err.within("lines[2]"))
"lines[2].flat_fee: is finer than USD allows (got '10.001')"
"""

from __future__ import annotations

import reprlib
from typing import Any, Self, TypeGuard

__all__ = [
    "InvalidTypeError",
    "InvalidValueError",
    "InvoiceCalcError",
    "ParseError",
    "UnsupportedError",
    "VendorError",
    "value_repr",
]

_NO_VALUE = object()
#: The most bits of a whole number written out in full; Python refuses to write one
#: of more than 4,300 digits (about 14,000 bits) at all.
_MAX_BITS = 4000


def value_repr(value: object) -> str:
    """``repr(value)``, with any whole number too long to write shown by its length:
    never the ``ValueError`` Python raises for one of more than 4,300 digits.

    >>> value_repr(10**5000)
    '<a whole number of about 5001 digits>'
    >>> value_repr(["10.001", -10**5000])
    "['10.001', <a whole number of about 5001 digits>]"
    """
    if _too_long(value):
        return _length_of(value)
    try:
        return repr(value)
    except ValueError:  # a long number inside: shown as messages show values
        return _SHOWN.repr(value)


def _too_long(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and abs(value).bit_length() > _MAX_BITS


def _length_of(value: int) -> str:
    digits = int(abs(value).bit_length() * 0.30103) + 1  # log10(2): off by one at most
    return f"<a whole number of about {digits} digits>"


class _Repr(reprlib.Repr):
    """reprlib, with whole numbers of any length shown without failing."""

    def repr_int(self, x: int, level: int) -> str:
        return _length_of(x) if _too_long(x) else super().repr_int(x, level)

    def repr_instance(self, x: object, level: int) -> str:
        return _length_of(x) if _too_long(x) else super().repr_instance(x, level)


#: A message shows at most this much of the value and the field it names, so that
#: refusing a megabyte of input never prints a megabyte.
_SHOWN = _Repr()  # keyword arguments need Python 3.12
_SHOWN.maxlevel = 3
_SHOWN.maxtuple = _SHOWN.maxlist = _SHOWN.maxarray = _SHOWN.maxdict = 10
_SHOWN.maxset = _SHOWN.maxfrozenset = _SHOWN.maxdeque = 10
_SHOWN.maxstring = _SHOWN.maxother = 120
_SHOWN.maxlong = 80
_MAX_FIELD = 200
_MAX_PROBLEM = 400


def _cut(text: str, most: int) -> str:
    return text if len(text) <= most else text[:most] + "..."


class InvoiceCalcError(Exception):
    """The root of every error invoicecalc raises on purpose."""

    def __init__(self, field: str, value: object, problem: str) -> None:
        super().__init__(field, value, problem)
        self.field = field
        self.value = value
        self.problem = problem

    @property
    def shown_field(self) -> str:
        """The field as messages show it: at most 200 characters (then ``...``)."""
        return _cut(self.field, _MAX_FIELD)

    @property
    def shown_problem(self) -> str:
        """The problem as messages show it: at most 400 characters (then ``...``)."""
        return _cut(self.problem, _MAX_PROBLEM)

    def __str__(self) -> str:
        field, problem = self.shown_field, self.shown_problem
        where = f"{field}: " if field else ""
        if self.value is _NO_VALUE:
            return f"{where}{problem}"
        return f"{where}{problem} (got {_SHOWN.repr(self.value)})"

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled whole (``preview --jobs`` sends refusals between processes): the
        subclasses' own signatures, and the no-value marker, survive it."""
        return (_restored, (type(self), self.args, self.__dict__))

    def within(self, prefix: str) -> Self:
        """The same error, its field placed under ``prefix``."""
        if not self.field:
            field = prefix
        elif self.field.startswith("["):
            field = prefix + self.field
        else:
            field = f"{prefix}.{self.field}"
        return self._copy(field, self.problem)

    def when(self, condition: str) -> Self:
        """The same error, its problem said to hold ``condition`` (``"at the estimate's
        low quantities"``): for a refusal of a value derived from what was given.

        >>> err = InvalidValueError("discount_amount", "20.00", "is more than 10.00")
        >>> str(err.when("at the low quantities"))
        "discount_amount: is more than 10.00 at the low quantities (got '20.00')"
        """
        return self._copy(self.field, f"{self.problem} {condition}")

    def _copy(self, field: str, problem: str) -> Self:
        """The same error (its class, value and any attribute of its own), with ``field``
        and ``problem``."""
        err = type(self).__new__(type(self))
        err.__dict__.update(self.__dict__)
        InvoiceCalcError.__init__(err, field, self.value, problem)
        return err


class InvalidValueError(InvoiceCalcError, ValueError):
    """A value of the right type that is not allowed (a negative rate, ...)."""


class InvalidTypeError(InvoiceCalcError, TypeError):
    """A value of the wrong type, such as a ``float`` where money goes."""


class ParseError(InvoiceCalcError, ValueError):
    """A document (JSON, XML) that cannot be read at all."""

    def __init__(self, field: str, problem: str, value: object = _NO_VALUE) -> None:
        super().__init__(field, value, problem)


class UnsupportedError(InvoiceCalcError, ValueError):
    """A concept the target format cannot express, refused rather than lost."""

    def __init__(self, field: str, problem: str, value: object = _NO_VALUE) -> None:
        super().__init__(field, value, problem)


class VendorError(InvoiceCalcError, RuntimeError):
    """A vendor's own error response, carrying its message and code."""

    def __init__(self, vendor: str, message: str, code: str | None = None) -> None:
        problem = f"{vendor} says: {message}" + (f" (code {code})" if code else "")
        super().__init__("", _NO_VALUE, problem)
        self.vendor = vendor
        self.message = message
        self.code = code


def _kept(value: object) -> object:
    return _NO_VALUE if type(value) is object else value  # the marker, once unpickled


def _restored(
    kind: type[InvoiceCalcError], args: tuple[object, ...], state: dict[str, object]
) -> InvoiceCalcError:
    """An error as :meth:`InvoiceCalcError.__reduce__` pickled it."""
    error = kind.__new__(kind)
    Exception.__init__(error, *map(_kept, args))
    error.__dict__.update({key: _kept(value) for key, value in state.items()})
    return error
