"""The XSS corpus every HTML test feeds into names, addresses and ids: none of it may run."""

XSS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '" onmouseover="alert(1)',
    "javascript:alert(1)",
    "</script><script>alert(1)</script>",
    "'-alert(1)-'",
]
