"""Masking rules for published data (Art. 17): examples for each rule, then properties."""

from __future__ import annotations

import string

from hypothesis import given
from hypothesis import strategies as st

from spotcheck.disclosure.redaction import (
    HOME_ADDRESS,
    ID_NUMBER,
    LANDLINE,
    MOBILE,
    PERSON_NAME,
    mask_home_address,
    mask_id_numbers,
    mask_person_name,
    mask_phone_numbers,
    mask_text,
)

ID = "640106199001011234"
ID_X = "64010619851231002X"


def test_id_numbers_masked_keeping_first_and_last_character() -> None:
    masked, kinds = mask_id_numbers(f"经营者身份证号{ID}，另{ID_X}。")
    assert ID not in masked and ID_X not in masked
    assert "6****************4" in masked and "6****************X" in masked
    assert kinds == [ID_NUMBER]


def test_credit_codes_and_longer_digit_runs_are_not_id_numbers() -> None:
    text = "统一社会信用代码 91640106MA76123456，订单号 6401061990010112345"
    assert mask_id_numbers(text) == (text, [])


def test_mobile_numbers_masked_in_every_usual_spelling() -> None:
    for spelled in ("13812345678", "+86 138-1234-5678", "138 1234 5678", "8613812345678"):
        masked, kinds = mask_phone_numbers(f"电话：{spelled}。")
        assert masked == "电话：138****5678。", spelled
        assert kinds == [MOBILE]


def test_landlines_keep_area_code_and_two_digits() -> None:
    assert mask_phone_numbers("0951-5012345") == ("0951-*****45", [LANDLINE])
    assert mask_phone_numbers("（010）87654321转") == ("010-******21转", [LANDLINE])


def test_person_name_keeps_surname() -> None:
    assert mask_person_name("张三") == ("张*", [PERSON_NAME])
    assert mask_person_name("欧阳小明") == ("欧***", [PERSON_NAME])
    assert mask_person_name("张") == ("张", [])


def test_known_names_masked_inside_free_text_longest_first() -> None:
    masked, kinds = mask_text(
        "经营者王小明（王小）到场，电话13812345678", person_names=["王小", "王小明"]
    )
    assert masked == "经营者王**（王*）到场，电话138****5678"
    assert kinds == [MOBILE, PERSON_NAME]


def test_home_address_kept_to_road_level() -> None:
    assert mask_home_address("宁夏银川市金凤区北京中路168号3号楼2单元301室") == (
        "宁夏银川市金凤区北京中路***",
        [HOME_ADDRESS],
    )
    assert mask_home_address("银川市金凤区良田镇植物园村五队12号") == (
        "银川市金凤区良田镇***",
        [HOME_ADDRESS],
    )
    # Nothing to anchor the cut on: nothing of it is published.
    assert mask_home_address("植物园村五队12号") == ("***", [HOME_ADDRESS])
    # Already at road level: nothing more to hide.
    assert mask_home_address("金凤区北京中路") == ("金凤区北京中路", [])


# --- properties ------------------------------------------------------------------------------

_REGION = st.sampled_from(["640106", "110101", "310115", "440305"])
# Birth dates are pattern data (the mask never compares them with today).
_BIRTH = st.dates(min_value=__import__("datetime").date(1920, 1, 1)).map(  # fixed-date: data
    lambda d: f"{d:%Y%m%d}" if d.year < 2100 else "20000101"  # fixed-date: pattern data
)
ids = st.builds(
    lambda r, b, s, c: r + b + s + c,
    _REGION,
    _BIRTH,
    st.from_regex(r"\A[0-9]{3}\Z"),
    st.sampled_from(list("0123456789X")),
)
mobiles = st.from_regex(r"\A1[3-9][0-9]{9}\Z")
# Text around the identifiers: no ASCII digits or letters touching them, as in real prose.
prose = st.text(alphabet=st.sampled_from(list("检查结果经营者未发现问题，。、：；（）张王李 号路")))
separators = st.text(alphabet=st.sampled_from(list("，。、：；（） 号")), min_size=1)
# Text with no personal identifier: digit runs stay short, as in dates, amounts, counts.
plain = st.text(
    alphabet=st.sampled_from(
        [*"检查结果未发现问题责令改正，。：（）", *string.ascii_letters, "-", " "]
    )
) | st.lists(
    st.tuples(st.from_regex(r"\A[0-9]{1,5}\Z"), st.sampled_from(["年", "月", "元", "项"]))
).map(lambda parts: "".join(number + word for number, word in parts))


# A run of digits glued to another is one token, not an ID number: separate them as prose does.
@given(before=prose, id_number=ids, middle=separators, phone=mobiles, after=prose)
def test_output_never_contains_the_id_number_or_phone(
    before: str, id_number: str, middle: str, phone: str, after: str
) -> None:
    masked, kinds = mask_text(before + id_number + middle + phone + after)
    assert id_number not in masked
    assert phone not in masked
    assert ID_NUMBER in kinds and MOBILE in kinds


@given(text=st.one_of(prose, plain), id_number=ids, phone=mobiles, name=st.sampled_from(["张三"]))
def test_masking_is_idempotent(text: str, id_number: str, phone: str, name: str) -> None:
    once, _ = mask_text(f"{text}{name}，{id_number}，{phone}", person_names=[name])
    twice, kinds = mask_text(once, person_names=[name])
    assert twice == once
    assert kinds == []


@given(address=st.text(alphabet=st.sampled_from(list("宁夏银川市金凤区北京中路良田镇村号楼室*12"))))
def test_address_masking_is_idempotent(address: str) -> None:
    once, _ = mask_home_address(address)
    assert mask_home_address(once) == (once, [])


@given(text=plain)
def test_non_personal_text_unchanged(text: str) -> None:
    assert mask_text(text, person_names=["张三"]) == (text, [])
