"""The report's prose: sections 一 … 六, with the heading variants and habits real reports show."""

from __future__ import annotations

import random

from nianbao.simweb.figures import Figures

_HEADINGS = (
    ("一、总体情况",),
    ("二、主动公开政府信息情况",),
    ("三、收到和处理政府信息公开申请情况",),
    ("四、政府信息公开行政复议、行政诉讼情况", "四、因政府信息公开工作被申请行政复议和提起行政诉讼情况"),
    ("五、存在的主要问题及改进情况", "五、存在的主要问题及改进措施", "五、政府信息公开工作存在的主要问题及改进情况"),
    ("六、其他需要报告的事项", "六、其他需报告事项"),
)
_OVERVIEW = (
    "{year}年，{body}坚持以习近平新时代中国特色社会主义思想为指导，认真贯彻落实《中华人民共和国政府信息公开条例》，"
    "围绕中心工作，聚焦社会关切，不断提高政府工作透明度。",
    "{year}年，{body}深入推进政务公开标准化规范化建设，健全工作机制，完善公开平台，政府信息公开工作取得新进展。",
)
_ACTIVE = (
    "通过门户网站政府信息公开专栏主动公开各类政府信息，及时更新政府信息公开指南和目录。",
    "围绕重点领域信息公开要求，持续做好财政预决算、重大建设项目、公共资源配置等信息的发布。",
)
_PROBLEMS = (
    "一是公开内容的规范性有待加强；二是政策解读形式还比较单一。下一步，我们将进一步健全工作制度，加强业务培训。",
    "主要问题是部分栏目更新不够及时，解读回应的针对性不强。改进措施：加强统筹协调，强化督促检查，提升公开质量。",
)
_OTHER = (
    "本年度未收取信息处理费。",
    "无其他需要报告的事项。",
    "按照《政府信息公开信息处理费管理办法》，本年度未收取信息处理费。",
)


def sections(rng: random.Random, body: str, year: int, figures: Figures | None) -> list[tuple[str, str]]:
    """Six (heading, text) pairs; 一、总体情况 quotes the applications received, as R7 expects."""
    overview = rng.choice(_OVERVIEW).format(year=year, body=body)
    if figures is not None:
        applications = figures["applications"]
        received = applications["new_received"]["total"] or 0
        processed = applications["total_processed"]["total"] or 0
        overview += f"全年共收到政府信息公开申请{received}件，办结{processed}件。"
    texts = (
        overview,
        rng.choice(_ACTIVE),
        "本年度收到和处理政府信息公开申请情况见下表。",
        "本年度因政府信息公开工作被申请行政复议、提起行政诉讼情况见下表。",
        rng.choice(_PROBLEMS),
        rng.choice(_OTHER),
    )
    return [(rng.choice(variants), text) for variants, text in zip(_HEADINGS, texts, strict=True)]


def legacy_sections(rng: random.Random, body: str, year: int) -> list[tuple[str, str]]:
    """The free-form structure of reports before 2019 (概述 / 主动公开 / 依申请公开 / 收费 / 问题)."""
    return [
        ("一、概述", rng.choice(_OVERVIEW).format(year=year, body=body)),
        ("二、主动公开政府信息情况", rng.choice(_ACTIVE)),
        ("三、依申请公开政府信息情况", f"{year}年，{body}共受理政府信息公开申请{rng.randint(0, 40)}件，均已按时答复。"),
        ("四、政府信息公开的收费及减免情况", "本年度未收取任何费用。"),
        ("五、存在的主要问题及改进措施", rng.choice(_PROBLEMS)),
    ]


def legacy_stats(rng: random.Random) -> list[tuple[str, str, int, int]]:
    """The small statistics table (指标名称 | 计量单位 | 本年度 | 历年累计) many old reports carry."""
    rows = []
    for name in ("主动公开政府信息数", "其中：主动公开规范性文件数", "收到申请数", "行政复议数", "行政诉讼数"):
        this_year = rng.randint(0, 500) if "公开" in name else rng.randint(0, 10)
        rows.append((name, "条" if "公开" in name else "件", this_year, this_year + rng.randint(0, 3000)))
    return rows
