"""Build simgen/data/vocab.json with Faker: name and page vocabularies, sampled later by index.

Run with `make vocab`. The output is committed so that a dataset depends only on
(seed, users, simgen version), never on the installed Faker release.
"""

from __future__ import annotations

import json
from pathlib import Path

from faker import Faker

# country -> Faker locale used for its members' names
LOCALES = {
    "US": "en_US", "BR": "pt_BR", "GB": "en_GB", "MX": "es_MX", "CA": "en_CA", "DE": "de_DE",
    "FR": "fr_FR", "IN": "en_IN", "JP": "ja_JP", "KR": "ko_KR", "ES": "es_ES", "IT": "it_IT",
    "AU": "en_AU", "NL": "nl_NL", "PL": "pl_PL", "TR": "tr_TR", "AR": "es_AR", "SE": "sv_SE",
}
PER_LOCALE = 400
PAGE_WORDS = 600


def unique(draw, n: int, tries: int = 20) -> list[str]:
    seen: dict[str, None] = {}
    for _ in range(n * tries):
        seen.setdefault(draw().strip(), None)
        if len(seen) >= n:
            break
    return sorted(seen)


def main() -> None:
    out: dict[str, object] = {"locales": LOCALES, "first": {}, "last": {}}
    for country, loc in LOCALES.items():
        fake = Faker(loc)
        fake.seed_instance(20250101)
        out["first"][country] = unique(fake.first_name, PER_LOCALE)
        out["last"][country] = unique(fake.last_name, PER_LOCALE)
    fake = Faker("en_US")
    fake.seed_instance(7)
    out["page_words"] = unique(lambda: fake.word().capitalize(), PAGE_WORDS)
    out["page_nouns"] = unique(lambda: fake.catch_phrase().split()[-1].capitalize(), 200)
    out["email_domains"] = unique(fake.free_email_domain, 12) + ["icloud.com", "outlook.com", "proton.me"]
    path = Path(__file__).resolve().parents[1] / "simgen" / "data" / "vocab.json"
    path.write_text(json.dumps(out, ensure_ascii=False, indent=0, sort_keys=True) + "\n", encoding="utf-8")
    sizes = {c: (len(out["first"][c]), len(out["last"][c])) for c in LOCALES}
    print(f"wrote {path}: {sizes}, {len(out['page_words'])} page words")


if __name__ == "__main__":
    main()
