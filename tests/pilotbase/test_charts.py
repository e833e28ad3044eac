"""Server-rendered SVG charts: well-formed, accessible (role, title, desc, a title per bar), escaped, with the
same numbers in their table, and bars in proportion to their values."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from django.template.loader import render_to_string

from pilotbase.charts import bar_chart, hbar_chart, nice_ticks

SVG = "{http://www.w3.org/2000/svg}"


def _tree(chart) -> ET.Element:
    return ET.fromstring(str(chart.svg))  # raises when the markup is not well-formed XML


def _bars(root: ET.Element) -> list[ET.Element]:
    return [r for r in root.iter(f"{SVG}rect") if r.find(f"{SVG}title") is not None]


def test_hbar_chart_is_an_accessible_image_with_a_title_per_bar():
    chart = hbar_chart(
        key="c",
        title="各设区市中试基地数",
        items=[("南宁市", 3), ("柳州市", 0), ("桂林市", 1)],
        label_header="设区市",
        value_header="基地数",
    )
    root = _tree(chart)
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "c-svg-title c-svg-desc"
    assert root.find(f"{SVG}title").text == "各设区市中试基地数"
    assert "合计 4" in root.find(f"{SVG}desc").text
    assert [b.find(f"{SVG}title").text for b in _bars(root)] == ["南宁市：3", "柳州市：0", "桂林市：1"]


def test_hbar_bar_lengths_are_proportional_to_values():
    chart = hbar_chart(
        key="c", title="t", items=[("甲", 4), ("乙", 2), ("丙", 0)], label_header="l", value_header="v"
    )
    widths = [float(b.get("width")) for b in _bars(_tree(chart))]
    assert widths[0] == 2 * widths[1] and widths[2] == 0


def test_hbar_target_line_and_table_say_which_rows_fall_short():
    chart = hbar_chart(
        key="c",
        title="t",
        items=[("南宁市", 2), ("柳州市", 0)],
        label_header="设区市",
        value_header="基地数",
        target=1,
        target_label="每市至少 1 家",
    )
    root = _tree(chart)
    dashed = [line for line in root.iter(f"{SVG}line") if line.get("stroke-dasharray")]
    assert len(dashed) == 1
    assert "每市至少 1 家" in str(chart.svg)
    assert chart.headers == ["设区市", "基地数", "目标", "是否达到"]
    assert chart.rows == [["南宁市", 2, 1, "是"], ["柳州市", 0, 1, "否"]]
    assert "1 项未达到目标 1" in chart.summary


def test_labels_are_escaped():
    chart = hbar_chart(
        key="c", title="<b>t</b>", items=[("<script>x</script>", 1)], label_header="l", value_header="v"
    )
    assert "<script>" not in str(chart.svg)
    assert "&lt;script&gt;" in str(chart.svg)
    _tree(chart)


def test_stacked_bar_chart_has_legend_totals_and_its_table():
    chart = bar_chart(
        key="g",
        title="年度考核等次分布",
        categories=["2022", "2023"],
        series=[("优秀", [3, 1]), ("良好", [5, 0]), ("合格", [10, 2])],
        category_header="考核年度",
        total_header="参评基地数",
    )
    root = _tree(chart)
    bars = _bars(root)
    assert [b.find(f"{SVG}title").text for b in bars] == [
        "2022 优秀：3",
        "2022 良好：5",
        "2022 合格：10",
        "2023 优秀：1",
        "2023 合格：2",
    ]  # no empty segment
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert {"优秀", "良好", "合格"} <= set(texts)  # the legend
    assert "18" in texts and "3" in texts  # the totals above the bars
    assert chart.headers == ["考核年度", "优秀", "良好", "合格", "参评基地数"]
    assert chart.rows == [["2022", 3, 5, 10, 18], ["2023", 1, 0, 2, 3]]
    # stacked: the 2022 segments' heights add up to the bar for 18
    assert abs(sum(float(b.get("height")) for b in bars[:3]) - 18 * float(bars[2].get("height")) / 10) < 0.5


def test_bar_chart_targets_are_marked_and_checked_in_the_table():
    chart = bar_chart(
        key="y",
        title="累计认定",
        categories=["2021", "2022", "2025"],
        series=[("累计认定", [11, 18, 30])],
        category_header="年度",
        targets={"2021": 5, "2025": 50},
    )
    root = _tree(chart)
    assert len([line for line in root.iter(f"{SVG}line") if line.get("stroke-dasharray")]) == 2
    assert chart.rows == [["2021", 11, 5, "是"], ["2022", 18, "", ""], ["2025", 30, 50, "否"]]
    assert root.get("role") == "img" and root.find(f"{SVG}desc").text.startswith("累计认定：2021 11")


def test_an_empty_chart_still_draws():
    chart = bar_chart(key="e", title="t", categories=[], series=[("a", [])], category_header="c")
    _tree(chart)
    assert chart.rows == []


def test_nice_ticks():
    assert nice_ticks(0) == [0.0, 1.0]
    assert nice_ticks(3) == [0, 1, 2, 3]
    assert nice_ticks(18)[-1] >= 18 and len(nice_ticks(18)) <= 6
    assert nice_ticks(50) == [0, 10, 20, 30, 40, 50]


def test_the_chart_template_puts_the_table_beside_the_picture():
    chart = hbar_chart(
        key="chart-x",
        title="各产业领域",
        items=[("新材料", 2)],
        label_header="产业领域",
        value_header="基地数",
    )
    html = render_to_string("pilotbase/_chart.html", {"chart": chart, "export_url": "/x.xlsx"})
    assert 'role="img"' in html and 'id="chart-x-table"' in html
    assert '<th scope="row" class="fw-normal">新材料</th><td class="text-end">2</td>' in html
    assert 'href="/x.xlsx"' in html
