"""``manage.py demo_logins``: print the demo accounts (one per role) and their shared password."""

from __future__ import annotations

import unicodedata
from typing import Any

from django.core.management.base import BaseCommand

from spotcheck.demo.loader import login_rows


def _width(text: str) -> int:
    # CJK characters take two terminal columns; pad by display width so the table lines up.
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


class Command(BaseCommand):
    help = "打印演示账号表（用户名、角色、部门、密码）。"

    def handle(self, *args: Any, **options: Any) -> None:
        rows = login_rows()
        if not rows:
            self.stdout.write("尚无演示账号；先运行 manage.py load_demo")
            return
        header = ("用户名", "角色", "部门", "密码")
        widths = [max(_width(r[i]) for r in [header, *rows]) for i in range(4)]
        line = "  +" + "+".join("-" * (w + 2) for w in widths) + "+"
        self.stdout.write("")
        self.stdout.write("  演示账号（数据均为虚构，仅供试用）：")
        self.stdout.write(line)
        for row in [header, *rows]:
            self.stdout.write(
                "  | " + " | ".join(_pad(c, w) for c, w in zip(row, widths, strict=True)) + " |"
            )
            if row is header:
                self.stdout.write(line)
        self.stdout.write(line)
        self.stdout.write("")
