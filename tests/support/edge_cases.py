"""One table of requests for the site's CloudFront Function: tests/unit/test_edge_function.py
checks the Python twin against it, tests/functional/test_edge_function_node.py runs the
JavaScript under node over the same rows and requires the same answers."""

from __future__ import annotations

# A site like the build (peluit/site): Indonesian at the root, English under /en/, one 404
# page; and the same site with an English 404 page of its own.
PAGES = (
    "/",
    "/404.html",
    "/en/",
    "/en/lapor/pengaduan/",
    "/lapor/pengaduan/",
    "/tindak-lanjut/",
)
PAGES_WITH_EN_404 = (*PAGES, "/en/404.html")
PAGE_SETS = {"one-404": PAGES, "en-404": PAGES_WITH_EN_404}

# uri → (where it goes with PAGES, with PAGES_WITH_EN_404): ("uri", x) to the origin as x,
# ("redirect", x) a 301 to x.
ROUTES: dict[str, tuple[tuple[str, str], tuple[str, str]]] = {
    "/": (("uri", "/index.html"),) * 2,
    "/index.html": (("uri", "/index.html"),) * 2,
    "/lapor/pengaduan/": (("uri", "/lapor/pengaduan/index.html"),) * 2,
    "/lapor/pengaduan": (("redirect", "/lapor/pengaduan/"),) * 2,
    "/lapor/pengaduan/index.html": (("uri", "/lapor/pengaduan/index.html"),) * 2,
    "/en": (("redirect", "/en/"),) * 2,
    "/en/": (("uri", "/en/index.html"),) * 2,
    "/404.html": (("uri", "/404.html"),) * 2,
    "/tidak-ada/": (("uri", "/404.html"),) * 2,
    "/tidak-ada": (("uri", "/404.html"),) * 2,
    "/tidak-ada.html": (("uri", "/404.html"),) * 2,
    "/lapor/": (("uri", "/404.html"),) * 2,  # a directory with pages is not a page
    "/LAPOR/PENGADUAN/": (("uri", "/404.html"),) * 2,  # as S3: case matters
    "/lapor/pengaduan/lain.html": (("uri", "/404.html"),) * 2,
    "/en/tidak-ada/": (("uri", "/404.html"), ("uri", "/en/404.html")),
    "/en/tidak-ada": (("uri", "/404.html"), ("uri", "/en/404.html")),
    "/en/404.html": (("uri", "/404.html"), ("uri", "/en/404.html")),
    "/api": (("uri", "/404.html"),) * 2,  # /api/* is the API's; /api alone is the site's
    "/a.b/": (("uri", "/404.html"),) * 2,
    "//": (("uri", "/404.html"),) * 2,
    "/%2e%2e/%2e%2e/etc/passwd": (("uri", "/404.html"),) * 2,
    "/assets/peluit/form.js": (("uri", "/assets/peluit/form.js"),) * 2,
    "/assets/tidak-ada.css": (("uri", "/assets/tidak-ada.css"),) * 2,  # S3 answers for assets
    "/.html": (("uri", "/.html"),) * 2,
    "/assets/peluit/channels.json": (("uri", "/assets/peluit/channels.json"),) * 2,
    # The release log (ADR 0031): C2SP names without an extension go to the bucket as asked.
    "/log/checkpoint": (("uri", "/log/checkpoint"),) * 2,
    "/log/tile/0/000.p/3": (("uri", "/log/tile/0/000.p/3"),) * 2,
    "/log/tile/entries/x001/234": (("uri", "/log/tile/entries/x001/234"),) * 2,
}

# (uri as asked or as routed, the origin's status) → the status the viewer gets, with either
# page set.
STATUSES: dict[tuple[str, int], int] = {
    ("/", 200): 200,
    ("/index.html", 200): 200,
    ("/lapor/pengaduan/", 200): 200,
    ("/lapor/pengaduan/index.html", 200): 200,
    ("/404.html", 200): 404,
    ("/404.html", 304): 304,  # a revalidation keeps its status
    ("/tidak-ada/", 200): 404,  # as asked: the 404 page came back
    ("/tidak-ada", 200): 404,
    ("/en/tidak-ada/", 200): 404,
    ("/en/404.html", 200): 404,
    ("/assets/peluit/form.js", 200): 200,
    ("/assets/peluit/form.js", 304): 304,
    ("/lapor/pengaduan", 301): 301,
}
