import pytest

from nianbao.parsers.identity import (
    iso_date,
    metadata_agency,
    names_a_report,
    period_year,
    split_off_year,
    title_agency,
    title_year,
)
from nianbao.parsers.sections import find_sections


@pytest.mark.parametrize(
    ("title", "agency", "year"),
    [
        ("XX市2023年政府信息公开工作年度报告", "XX市", 2023),
        ("某区人民政府2021年度政府信息公开工作年度报告", "某区人民政府", 2021),
        ("某县2024年度政府信息公开年报", "某县", 2024),
        ("某局政府信息公开工作2022年度报告", "某局", 2022),
        ("2019年上海市人民政府办公厅政府信息公开工作年度报告", "上海市人民政府办公厅", 2019),
        ("某市2016年政务信息公开年度报告", "某市", 2016),
        ("我局2020年政府信息公开工作年度报告", None, 2020),
        ("政府信息公开工作年度报告", None, None),
        ("首页 - 某区人民政府2019年工作动态", None, None),
        ("某县2018年政府信息公开 工作告年度报》", "某县", 2018),
        ("某市生态环境局关于2023年政府信息公开工作年度报告", "某市生态环境局", 2023),
        ("关于印发《某市某局2022年度政府信息公开工作年度报告》的通知", "某市某局", 2022),
        ("某县人民政府2023年政务公开工作年度报告", "某县人民政府", 2023),
        ("2022年上海市政府信息公开工作年度报告", "上海市", 2022),
    ],
)
def test_title_variants(title, agency, year):
    assert title_agency(title) == agency
    assert title_year(title) == year


def test_a_year_split_off_the_title():
    assert split_off_year("某区人民政府政府信息公开工作年度报告\n（2021年度）\n一、总体情况") == 2021
    assert split_off_year("某区人民政府政府信息公开工作年度报告\n2021年，我区…") is None


def test_period_sentence_and_its_holes():
    assert period_year("本报告所列数据的统计期限自2020年1月1日起至2020年12月31日止。") == 2020
    assert period_year("统计期限为2021年1月1日至12月31日") == 2021
    assert period_year("本报告所列数据的统计期限自至。") is None


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("2020-01-31", "2020-01-31"),
        ("2020年1月31日", "2020-01-31"),
        ("2020/1/3 10:00", "2020-01-03"),
        ("20200131", "2020-01-31"),
        ("2021113", None),
        ("2020-13-01", None),
    ],
)
def test_dates(text, iso):
    assert iso_date(text) == iso


def test_metadata_agency_skips_self_references():
    assert metadata_agency({"发布机构": "我局", "来源": "某市交通运输局"}) == "某市交通运输局"


def test_sections_glued_variant_wording_and_missing():
    text = (
        "前言。一、总体情况正文一。二是工作。第三、不是标题。三、收到和处理政府信息公开申请情况（一）x"
        "五、存在的主要问题及改进措施正文五。六、其他需报告事项无"
    )
    sections = find_sections(text)
    assert [s.heading for s in sections] == [
        "",
        "一、总体情况",
        "三、收到和处理政府信息公开申请情况",
        "五、存在的主要问题及改进措施",
        "六、其他需报告事项",
    ]
    assert sections[1].text == "正文一。二是工作。第三、不是标题。"
    assert sections[-1].text == "无"


def test_a_table_of_contents_is_preamble():
    text = (
        "目录\n一、总体情况\n二、主动公开政府信息情况\n三、收到和处理政府信息公开申请情况\n"
        "一、总体情况\n正文一\n二、主动公开政府信息情况\n正文二"
    )
    sections = find_sections(text)
    assert [s.heading for s in sections] == ["", "一、总体情况", "二、主动公开政府信息情况"]
    assert sections[0].text.startswith("目录") and sections[1].text == "正文一"


def test_a_traditional_title_names_its_body_and_year_in_simplified():
    # A mirror site's conversion, Taiwan wording included (資訊 for 信息).
    for title in ("南山縣民政局2023年政府資訊公開工作年度報告", "南山縣民政局2023年度政府信息公開工作報告"):
        assert names_a_report(title)
        assert title_year(title) == 2023
        assert title_agency(title) == "南山县民政局"


def test_a_simplified_title_is_read_as_printed():
    title = "南山县民政局2023年政府信息公开工作年度报告"
    assert (title_year(title), title_agency(title)) == (2023, "南山县民政局")
