"""Reports leaders read and the web pages: Jinja2 templates (autoescape, ``base.html`` + partials),
one typed context object per page, SVG charts inline, HTML and PDF (WeasyPrint)."""
