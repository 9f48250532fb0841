"""The index loads light (issue 40): its HTML and every card picture under 300 KB together, each picture under
60 KB, and no page's HTML over 400 KB."""

from __future__ import annotations

import re


def test_the_index_with_its_card_pictures_stays_under_300_kb(smoke_suite):
    site = smoke_suite / "site"
    index = site / "index.html"
    pictures = [site / src for src in re.findall(r'<img[^>]+src="([^"]+)"', index.read_text())]
    assert pictures and all(p.name == "card.png" for p in pictures), pictures
    sizes = {p.relative_to(site).as_posix(): p.stat().st_size for p in pictures}
    assert max(sizes.values()) <= 60_000, sizes
    assert index.stat().st_size + sum(sizes.values()) <= 300_000, sizes


def test_no_page_is_over_400_kb_of_html(smoke_suite):
    pages = {p.name: p.stat().st_size for p in (smoke_suite / "site").glob("*.html")}
    assert pages and max(pages.values()) <= 400_000, pages
