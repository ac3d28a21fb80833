"""A config that names no language gets the help center's own: its language folders, or
the script its articles are written in. A Russian or Thai help center copied in with a
two-line MkDocs config must not be indexed and searched as English."""

from __future__ import annotations

import json
from pathlib import Path

from kb.languages import found_languages

RUSSIAN = """---
title: Подключение к базе данных
summary: Как подключить источник данных.
---

# Подключение к базе данных

Чтобы подключить базу данных, откройте настройки подключений и укажите адрес сервера.
Подключения проверяются при сохранении.
"""
RUSSIAN_OTHER = """---
title: Удаление дашборда
summary: Как удалить дашборд.
---

# Удаление дашборда

Откройте меню дашборда и выберите пункт «Удалить». Удалённый дашборд нельзя вернуть.
"""
THAI = """---
title: การรีเซ็ตรหัสผ่าน
summary: วิธีตั้งรหัสผ่านใหม่
---

# การรีเซ็ตรหัสผ่าน

หากคุณลืมรหัสผ่าน ให้คลิกลิงก์ลืมรหัสผ่านในหน้าเข้าสู่ระบบ แล้วตั้งรหัสผ่านใหม่
"""
ENGLISH = """---
title: Reset your password
summary: Get back into your account.
---

# Reset your password

Click "Forgot password" on the sign-in page and follow the link we email you.
"""


def _center(root: Path, files: dict[str, str], config: str = "") -> Path:
    for path, text in files.items():
        (root / "docs" / path).parent.mkdir(parents=True, exist_ok=True)
        (root / "docs" / path).write_text(text, encoding="utf-8")
    site_config = root / "mkdocs.yml"
    site_config.write_text(f"site_name: Copied\ndocs_dir: docs\n{config}", encoding="utf-8")
    return site_config


def test_script_decides_a_folder_without_language_folders(tmp_path):
    _center(tmp_path / "ru", {"connect.md": RUSSIAN, "guides/delete.md": RUSSIAN_OTHER})
    _center(tmp_path / "th", {"password.md": THAI})
    _center(tmp_path / "en", {"password.md": ENGLISH,
                              "ru-notes.md": "# Notes\n\nOne word: привет.\n"})
    assert found_languages(tmp_path / "ru" / "docs") == ["ru"]
    assert found_languages(tmp_path / "th" / "docs") == ["th"]
    assert found_languages(tmp_path / "en" / "docs") == ["en"]
    assert found_languages(tmp_path / "missing") == ["en"]


def test_language_folders_win_but_not_a_minority_section_named_like_one(tmp_path):
    _center(tmp_path / "multi", {"en/a.md": ENGLISH, "ru/a.md": RUSSIAN, "ru/b.md": RUSSIAN_OTHER})
    assert found_languages(tmp_path / "multi" / "docs") == ["en", "ru"]
    assert found_languages(tmp_path / "multi" / "docs", "ru") == ["ru", "en"]
    # an English help center with an "IT administration" section in `it/`, or mostly in
    # a `uk/` section for British customers: kb analyses neither Italian nor Ukrainian
    _center(tmp_path / "it", {"a.md": ENGLISH, "b.md": ENGLISH, "c.md": ENGLISH,
                              "it/vpn.md": ENGLISH})
    assert found_languages(tmp_path / "it" / "docs") == ["en"]
    _center(tmp_path / "uk", {"index.md": ENGLISH, "uk/vat.md": ENGLISH,
                              "uk/returns.md": ENGLISH})
    assert found_languages(tmp_path / "uk" / "docs") == ["en"]


def test_a_language_folder_added_later_is_found(tmp_path):
    import os

    _center(tmp_path, {"a.md": ENGLISH, "b.md": ENGLISH})
    docs = tmp_path / "docs"
    assert found_languages(docs) == ["en"]
    _center(tmp_path, {"en/a.md": ENGLISH, "ru/a.md": RUSSIAN, "ru/b.md": RUSSIAN_OTHER,
                       "ru/c.md": RUSSIAN})
    os.utime(docs, ns=(docs.stat().st_atime_ns, docs.stat().st_mtime_ns + 1))  # a new entry
    assert found_languages(docs) == ["en", "ru"]


def test_the_script_sample_spreads_over_the_whole_tree(tmp_path):
    # 250 English API pages sort first; most of the center is Russian
    files = {f"api/{n:03d}.md": ENGLISH for n in range(250)}
    files.update({f"guide/{n:03d}.markdown": RUSSIAN for n in range(600)})
    _center(tmp_path, files)
    assert found_languages(tmp_path / "docs") == ["ru"]


def test_copied_russian_center_is_indexed_and_searched_as_russian(tmp_path, run_kb):
    config = _center(tmp_path, {"connect.md": RUSSIAN, "delete.md": RUSSIAN_OTHER})
    result = run_kb("index", "--config", config)
    assert result.exit_code == 0, result.output
    assert "(ru: 2)" in result.output
    # "подключении" is a form the article never uses: found only through Russian analysis
    result = run_kb("search", "ошибка при подключении базы", "--json", "--config", config)
    answer = json.loads(result.output)
    assert answer["lang"] == "ru"
    assert [hit["path"] for hit in answer["results"]][:1] == ["connect.md"]

    result = run_kb("check", "--all", "--config", config)
    assert "mkdocs.yml:2: note: no languages are configured; kb reads the articles as ru" \
        in result.output
    assert "add `languages: [ru]` under kb/site" in result.output


def test_copied_thai_center_is_segmented(tmp_path, run_kb):
    config = _center(tmp_path, {"password.md": THAI, "other.md": THAI.replace(
        "รหัสผ่าน", "ใบแจ้งหนี้")})
    assert "(th: 2)" in run_kb("index", "--config", config).output
    answer = json.loads(run_kb("search", "ลืมรหัสผ่าน", "--json", "--config", config).output)
    assert answer["lang"] == "th"
    assert [hit["path"] for hit in answer["results"]][:1] == ["password.md"]


def test_a_language_the_config_names_is_kept(tmp_path, run_kb):
    theme = _center(tmp_path / "theme", {"connect.md": RUSSIAN},
                    "theme:\n  name: material\n  language: de\n")
    assert "(de: 1)" in run_kb("index", "--config", theme).output
    assert "kb reads the articles as" not in run_kb("check", "--all", "--config", theme).output
    plugin = _center(tmp_path / "plugin", {"connect.md": RUSSIAN},
                     "plugins:\n  - search\n  - kb/site:\n      languages: [en]\n")
    assert "(en: 1)" in run_kb("index", "--config", plugin).output
