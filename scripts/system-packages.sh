#!/usr/bin/env bash
# Debian packages the PDFs and browser tests need. Installs what is missing where apt can;
# otherwise names them and goes on (tests that need them then say what is missing).
set -u
want=(fonts-noto-cjk libharfbuzz-subset0 gettext poppler-utils chromium)
missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if command -v apt-get >/dev/null 2>&1; then
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1 && sudo_cmd="sudo"
  echo "正在安装系统软件包：${missing[*]}"
  if $sudo_cmd env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null 2>&1 ||
     { $sudo_cmd apt-get update -qq >/dev/null 2>&1 &&
       $sudo_cmd env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null 2>&1; }; then
    exit 0
  fi
fi
echo "提示：请手动安装以下系统软件包：${missing[*]}"
echo "  （PDF 中文字体需要 fonts-noto-cjk 和 libharfbuzz-subset0；浏览器测试需要 chromium）"
exit 0
