"""The national report templates: table, row and column keys with the labels that identify them.

The keys are the public contract of the canonical record (see shared/spec/annual-report-format.md);
the labels are what real documents print. The first label of a spec is the canonical wording, used by
renderers (the simulated web) and reports; the rest are accepted variants.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ColumnSpec:
    key: str
    labels: tuple[str, ...]


@dataclass(frozen=True)
class RowSpec:
    key: str
    labels: tuple[str, ...]
    columns: tuple[str, ...]


@dataclass(frozen=True)
class TableSpec:
    key: str
    heading: str
    rows: tuple[RowSpec, ...]
    columns: tuple[ColumnSpec, ...]

    def row(self, key: str) -> RowSpec:
        return next(r for r in self.rows if r.key == key)


@dataclass(frozen=True)
class Template:
    name: str
    detect_labels: tuple[str, ...]
    tables: tuple[TableSpec, ...]

    def table(self, key: str) -> TableSpec:
        return next(t for t in self.tables if t.key == key)


TEMPLATE_NAMES = ("2019", "2021", "legacy")
TABLE_KEYS = ("active_disclosure", "applications", "review_litigation")

_DOCS = ("new_made", "new_published", "total_published")
_ITEMS = ("previous_count", "change", "decisions")

_COLUMNS_2019_ACTIVE = (
    ColumnSpec("new_made", ("本年新制作数量",)),
    ColumnSpec("new_published", ("本年新公开数量",)),
    ColumnSpec("total_published", ("对外公开总数量",)),
    ColumnSpec("previous_count", ("上一年项目数量",)),
    ColumnSpec("change", ("本年增/减", "本年增减")),
    ColumnSpec("decisions", ("处理决定数量",)),
    ColumnSpec("projects", ("采购项目数量",)),
    ColumnSpec("amount_wan_yuan", ("采购总金额",)),
)

ACTIVE_2019 = TableSpec(
    key="active_disclosure",
    heading="二、主动公开政府信息情况",
    rows=(
        RowSpec("rules", ("规章",), _DOCS),
        RowSpec("normative_documents", ("规范性文件", "行政规范性文件"), _DOCS),
        RowSpec("licensing", ("行政许可",), _ITEMS),
        RowSpec("other_services", ("其他对外管理服务事项",), _ITEMS),
        RowSpec("penalties", ("行政处罚",), _ITEMS),
        RowSpec("coercion", ("行政强制",), _ITEMS),
        RowSpec("fees", ("行政事业性收费",), ("previous_count", "change")),
        RowSpec("procurement", ("政府集中采购",), ("projects", "amount_wan_yuan")),
    ),
    columns=_COLUMNS_2019_ACTIVE,
)

ACTIVE_2021 = TableSpec(
    key="active_disclosure",
    heading="二、主动公开政府信息情况",
    rows=(
        RowSpec("rules", ("规章",), ("issued", "repealed", "in_force")),
        RowSpec("normative_documents", ("行政规范性文件", "规范性文件"), ("issued", "repealed", "in_force")),
        RowSpec("licensing", ("行政许可",), ("decisions",)),
        RowSpec("penalties", ("行政处罚",), ("decisions",)),
        RowSpec("coercion", ("行政强制",), ("decisions",)),
        RowSpec("fees", ("行政事业性收费",), ("amount_wan_yuan",)),
    ),
    columns=(
        ColumnSpec("issued", ("本年制发件数",)),
        ColumnSpec("repealed", ("本年废止件数",)),
        ColumnSpec("in_force", ("现行有效件数",)),
        ColumnSpec("decisions", ("本年处理决定数量", "处理决定数量")),
        ColumnSpec("amount_wan_yuan", ("本年收费金额（单位：万元）", "本年收费金额")),
    ),
)

APPLICANT_COLUMNS = (
    ColumnSpec("natural_person", ("自然人",)),
    ColumnSpec("commercial_enterprise", ("商业企业",)),
    ColumnSpec("research_institution", ("科研机构",)),
    ColumnSpec("social_welfare_org", ("社会公益组织",)),
    ColumnSpec("legal_service_org", ("法律服务机构",)),
    ColumnSpec("other_org", ("其他",)),
    ColumnSpec("total", ("总计",)),
)
_APPLICANTS = tuple(c.key for c in APPLICANT_COLUMNS)
# Header cells of table 3 above the applicant columns. Short labels (总计, 其他) match only exactly, so
# these never catch the （七）总计 or 3.其他 rows.
APPLICATION_HEADER_LABELS = ("申请人情况", "法人或其他组织")

_APPLICATION_HEAD = (
    RowSpec("new_received", ("一、本年新收政府信息公开申请数量",), _APPLICANTS),
    RowSpec("carried_over", ("二、上年结转政府信息公开申请数量",), _APPLICANTS),
    RowSpec("granted", ("（一）予以公开",), _APPLICANTS),
    RowSpec(
        "partially_granted",
        ("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "（二）部分公开"),
        _APPLICANTS,
    ),
    RowSpec("withheld_state_secret", ("1.属于国家秘密",), _APPLICANTS),
    RowSpec("withheld_prohibited_by_law", ("2.其他法律行政法规禁止公开",), _APPLICANTS),
    RowSpec("withheld_three_safeties", ("3.危及“三安全一稳定”",), _APPLICANTS),
    RowSpec("withheld_third_party", ("4.保护第三方合法权益",), _APPLICANTS),
    RowSpec("withheld_internal_affairs", ("5.属于三类内部事务信息",), _APPLICANTS),
    RowSpec("withheld_process_info", ("6.属于四类过程性信息",), _APPLICANTS),
    RowSpec("withheld_enforcement_file", ("7.属于行政执法案卷",), _APPLICANTS),
    RowSpec("withheld_administrative_query", ("8.属于行政查询事项",), _APPLICANTS),
    RowSpec("unavailable_not_held", ("1.本机关不掌握相关政府信息",), _APPLICANTS),
    RowSpec("unavailable_needs_creation", ("2.没有现成信息需要另行制作",), _APPLICANTS),
    RowSpec("unavailable_unclear", ("3.补正后申请内容仍不明确",), _APPLICANTS),
    RowSpec("not_processed_complaint", ("1.信访举报投诉类申请",), _APPLICANTS),
    RowSpec("not_processed_duplicate", ("2.重复申请",), _APPLICANTS),
    RowSpec("not_processed_publication", ("3.要求提供公开出版物",), _APPLICANTS),
    RowSpec("not_processed_excessive", ("4.无正当理由大量反复申请",), _APPLICANTS),
    RowSpec(
        "not_processed_confirmation",
        ("5.要求行政机关确认或重新出具已获取信息",),
        _APPLICANTS,
    ),
)
_APPLICATION_TAIL = (
    RowSpec("total_processed", ("（七）总计",), _APPLICANTS),
    RowSpec("carried_forward", ("四、结转下年度继续办理",), _APPLICANTS),
)

APPLICATIONS_2019 = TableSpec(
    key="applications",
    heading="三、收到和处理政府信息公开申请情况",
    rows=(
        *_APPLICATION_HEAD,
        RowSpec("other_handling", ("（六）其他处理",), _APPLICANTS),
        *_APPLICATION_TAIL,
    ),
    columns=APPLICANT_COLUMNS,
)

APPLICATIONS_2021 = TableSpec(
    key="applications",
    heading="三、收到和处理政府信息公开申请情况",
    rows=(
        *_APPLICATION_HEAD,
        RowSpec(
            "other_overdue_correction",
            ("1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",),
            _APPLICANTS,
        ),
        RowSpec(
            "other_unpaid_fee",
            ("2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",),
            _APPLICANTS,
        ),
        RowSpec("other_misc", ("3.其他",), _APPLICANTS),
        *_APPLICATION_TAIL,
    ),
    columns=APPLICANT_COLUMNS,
)

# Result rows summed by rule R3, in template order (granted .. last other_* row).
RESULT_ROWS_2019 = tuple(r.key for r in APPLICATIONS_2019.rows[2:-2])
RESULT_ROWS_2021 = tuple(r.key for r in APPLICATIONS_2021.rows[2:-2])

REVIEW_GROUPS = (
    ("review", ("行政复议",)),
    ("litigation_direct", ("未经复议直接起诉",)),
    ("litigation_after_review", ("复议后起诉",)),
)
REVIEW_HEADER_LABELS = ("行政诉讼",)  # the group heading over 未经复议直接起诉 and 复议后起诉
REVIEW_COLUMNS = (
    ColumnSpec("upheld", ("结果维持",)),
    ColumnSpec("corrected", ("结果纠正",)),
    ColumnSpec("other", ("其他结果",)),
    ColumnSpec("pending", ("尚未审结",)),
    ColumnSpec("total", ("总计",)),
)

REVIEW_LITIGATION = TableSpec(
    key="review_litigation",
    heading="四、政府信息公开行政复议、行政诉讼情况",
    rows=tuple(RowSpec(key, labels, tuple(c.key for c in REVIEW_COLUMNS)) for key, labels in REVIEW_GROUPS),
    columns=REVIEW_COLUMNS,
)

TEMPLATE_2019 = Template(
    name="2019",
    detect_labels=("本年新制作数量", "对外公开总数量", "上一年项目数量", "采购总金额", "其他对外管理服务事项"),
    tables=(ACTIVE_2019, APPLICATIONS_2019, REVIEW_LITIGATION),
)

TEMPLATE_2021 = Template(
    name="2021",
    detect_labels=("本年制发件数", "本年废止件数", "现行有效件数", "本年收费金额", "申请人逾期未按收费通知"),
    tables=(ACTIVE_2021, APPLICATIONS_2021, REVIEW_LITIGATION),
)

TEMPLATES = {t.name: t for t in (TEMPLATE_2019, TEMPLATE_2021)}

SECTION_HEADINGS = (
    "一、总体情况",
    "二、主动公开政府信息情况",
    "三、收到和处理政府信息公开申请情况",
    "四、政府信息公开行政复议、行政诉讼情况",
    "五、存在的主要问题及改进情况",
    "六、其他需要报告的事项",
)
