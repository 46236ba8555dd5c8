"""zwgk reports: pure — results in, files out (jinja2 HTML with autoescape, XlsxWriter XLSX, CSV)."""
