"""Unified social credit code (GB 32100-2015) and legacy 注册号 normalisation and checks."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUE = {c: i for i, c in enumerate(ALPHABET)}
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_USCC_SHAPE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")
_LEGACY_REG_NO = re.compile(r"^\d{15}$")


def normalise_code(raw: str) -> str:
    """Full-width → half-width, strip all whitespace (incl. U+3000), upper-case."""
    text = unicodedata.normalize("NFKC", raw or "")
    return re.sub(r"\s+", "", text).upper()


def whole_code(text: str) -> str | None:
    """``text`` as a unified social credit code if it has the whole code's shape (checksum
    aside: pilot-era codes may fail it), typed in any case or width; otherwise None."""
    code = unicodedata.normalize("NFKC", text).strip().upper()
    return code if _USCC_SHAPE.match(code) else None


def check_char(first17: str) -> str:
    total = sum(_VALUE[c] * w for c, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


@dataclass(frozen=True)
class CodeCheck:
    code: str
    kind: str  # "uscc" | "legacy" | "invalid"
    error: str = ""  # hard error: the value cannot be a code at all
    warning: str = ""  # soft: checksum failure a person may confirm

    @property
    def ok(self) -> bool:
        return not self.error


def check_code(raw: str) -> CodeCheck:
    code = normalise_code(raw)
    if not code:
        return CodeCheck(code, "invalid", error="统一社会信用代码不能为空")
    if _LEGACY_REG_NO.match(code):
        return CodeCheck(code, "legacy")
    if len(code) != 18:
        return CodeCheck(
            code,
            "invalid",
            error=f"统一社会信用代码应为18位（旧注册号为15位数字），实际为{len(code)}位",
        )
    if not _USCC_SHAPE.match(code):
        bad = sorted({c for c in code if c not in _VALUE})
        detail = f"含有不允许的字符 {''.join(bad)}" if bad else "第3–8位应为行政区划代码数字"
        return CodeCheck(code, "invalid", error=f"统一社会信用代码格式错误：{detail}")
    expected = check_char(code[:17])
    if expected != code[17]:
        return CodeCheck(
            code,
            "uscc",
            warning=f"统一社会信用代码校验位不符（应为 {expected}）；早期试点代码可能如此，请确认",
        )
    return CodeCheck(code, "uscc")


def make_code(prefix2: str, region6: str, body9: str) -> str:
    """Build a valid code (used by demo data and tests)."""
    first17 = f"{prefix2}{region6}{body9}"
    return first17 + check_char(first17)
