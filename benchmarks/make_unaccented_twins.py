"""Write the unaccented, lower-case twin of every Vietnamese question of some question sets,
as users type them in a hurry; expected strings stay (the scorer folds accents anyway).

usage: python benchmarks/make_unaccented_twins.py OUT.jsonl QUESTIONS.jsonl [...]
then:  cchc eval --questions OUT.jsonl
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ingest.text import strip_marks  # noqa: E402


def main() -> None:
    out, sources = Path(sys.argv[1]), [Path(p) for p in sys.argv[2:]]
    lines = []
    for source in sources:
        for line in source.read_text(encoding="utf-8").splitlines():
            q = json.loads(line)
            if q["lang"] == "vi":
                q.update(id=f"{q['id']}_na", question=strip_marks(q["question"]).lower(), lang="vi-noaccent")
                lines.append(json.dumps(q, ensure_ascii=False))
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(lines)} twins written to {out}")


if __name__ == "__main__":
    main()
