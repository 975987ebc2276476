from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from spotcheck.directory.creditcode import (
    ALPHABET,
    check_char,
    check_code,
    make_code,
    normalise_code,
    whole_code,
)


def test_known_valid_code_passes() -> None:
    code = make_code("91", "640106", "MA76ABCD1")
    result = check_code(code)
    assert result.ok and not result.warning and result.kind == "uscc"


def test_checksum_failure_is_a_warning_not_an_error() -> None:
    code = make_code("91", "640106", "MA76ABCD1")
    wrong = code[:17] + next(c for c in ALPHABET if c != code[17])
    result = check_code(wrong)
    assert result.ok
    assert "校验位" in result.warning


def test_legacy_registration_number_is_accepted() -> None:
    result = check_code("640106000012345")
    assert result.ok and result.kind == "legacy"


def test_forbidden_letters_are_an_error() -> None:
    result = check_code("91640106MA76ABCDI1")
    assert not result.ok
    assert "I" in result.error


def test_wrong_length_is_an_error() -> None:
    assert "18位" in check_code("9164010612").error


def test_empty_is_an_error() -> None:
    assert not check_code("   ").ok


def test_full_width_and_spaces_are_normalised() -> None:
    code = make_code("91", "640106", "MA76ABCD1")
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in code)
    assert normalise_code(f" {full_width[:5]}\u3000{full_width[5:].lower()}\t") == code


@given(
    st.text(alphabet=ALPHABET, min_size=9, max_size=9), st.sampled_from(["91", "92", "93", "52"])
)
def test_generated_codes_always_validate(body: str, prefix: str) -> None:
    code = make_code(prefix, "640106", body)
    assert check_code(code).ok and not check_code(code).warning


@given(
    st.text(alphabet=ALPHABET, min_size=17, max_size=17),
    st.integers(0, 16),
    st.sampled_from(ALPHABET),
)
def test_any_single_substitution_is_detected(first17: str, pos: int, repl: str) -> None:
    # The mod-31 weights are all non-zero and 31 is prime, so changing one character always
    # changes the check character: a single typo is never silently accepted.
    changed = first17[:pos] + repl + first17[pos + 1 :]
    if changed != first17:
        assert check_char(changed) != check_char(first17)


def test_whole_code_takes_any_case_and_width_and_nothing_shorter() -> None:
    code = make_code("91", "640106", "MA7XK5X01")
    assert whole_code(code.lower()) == code
    assert whole_code(" " + code.translate({c: c + 0xFEE0 for c in range(0x21, 0x7F)})) == code
    assert whole_code(code[:17]) is None
    assert whole_code(code[:9] + " " + code[9:]) is None
    assert whole_code("银川恒禾商贸有限公司") is None
