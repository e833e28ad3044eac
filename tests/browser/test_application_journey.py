"""An applicant fills every section, uploads real PDFs, recovers from an error, submits and gets the PDF."""

import pytest

from applications.demo import tiny_pdf
from tests import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def app_of(user):
    return user.organization.applications.get()


def assert_table_usable(page, key):
    """The row table is laid out at full width (it was once squeezed to 0 px beside its floated legend)."""
    fieldset = page.locator(f"#table-{key}").bounding_box()
    table = page.locator(f"#table-{key} .table-responsive").bounding_box()
    assert table["width"] > fieldset["width"] * 0.8


def test_applicant_fills_submits_and_downloads_pdf(login_as, page, tmp_path):
    call = f.CallFactory(title="2026年度浏览器测试批次")
    user = f.ApplicantUserFactory(username="journey", organization__name="广西旅程测试新材料有限公司")
    login_as("journey", f.PASSWORD)

    page.goto("/applications/calls/")
    page.get_by_role("row", name=call.title).get_by_role("button", name="开始申报").click()
    page.wait_for_url("**/edit/basic/")
    label = lambda text: page.get_by_label(text, exact=True)  # noqa: E731

    # 基本信息, with a deliberate error first: what was typed must survive.
    label("基地名称").fill("广西新材料科技成果转化中试研究基地")
    label("产业领域").select_option(label="新材料")
    label("平台类型").select_option(label="中试研究基地")
    label("依托平台类型").select_option(label="重点实验室")
    label("依托平台名称").fill("广西新材料重点实验室")
    label("依托平台级别").select_option(label="自治区级")
    label("联系人").fill("李工")
    label("联系电话").fill("0771-5555555")
    label("联系邮箱").fill("不是邮箱")
    label("基地简介").fill("面向新材料产业的中试服务。")
    page.get_by_role("button", name="保存草稿").click()
    assert page.locator("#error-summary").is_visible()
    assert label("基地名称").input_value() == "广西新材料科技成果转化中试研究基地"
    assert label("基地简介").input_value() == "面向新材料产业的中试服务。"
    label("联系邮箱").fill("li@example.cn")
    page.get_by_role("button", name="保存并继续").click()
    page.wait_for_url("**/edit/capability/")

    label("中试场地面积（平方米）").fill("3000")
    label("中试生产线（条）").fill("2")
    label("中试生产线及实验条件").fill("两条中试线")
    label("近三年对外中试项目（项）").fill("25")
    label("安全、环保设施及制度").fill("设施齐全")
    assert_table_usable(page, "equipment")
    label("仪器设备 第1行 设备名称").fill("中试反应釜")
    label("仪器设备 第1行 原值（元）").fill("8000000")
    label("仪器设备 第2行 设备名称").fill("在线检测仪")
    label("仪器设备 第2行 数量").fill("2")
    label("仪器设备 第2行 原值（元）").fill("1500000")
    page.get_by_role("button", name="保存并继续").click()
    page.wait_for_url("**/edit/team/")
    assert list(app_of(user).equipment.values_list("name", "quantity")) == [("中试反应釜", 1), ("在线检测仪", 2)]

    label("人才队伍概况").fill("专职团队12人")
    assert_table_usable(page, "team")
    label("团队成员 第1行 姓名").fill("张三")
    label("团队成员 第1行 职称").fill("高级工程师")
    label("团队成员 第1行 技术人员").check()  # rows start unticked (issue 11): only what is ticked counts
    label("团队成员 第2行 姓名").fill("李四")
    assert not label("团队成员 第2行 技术人员").is_checked()
    blank_rows = page.locator("#rows-team tr").count()
    page.get_by_role("button", name="添加一行").click()  # a row beyond the blank ones, without saving
    label(f"团队成员 第{blank_rows + 1}行 姓名").fill("王五")
    label(f"团队成员 第{blank_rows + 1}行 技术人员").check()
    page.get_by_role("button", name="保存并继续").click()
    page.wait_for_url("**/edit/management/")
    assert list(app_of(user).team.values_list("name", "is_technical")) == [("张三", True), ("李四", False),
                                                                           ("王五", True)]

    label("内部管理制度").fill("制度健全")
    label("对外服务制度及承接程序").fill("流程清晰")
    label("收费标准").fill("公开收费")
    page.get_by_role("button", name="保存并继续").click()
    page.wait_for_url("**/edit/plan/")

    label("拟提供的中试服务").fill("中试放大")
    label("建设方案").fill("三年建设")
    label("建设期（年）").fill("3")
    label("建设目标及考核指标").fill("服务企业50家")
    page.get_by_role("button", name="保存并继续").click()
    page.wait_for_url("**/edit/funding/")

    label("总投入（元）").fill("20000000")
    label("自筹资金（元）").fill("15000000")
    label("申请财政支持（元）").fill("5000000")
    label("已阅读并同意承诺书").check()
    page.get_by_role("button", name="保存并继续").click()
    page.wait_for_url("**/edit/attachments/")

    for code, name in (("feasibility", "可行性研究报告"), ("license", "营业执照（副本）扫描件")):
        path = tmp_path / f"{code}.pdf"
        path.write_bytes(tiny_pdf(code))
        page.get_by_label("附件类别").select_option(label=name)
        page.get_by_label("选择文件").set_input_files(str(path))
        page.get_by_role("button", name="上传").click()
        page.wait_for_url("**/edit/attachments/")
    assert page.locator(".attachment-row").count() == 2

    page.get_by_role("link", name="检查并提交").click()
    assert page.locator("#complete").is_visible()
    page.get_by_role("button", name="提交申报").click()
    page.wait_for_url("**/applications/*/")
    number = page.locator("#acceptance-no").inner_text()
    assert number == f"ZS{call.year}-0001"
    assert user.organization.applications.get().acceptance_no == number

    with page.expect_download() as info:
        page.locator("#pdf-link").click()
    content = open(info.value.path(), "rb").read()
    assert content[:4] == b"%PDF"
