#!/usr/bin/env bash
# Checks the system libraries PDFs need and installs them with apt when run as root.
set -u
need=()
dpkg -s libpango-1.0-0 >/dev/null 2>&1 || need+=(libpango-1.0-0 libpangoft2-1.0-0)
dpkg -s libharfbuzz-subset0 >/dev/null 2>&1 || need+=(libharfbuzz-subset0)
fc-list 2>/dev/null | grep -qiE 'Noto (Sans|Serif) CJK' || need+=(fonts-noto-cjk)
fc-list 2>/dev/null | grep -qi 'HanaMinB' || need+=(fonts-hanazono)  # CJK Extension B (e.g. 𠀀) in PDFs
command -v msgfmt >/dev/null 2>&1 || need+=(gettext)
if [ ${#need[@]} -eq 0 ]; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "安装 PDF 与翻译所需的系统库：${need[*]}"
  (apt-get update -qq || true) && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
else
  echo "缺少系统库，请运行：sudo apt-get install -y ${need[*]}" >&2
  echo "(PDFs need them; without libharfbuzz-subset0 a Chinese page takes ~11 s instead of ~0.15 s)" >&2
fi
