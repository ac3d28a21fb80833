"""Markdown source → the words a reader sees, and nothing else."""

from __future__ import annotations

from deflection.text import extract


def test_script_and_style_blocks_are_not_words():
    body = extract(
        '<head>\n  <script type="application/ld+json">{`\n    {"@type": "FAQPage",\n'
        '     "name": "Is billing per site?"}\n  `}</script>\n</head>\n\n'
        "Billing is per team.\n\n"
        "<style>\n  .md-typeset .classic { border-width: 0; }\n</style>\n"
        "Add the `<script>` tag to your site. <style>p { color: red }</style>Then wait.\n\n"
        '```html\n<script defer src="https://plausible.io/js/script.js"></script>\n```\n'
    ).body
    assert "FAQPage" not in body and "billing per site" not in body
    assert "border-width" not in body and "color" not in body
    assert "Billing is per team." in body
    assert "Add the <script> tag to your site. Then wait." in body  # inline code is words
    assert '<script defer src="https://plausible.io/js/script.js"></script>' in body  # code
