"""zwgk reports: pure — results in, files out (jinja2 HTML with autoescape, pandas XLSX/CSV)."""
