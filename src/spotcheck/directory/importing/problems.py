"""What can be wrong with an import, in the words the user sees (Chinese)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

ERROR = "error"
WARNING = "warning"


class ImportRefused(Exception):
    """The whole file cannot be imported (wrong type, empty, too big, bad headers …)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True, slots=True)
class Problem:
    row: int | None  # spreadsheet row as the user sees it (header = 1); None: the whole file
    column: str  # Chinese header name, "" when the problem is not about one column
    message: str
    level: str = ERROR

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def is_error(self) -> bool:
        return self.level == ERROR


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA: the column name a spreadsheet user sees."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters
