"""The edge: what CloudFront does between the browser and the two origins, defined once.

- `forwarding`: per behaviour, the headers, cookies and query strings that reach an origin;
- `behaviours`: the site's default behaviour and `/api/*`, and the (absent) error responses;
- `site_function` (+ `site_function.js`): the site's CloudFront Function and its Python twin;
- `api_function` (+ `api_function.js`): the API's CloudFront Function, which checks the proof of
  work of public POSTs before API Gateway (docs/adr/0025-*.md), and its Python twin;
- `pages`: the built site's pages, which the function knows;
- `response_headers`: the response headers policy (`peluit.web.headers`, with the upload origin);
- `cloudformation`: all of it as `infra/peluit.yaml` must hold it (the template is checked
  against it in tests/unit/test_edge_template.py).

`peluit serve` applies the same edge to every request (peluit/serve/server.py). See
docs/adr/0021-the-edge-as-code.md.
"""
