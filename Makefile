# Two commands: `make run` and `make test` (README.md).
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installed

.PHONY: run test setup system-packages lint messages guide

$(PY):
	python3 -m venv $(VENV) || { echo "无法创建虚拟环境：请先安装 python3-venv（sudo apt-get install python3-venv）"; exit 1; }

$(STAMP): requirements.txt | $(PY)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements.txt
	touch $(STAMP)

system-packages:
	@bash scripts/system-packages.sh

setup: system-packages $(STAMP)
	@mkdir -p var
	$(PY) manage.py migrate --noinput
	$(PY) manage.py compilemessages --ignore=.venv -v0
	$(PY) manage.py collectstatic --noinput -v0

run: setup
	$(PY) manage.py seed_demo
	@bash scripts/run.sh

test: system-packages $(STAMP)
	@mkdir -p var
	$(PY) manage.py compilemessages --ignore=.venv -v0
	$(PY) -m pytest -q $(PYTEST_ARGS)

# The user guide's screenshots (docs/guide/images/), taken by chromium on a throwaway demo site, and its PDF
# (var/guide/用户手册.pdf). GUIDE_ARGS passes options, e.g. GUIDE_ARGS="--only lead" or "--pdf-only".
guide: system-packages $(STAMP)
	@mkdir -p var
	$(PY) manage.py compilemessages --ignore=.venv -v0
	$(PY) manage.py make_guide $(GUIDE_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .

# Refresh the zh_Hans catalog from the code (no source locations: fewer merge conflicts).
messages: $(STAMP)
	$(PY) manage.py makemessages -l zh_Hans --no-location --no-obsolete --no-wrap --ignore=.venv --ignore=var --ignore=static
	sed -i "/^\"POT-Creation-Date/d" config/locale/zh_Hans/LC_MESSAGES/django.po
