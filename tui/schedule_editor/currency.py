"""How many decimals a currency's amounts carry (ISO 4217 minor units)."""

from __future__ import annotations

from decimal import Decimal

__all__ = ["decimals", "quantum"]

#: Currencies whose minor unit is not 2; every other code has 2 (USD, EUR, GBP, ...).
_MINOR_UNITS = {
    "BIF": 0,
    "CLP": 0,
    "DJF": 0,
    "GNF": 0,
    "ISK": 0,
    "JPY": 0,
    "KMF": 0,
    "KRW": 0,
    "PYG": 0,
    "RWF": 0,
    "UGX": 0,
    "VND": 0,
    "VUV": 0,
    "XAF": 0,
    "XOF": 0,
    "XPF": 0,
    "BHD": 3,
    "IQD": 3,
    "JOD": 3,
    "KWD": 3,
    "LYD": 3,
    "OMR": 3,
    "TND": 3,
}


def decimals(currency: str | None) -> int:
    return _MINOR_UNITS.get((currency or "").upper(), 2)


def quantum(currency: str | None) -> Decimal:
    """``Decimal('0.01')`` for a 2-decimal currency, ``Decimal('1')`` for JPY."""
    return Decimal(1).scaleb(-decimals(currency))
