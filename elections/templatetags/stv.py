from __future__ import annotations

from typing import Any

from django import template

from elections.table import Table, table

register = template.Library()


@register.simple_tag
def stage_table(sheet: dict[str, Any]) -> Table:
    return table(sheet)
