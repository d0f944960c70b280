"""`peluit smoke`: after a deploy, a test report's whole round trip against the live site —
filed, followed up, read, answered, closed — plus its error pages and security headers,
one timed row per check. See docs/operator-guide.md ("Smoke test after deploying")."""
