"""Request-validation messages in Chinese first: pydantic's error type → `中文 (English)`."""

import re
from typing import Any

DATETIME = "不是有效的日期时间（如 2026-11-22T08:15:00+08:00）"
DATE = "不是有效的日期（如 2026-11-22）"
INTEGER = "须为整数"
NUMBER = "须为数字"
OBJECT = "须为 JSON 对象"
ONE_OF = "须为以下之一：{expected}"
# Pydantic's error types as requests meet them; `{...}` are the error's context values.
ZH = {
    "missing": "缺少必填项",
    "extra_forbidden": "不接受此字段",
    "json_invalid": "不是有效的 JSON",
    "string_type": "须为文本",
    "string_too_short": "太短（至少 {min_length} 个字符）",
    "string_too_long": "太长（最多 {max_length} 个字符）",
    "string_pattern_mismatch": "格式不符",
    "int_type": INTEGER, "int_parsing": INTEGER, "int_from_float": INTEGER,
    "float_type": NUMBER, "float_parsing": NUMBER,
    "bool_type": "须为 true 或 false", "bool_parsing": "须为 true 或 false",
    "greater_than": "须大于 {gt}", "greater_than_equal": "须不小于 {ge}",
    "less_than": "须小于 {lt}", "less_than_equal": "须不大于 {le}",
    "literal_error": ONE_OF, "enum": ONE_OF,
    "datetime_type": DATETIME, "datetime_parsing": DATETIME,
    "datetime_from_date_parsing": DATETIME, "timezone_aware": "须带时区偏移（如 +08:00）",
    "date_type": DATE, "date_parsing": DATE, "date_from_datetime_parsing": DATE,
    "date_from_datetime_inexact": DATE,
    "uuid_type": "不是有效的 UUID", "uuid_parsing": "不是有效的 UUID",
    "list_type": "须为列表", "too_short": "条目太少（至少 {min_length} 条）",
    "too_long": "条目太多（最多 {max_length} 条）",
    "list_too_long": "条目太多（最多 {max_length} 条）",
    "dict_type": OBJECT, "model_type": OBJECT, "model_attributes_type": OBJECT,
    "value_error": "取值无效",
    "lift_code": "须为 20 位注册代码或 6 位救援识别码",
    "null": "不能为 null：不修改就不要传此字段",
    "nul": "文本不能含 NUL 字符",
}
CHINESE = re.compile(r"[\u4e00-\u9fff]")
PLACEHOLDER = re.compile(r"\s*\{\w+\}")


def bilingual(error: dict[str, Any]) -> str:
    """The error's message as `中文 (English)`; a message already in Chinese (our own checks)
    or of a type not in the table stays as it is."""
    msg = str(error.get("msg", ""))
    zh = ZH.get(error.get("type", ""))
    if zh is None or CHINESE.search(msg):
        return msg
    try:
        zh = zh.format(**(error.get("ctx") or {}))
    except (KeyError, IndexError):  # a context value the text names is absent: drop the detail
        zh = PLACEHOLDER.sub("", zh.split("（")[0].split("：")[0])
    return f"{zh} ({msg})"
