"""A maintenance unit's own facts: its 统一社会信用代码 (GB 32100-2015) and its duty phone."""

import re

from domain.errors import DomainError, InvalidValue
from domain.values import MOBILE

# GB 32100-2015: 18 characters from these 31 (no I, O, Z, S, V); the 18th is a check character.
CODE_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)  # 3**i mod 31
# A landline with its area code (010-12345678, 0755 8888 8888, ext. after '-' or 'ext'), or a
# nationwide 400/800 service number. [0-9], never \d (other scripts' digits); \Z, never $.
LANDLINE = re.compile(r"^0[1-9][0-9]{1,2}[- ]?[2-9][0-9]{6,7}(?:(?:-|ext)[0-9]{1,6})?\Z")
SERVICE = re.compile(r"^[48]00[- ]?[0-9]{3}[- ]?[0-9]{4}\Z")


def check_character(first17: str) -> str:
    """The 18th character of a unified social credit code, from its first 17."""
    total = sum(CODE_CHARS.index(c) * w for c, w in zip(first17, WEIGHTS, strict=True))
    return CODE_CHARS[(31 - total % 31) % 31]


def credit_code(value: str, field: str = "code") -> str:
    """A 统一社会信用代码: 18 of the allowed characters, the last its check character."""
    code = (value or "").strip().upper()
    if len(code) != 18 or any(c not in CODE_CHARS for c in code):
        raise InvalidValue("code must be 18 characters (digits and capitals except I O Z S V)",
                           zh="统一社会信用代码应为 18 位（数字及除 I、O、Z、S、V 外的大写字母）",
                           field=field)
    if check_character(code[:17]) != code[17]:
        raise InvalidValue("code: the check character (18th) does not match (GB 32100-2015)",
                           zh="统一社会信用代码校验位（第 18 位）不正确", field=field)
    return code


class UnitCodeTaken(DomainError):
    """Another maintenance unit holds this 统一社会信用代码 (which one is not said)."""

    code = "unit_code_taken"

    def __init__(self, code: str):
        super().__init__(f"unified social credit code {code} is already another maintenance "
                         "unit's: one legal entity is one unit", field="code",
                         zh=f"统一社会信用代码 {code} 已被其他维保单位使用：一个单位只能登记一次")


def duty_phone(value: str, field: str = "duty_phone") -> str:
    """值班电话: a mainland mobile, a landline with its area code, or a 400/800 number."""
    phone = (value or "").strip()
    if not (MOBILE.match(phone) or LANDLINE.match(phone) or SERVICE.match(phone)):
        raise InvalidValue(
            "duty_phone must be a mobile (11 digits), a landline with area code "
            "(e.g. 0755-88888888) or a 400/800 number",
            zh="值班电话应为手机号、带区号的固定电话（如 0755-88888888）或 400/800 电话",
            field=field)
    return phone
