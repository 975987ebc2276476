"""Masking of personal data before anything is published (Art. 17).

Pure functions, no Django: each takes a value and returns ``(masked_value, redacted)`` where
``redacted`` names the *kinds* of data removed (never the values themselves, so the list can be
written to the audit log without re-leaking what was masked).

What is masked:
- natural persons' names (e.g. the operator of an individual business) — keep the surname;
- resident ID-card numbers (18 characters, last one may be X);
- mobile and landline phone numbers;
- individual businesses' home addresses — keep up to the street/road.

What is not: inspectors' names, departments and certificate numbers are published on purpose
(行政执法公示), and enterprise names, credit codes and business addresses are public registry data.

Every function is idempotent (masking masked output changes nothing), so a payload can be
re-run through the rules when it is corrected without double-masking.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

MASK = "*"

ID_NUMBER = "id_number"
MOBILE = "mobile_phone"
LANDLINE = "landline_phone"
PERSON_NAME = "person_name"
HOME_ADDRESS = "home_address"

Redacted = tuple[str, list[str]]

# 18-digit resident ID: region (6), birth date (8), sequence (3), check (digit or X). The date
# part keeps 18-digit credit codes and order numbers from being mistaken for IDs. Neighbouring
# alphanumerics exclude longer tokens; a masked value contains "*" and so never matches again.
_ID_RE = re.compile(
    r"(?<![0-9A-Za-z])[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])"
    r"\d{3}[0-9Xx](?![0-9A-Za-z])",
    re.ASCII,
)
# Mainland mobile numbers, optionally with +86/86 and separators between the 3-4-4 groups.
_MOBILE_RE = re.compile(
    r"(?<![0-9A-Za-z])(?:\+?86[- ]?)?(1[3-9]\d)[- ]?(\d{4})[- ]?(\d{4})(?![0-9A-Za-z])",
    re.ASCII,
)
# Landlines: area code 0xx/0xxx (optionally in brackets) and a 7–8 digit number.
_LANDLINE_RE = re.compile(
    r"(?<![0-9A-Za-z])(?:\(|（)?(0\d{2,3})(?:\)|）)?[- ]?(\d{7,8})(?:-(\d{1,5}))?(?![0-9A-Za-z])",
    re.ASCII,
)
# Road-level part of an address: everything up to the first road/street/lane name.
_ROAD_RE = re.compile(r"^.*?(?:大道|大街|胡同|路|街|巷|弄)")
# Fallback when no road is named: keep up to the township/district.
_AREA_RE = re.compile(r"^.*(?:镇|乡|区|县|市)")


def _ordered_unique(kinds: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(kinds))


def mask_id_numbers(text: str) -> Redacted:
    """Keep the first and last character of each ID number (enough to tell two apart on a
    page, not enough to identify anyone)."""
    found: list[str] = []

    def repl(m: re.Match[str]) -> str:
        found.append(ID_NUMBER)
        value = m.group(0)
        return value[0] + MASK * 16 + value[-1]

    return _ID_RE.sub(repl, text), _ordered_unique(found)


def mask_phone_numbers(text: str) -> Redacted:
    """Mobile numbers keep the usual 3+4 visible digits (138****5678); landlines keep the area
    code and the last two digits."""
    found: list[str] = []

    def mobile(m: re.Match[str]) -> str:
        found.append(MOBILE)
        return f"{m.group(1)}{MASK * 4}{m.group(3)}"

    def landline(m: re.Match[str]) -> str:
        found.append(LANDLINE)
        number = m.group(2)
        return f"{m.group(1)}-{MASK * (len(number) - 2)}{number[-2:]}"

    text = _MOBILE_RE.sub(mobile, text)
    text = _LANDLINE_RE.sub(landline, text)
    return text, _ordered_unique(found)


def mask_text(
    text: str, *, person_names: Iterable[str] = (), home_addresses: Iterable[str] = ()
) -> Redacted:
    """Free text (findings, remarks): ID numbers, phones, and any of the given persons' names
    and home addresses wherever they occur. Names and addresses cannot be recognised by
    pattern, so the caller passes the ones it knows (e.g. the operator of the checked
    individual business and its address, which inspectors often copy into findings)."""
    text, ids = mask_id_numbers(text)
    text, phones = mask_phone_numbers(text)
    found = [*ids, *phones]
    for address in sorted({a.strip() for a in home_addresses if a and a.strip()}, key=len)[::-1]:
        masked, kinds = mask_home_address(address)
        if not kinds:
            continue
        kept = masked.removesuffix(MASK * 3)
        # The whole address, then the house/building/room part written without the road.
        for part, replacement in ((address, masked), (address[len(kept) :], MASK * 3)):
            if len(part) >= 3 and part in text:
                text = text.replace(part, replacement)
                found.append(HOME_ADDRESS)
    # Longest first, so "欧阳小明" is masked before a shorter name contained in it.
    for name in sorted({n.strip() for n in person_names if n and n.strip()}, key=len)[::-1]:
        masked, _ = mask_person_name(name)
        if masked != name and name in text:
            text = text.replace(name, masked)
            found.append(PERSON_NAME)
    return text, _ordered_unique(found)


def mask_person_name(name: str) -> Redacted:
    """张三 → 张*, 王小明 → 王**: the surname stays so a reader can still match a record they
    already know about."""
    stripped = name.strip()
    if len(stripped) <= 1:
        return name, []
    masked = stripped[0] + MASK * (len(stripped) - 1)
    if masked == stripped:
        return name, []
    return masked, [PERSON_NAME]


def mask_home_address(address: str) -> Redacted:
    """Keep the address up to the street/road (or, without one, the township/district) and
    replace the house number, building and room with a fixed mask."""
    stripped = address.strip()
    match = _ROAD_RE.match(stripped) or _AREA_RE.match(stripped)
    if match is None:
        # Nothing to anchor on: publishing any part could still locate a home.
        return (MASK * 3, [HOME_ADDRESS]) if stripped and stripped != MASK * 3 else (address, [])
    kept, rest = stripped[: match.end()], stripped[match.end() :]
    if not rest or rest == MASK * 3:
        return stripped, []
    return kept + MASK * 3, [HOME_ADDRESS]
