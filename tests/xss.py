"""The XSS corpus every HTML test feeds into names, addresses and ids (none of it may run), and a
collector of the tags and attributes a page really contains."""

from html.parser import HTMLParser

XSS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '" onmouseover="alert(1)',
    "javascript:alert(1)",
    "</script><script>alert(1)</script>",
    "'-alert(1)-'",
]


class Tags(HTMLParser):
    """Every start tag and attribute of a page, as the browser's parser would see them."""

    def __init__(self):
        super().__init__()
        self.tags, self.attrs = [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs += attrs
