"""Statistics of the cases a person reads, made on their own machine (docs/adr/0041).

`records` turns what the reviewer API lists (plaintext metadata) and what the reviewer's key
decrypts (the KPK area) into one `CaseRecord` per case; `compute` counts them (pure);
`mcp` writes the content-free evidence export for KPK; `publish` makes and checks the signed,
suppressed public document the site shows.
"""
