"""Invented place and body names, with region codes shaped like GB/T 2260 (6 digits)."""

from __future__ import annotations

PROVINCES = (
    ("33", "浙江省"),
    ("35", "福建省"),
    ("41", "河南省"),
    ("42", "湖北省"),
    ("32", "江苏省"),
    ("44", "广东省"),
)
_FIRST = "青临安永新长平宁东西南北清和泰云丰华兴德顺阳"
_SECOND = "山江川溪水林原宁城州丘河湖桥乡岭浦塘陵"
DEPARTMENTS = (
    "财政局",
    "生态环境局",
    "教育局",
    "自然资源和规划局",
    "市场监督管理局",
    "卫生健康委员会",
    "交通运输局",
    "住房和城乡建设局",
    "人力资源和社会保障局",
    "民政局",
    "司法局",
    "农业农村局",
)


def place(index: int) -> str:
    """A two-character place name, distinct for the first len(_FIRST) * len(_SECOND) indexes."""
    first = _FIRST[index % len(_FIRST)]
    second = _SECOND[(index // len(_FIRST) + index) % len(_SECOND)]
    return first + second


def region_code(province: str, city: int, county: int) -> str:
    return f"{province}{city % 100:02d}{county % 100:02d}"
