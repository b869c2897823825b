from nianbao.parsers.templates import RESULT_ROWS_2019, RESULT_ROWS_2021, TEMPLATES


def test_application_tables_have_the_spec_row_counts():
    assert len(TEMPLATES["2019"].table("applications").rows) == 23
    assert len(TEMPLATES["2021"].table("applications").rows) == 25


def test_result_rows_run_from_granted_to_the_last_other_row():
    assert RESULT_ROWS_2019[0] == "granted" and RESULT_ROWS_2019[-1] == "other_handling"
    assert RESULT_ROWS_2021[0] == "granted" and RESULT_ROWS_2021[-1] == "other_misc"


def test_every_row_key_is_unique_within_its_table():
    for template in TEMPLATES.values():
        for table in template.tables:
            keys = [r.key for r in table.rows]
            assert len(keys) == len(set(keys)), (template.name, table.key)
