"""The hand-over's README, in Chinese: the layout (with the documents at its top level, such as the user
guide), how to check and decrypt it, and every table's columns (generated from the models' verbose names, so a
new model or field is described without editing this)."""

from django.utils import translation

from . import crypto

LAYOUT = """# 童护 服务对象档案资料移交包

本目录是合同期满后向采购人无偿移交的全部档案资料（由 `manage.py export_handover` 生成）。

## 目录结构

<!-- documents -->
- `manifest.json`：清单。每个文件的 SHA-256 校验值（`files`）、每张数据表的记录数（`tables`）、
  生成时间与生成人、加密参数（`encryption`）、缺失的附件（`missing_attachments`）、
  顶层说明文档是否生成（`documents`）。
- `data/json/<应用>.<表>.json`：每张表一个 JSON 文件。内容是一个数组，每条记录占一行，键为字段名（见下表）；
  日期时间为 ISO 8601 格式（含时区），外键为所指记录的编号，附件为其在 `attachments/` 下的路径。
  加密字段（身份证号、电话、地址、健康情况等）已解密。
- `data/xlsx/<应用>.<表>.xlsx`：同一张表的 Excel 文件。第 1 行为中文列名，第 2 行为字段名；
  超过 100 万行时续写在下一个工作表。单元格最多 32767 个字符，更长的文字以 JSON 文件为准。
- `pdfs/children/<编号>.pdf`：每名儿童的个人档案；`pdfs/cases/<编号>.pdf`：每个个案的完整记录。
- `attachments/`：所有附件（照片、证明材料等），路径与数据表中记录的一致。
- 审计日志即 `data/json/accounts.auditentry.json`（及其 xlsx），检查点为 `accounts.auditcheckpoint`；
  变更历史为各应用中名为 `historical…` 的表；后台操作记录为 `admin.logentry`。

## 校验

在原系统上运行 `python manage.py verify_handover 本目录`：逐一核对文件的 SHA-256，并与数据库逐表、逐条比对；
任何不一致都会列出文件名或记录，并以非零状态退出。没有原系统时，可用任何工具计算 SHA-256 与 `manifest.json` 比对。
"""

ENCRYPTED = """
## 加密

除 `README.md`、`manifest.json`<!-- plain --> 外，每个文件都已加密，文件名后加 `.enc`。
方案：AES-256-GCM。密钥 = scrypt(口令的 UTF-8 编码, salt, n=2^15, r=8, p=1, 长度 32 字节)，
salt 与参数见 `manifest.json` 的 `encryption`。每个文件：6 字节标识 `THGCM1`、8 字节随机前缀，
然后是若干数据块（每块明文至多 1 MiB），每块写为 4 字节（大端）密文长度和含 16 字节认证标签的密文；
第 i 块（从 0 开始）的随机数为 前缀 + i（4 字节大端），附加数据为 标识 + 前缀 + i（4 字节）+ 1 字节
（最后一块为 1，其余为 0）。解密：`python handover/crypto.py decrypt 本目录 输出目录 --passphrase-file 口令文件`
（只需 Python 与 cryptography 包）。口令另行交付，不随本目录保存。
"""


def _type_name(field) -> str:
    if field.is_relation:
        return f"编号 → {field.related_model._meta.label_lower}"
    if field.choices:
        return "代码：" + "；".join(f"{value}={label}" for value, label in field.flatchoices)[:300]
    return field.get_internal_type()


def _document_lines(documents: dict) -> str:
    lines = []
    for name, entry in documents.items():
        if entry["included"]:
            lines.append(f"- `{name}`：{entry['description']}。不含个人信息，因此不加密（移交包加密时也可直接打开），"
                         "导出时总是包含（与是否生成儿童和个案的 PDF 无关）。\n")
        else:
            lines.append(f"- `{name}`（本次导出未能生成，原因见 `manifest.json` 的 `documents`）："
                         f"{entry['description']}。\n")
    return "".join(lines)


def write_readme(out, models, *, encrypted: bool, pdfs: bool, documents: dict | None = None) -> None:
    """`documents`: the manifest's `documents` ({file name: {description, included, problem}})."""
    documents = documents or {}
    included = [name for name, entry in documents.items() if entry["included"]]
    with translation.override("zh-hans"):
        parts = [LAYOUT.replace("<!-- documents -->\n", _document_lines(documents))]
        if encrypted:
            parts.append(ENCRYPTED.replace("<!-- plain -->", "".join(f"、`{name}`" for name in included)))
        if not pdfs:
            parts.append("\n本次导出未生成每名儿童和每个个案的 PDF（命令行使用了 `--no-pdfs`，或在页面上未勾选），"
                         "`pdfs/` 目录不存在。\n")
        parts.append("\n## 数据表与字段\n")
        for model in models:
            meta = model._meta
            parts.append(f"\n### {meta.label_lower}：{meta.verbose_name}\n\n| 字段名 | 中文名 | 类型 |\n|---|---|---|\n")
            for field in meta.concrete_fields:
                parts.append(f"| {field.attname} | {field.verbose_name} | {_type_name(field)} |\n")
        out.write("".join(parts).replace("`.enc`", f"`{crypto.SUFFIX}`").encode("utf-8"))
