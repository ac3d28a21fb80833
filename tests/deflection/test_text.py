"""Markdown source → the words a reader sees, and nothing else."""

from __future__ import annotations

from deflection import analysis
from deflection.snippets import snippet
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


def test_entities_are_read_once():
    body = extract('Change it, e.g. <code>&lt;script data-domain="a.com"&gt;</code>&nbsp;now.\n'
                   "Write `&lt;` in code as it is.").body
    assert 'Change it, e.g. <script data-domain="a.com"> now.' in body
    assert "Write &lt; in code as it is." in body
    passage = snippet(body.split("\n")[0], set(analysis.terms("data-domain", "en")), "en")
    assert passage.startswith('Change it, e.g. &lt;script <mark class="kb-hit kb-term0">')


def test_markers_of_other_tools_go_and_their_words_stay():
    body = extract(
        "import CtaBox from '@site/src/components/CtaBox';\n"
        "import useBaseUrl from '@docusaurus/useBaseUrl';\n\n"
        ":::tip Using WordPress?\nInstall our plugin.\n:::\n\n"
        ":::tip[Not what you need?]\nSee the guides.\n:::\n\n"
        ":::note\nStats update hourly.\n:::\n\n"
        "> [!NOTE]\n> Sign in first.\n\n"
        '<CtaBox\n  headline="Start your free trial"\n  link="https://plausible.io/register"\n/>\n\n'
        "1. Open it.\n"
        '   :::image type="content" source="media/a.png" alt-text="The report menu":::\n'
    ).body
    assert body.split("\n") == [
        "Using WordPress?", "Install our plugin.", "Not what you need?", "See the guides.",
        "Stats update hourly.", "Sign in first.", "Open it.", "The report menu"]
