"""Reference data (cities, industries, platform types), loaded by a data migration; editable in the admin."""

CITIES = [
    ("nanning", "南宁市", "Nanning"), ("liuzhou", "柳州市", "Liuzhou"), ("guilin", "桂林市", "Guilin"),
    ("wuzhou", "梧州市", "Wuzhou"), ("beihai", "北海市", "Beihai"), ("fangchenggang", "防城港市", "Fangchenggang"),
    ("qinzhou", "钦州市", "Qinzhou"), ("guigang", "贵港市", "Guigang"), ("yulin", "玉林市", "Yulin"),
    ("baise", "百色市", "Baise"), ("hezhou", "贺州市", "Hezhou"), ("hechi", "河池市", "Hechi"),
    ("laibin", "来宾市", "Laibin"), ("chongzuo", "崇左市", "Chongzuo"),
]

INDUSTRIES = [
    ("new-materials", "新材料", "New materials"), ("new-energy", "新能源", "New energy"),
    ("machinery", "机械制造", "Machinery"), ("green-env", "节能环保", "Energy saving and environment"),
    ("electronics", "电子信息", "Electronics and IT"), ("marine", "向海经济", "Marine economy"),
    ("textiles", "轻工纺织", "Light industry and textiles"), ("biomedicine", "生物医药", "Biomedicine"),
    ("green-home", "绿色家居", "Green home furnishing"), ("petrochem", "绿色石化", "Green petrochemicals"),
    ("high-end-equipment", "高端装备制造", "High-end equipment"),
    ("traditional", "传统特色产业", "Traditional specialty industries"),
    ("agriculture", "优势特色农业及农产品加工", "Specialty agriculture and food processing"),
]

PLATFORM_TYPES = [
    ("pilot-base", "中试研究基地", "Pilot-scale research base"),
    ("concept-verification", "概念验证中心", "Concept-verification centre"),
    ("major-pilot-platform", "重大中试平台", "Major pilot platform"),
]


def load(apps) -> None:
    for model_name, rows in (("City", CITIES), ("Industry", INDUSTRIES), ("PlatformType", PLATFORM_TYPES)):
        model = apps.get_model("pilotbase", model_name)
        for order, (code, name, name_en) in enumerate(rows, start=1):
            model.objects.update_or_create(code=code, defaults={"name": name, "name_en": name_en, "order": order})


def ensure_loaded() -> None:
    """Load the reference rows if they are missing (transactional tests flush the data migration's rows)."""
    from django.apps import apps as django_apps

    if not django_apps.get_model("pilotbase", "City").objects.exists():
        load(django_apps)
