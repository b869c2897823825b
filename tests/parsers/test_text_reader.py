from nianbao.parsers.readers.text import read


def test_header_block_becomes_metadata_and_title():
    data = (
        "标题: 某县2013年政府信息公开工作年度报告\n发布时间: 2014-01-22 00:00\n发布机构: 某县人民政府\n"
        "说明\n===== 正文 =====\n正文第一段\n"
    )
    document = read(data.encode())
    assert document.title == "某县2013年政府信息公开工作年度报告"
    assert document.metadata["发布机构"] == "某县人民政府"
    assert document.text() == "正文第一段"


def test_tab_rows_pad_to_a_dense_grid():
    (grid,) = read("规章\t1\t2\n规范性文件\t3\n".encode()).tables()
    assert grid.rows == (("规章", "1", "2"), ("规范性文件", "3", ""))


def test_pipe_rows_spans_blanks_and_rules():
    data = "| 第二十条第（一）项 |||\n| 信息内容 | 本年新制作数量 |\n|---|---|\n|\n| 规章 | |\n"
    (grid,) = read(data.encode()).tables()
    assert grid.rows == (
        ("第二十条第（一）项", "第二十条第（一）项", "第二十条第（一）项"),
        ("信息内容", "本年新制作数量", ""),
        ("规章", "", ""),
    )


def test_blank_rows_are_rows_in_pipe_and_tab_tables():
    pipe = "| 信息内容 | 本年新制作数量 | 本年新公开数量 |\n|:---|---:|---|\n| | | |\n"
    (grid,) = read(pipe.encode()).tables()
    assert grid.rows == (("信息内容", "本年新制作数量", "本年新公开数量"), ("", "", ""))
    tabs = "结果维持\t结果纠正\t总计\n\t\t\n\n\t\t\n正文\n"
    document = read(tabs.encode())
    assert [t.rows for t in document.tables()] == [(("结果维持", "结果纠正", "总计"), ("", "", ""))]
    assert document.text() == "正文"  # a line of tabs outside a table is nothing


def test_one_cell_a_line_with_lone_bars_between_rows():
    data = "信息内容 |\n本年制发件数 |\n|\n规章 |\n3 |\n|\n"
    (grid,) = read(data.encode()).tables()
    assert grid.rows == (("信息内容", "本年制发件数"), ("规章", "3"))
